// Every diagnostic code the checker reports, each on the smallest file that triggers it: the code,
// where it points, and that its message names the numbers and the fix.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type Analysis } from '../../../language/analysis/analyze';
import { DIAGNOSTIC_CODES, MAX_DIAGNOSTICS_PER_FILE, type Diagnostic } from '../../../language/analysis/diagnostics';
import { LANGUAGE_EXAMPLE } from '../../helpers/language-example';

const COMPILE = `compile {\n    loss: 'categorical_crossentropy'\n    optimizer: 'adam'\n    metrics: ['accuracy']\n}\ndata {\n    train: digits\n}\n`;

function model(layers: string, rest = COMPILE): string {
  return `model m {\n${layers
    .trim()
    .split('\n')
    .map((l) => `    ${l.trim()}`)
    .join('\n')}\n}\n${rest}`;
}

/** The diagnostics with `code`, and the source text each one underlines. */
function find(a: Analysis, code: string): { d: Diagnostic; text: string }[] {
  return a.diagnostics
    .filter((d) => d.code === code)
    .map((d) => ({ d, text: a.text.slice(d.range.start.offset, d.range.end.offset) }));
}

function one(text: string, code: string, options = {}): { d: Diagnostic; text: string; a: Analysis } {
  const a = analyze(text, options);
  const found = find(a, code);
  assert.equal(
    found.length,
    1,
    `expected one '${code}', got: ${JSON.stringify(
      a.diagnostics.map((d) => [d.code, d.message]),
      null,
      1,
    )}`,
  );
  return { ...found[0], a };
}

function codes(text: string, options = {}): string[] {
  return analyze(text, options).diagnostics.map((d) => d.code);
}

describe('clean files', () => {
  it('the LANGUAGE.md example checks clean', () => {
    const a = analyze(LANGUAGE_EXAMPLE);
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.model?.totals?.total, 1_199_882);
  });
});

describe('syntax', () => {
  it('reports several syntax errors and still checks the rest', () => {
    const a = analyze(model(`Dense(10\nDense(5, activation='relu'\nDense(3, activaton='relu')`, ''));
    assert.ok(a.diagnostics.filter((d) => d.code === 'syntax-error').length >= 2);
    assert.ok(
      a.diagnostics.some((d) => d.code === 'unknown-argument'),
      'checking continues after syntax errors',
    );
  });
  it('invalid character', () => {
    assert.ok(codes(model(`Input(shape=(4,))\nDense(10) $`, '')).includes('invalid-character'));
  });
  it('unterminated string', () => {
    assert.ok(codes(model(`Dense(10, activation='relu)`, '')).includes('unterminated-string'));
  });
});

describe('structure', () => {
  it('missing model', () => {
    one(COMPILE, 'missing-model');
  });
  it('two models', () => {
    const { d } = one(
      `model a {\n Dense(1, input_shape=(3,))\n}\nmodel b {\n Dense(1, input_shape=(3,))\n}\n`,
      'duplicate-model',
    );
    assert.equal(d.range.start.line, 3);
    assert.equal(d.related?.[0].range.start.line, 0);
  });
  it('two compile blocks', () => {
    one(model(`Input(shape=(4,))\nDense(10, activation='softmax')`) + COMPILE.split('data')[0], 'duplicate-block');
  });
  it('a setting given twice', () => {
    one(model(`Input(shape=(4,))\nDense(1)`, `fit {\n epochs: 2\n epochs: 3\n}\n`), 'duplicate-setting');
  });
  it('an argument given twice', () => {
    const { text } = one(model(`Input(shape=(4,))\nDense(10, units=3)`, ''), 'duplicate-argument');
    assert.equal(text, 'units=3');
  });
  it('empty model', () => {
    one(`model m {\n}\n`, 'empty-model');
  });
});

describe('unknown names, with did-you-mean and a fix', () => {
  it('unknown layer', () => {
    const { d, text } = one(model(`Input(shape=(4,))\nDnese(10)`, ''), 'unknown-layer');
    assert.equal(text, 'Dnese');
    assert.match(d.message, /Did you mean 'Dense'/);
    assert.equal(d.fixes?.[0].kind === 'replace' && d.fixes[0].text, 'Dense');
  });
  it('unknown argument', () => {
    const { d, text } = one(model(`Input(shape=(4,))\nDense(10, activaton='relu')`, ''), 'unknown-argument');
    assert.equal(text, 'activaton');
    assert.match(d.message, /Did you mean 'activation'/);
  });
  it('unknown setting', () => {
    const { d } = one(model(`Input(shape=(4,))\nDense(1)`, `fit {\n epoch: 2\n}\n`), 'unknown-setting');
    assert.match(d.message, /Did you mean 'epochs'/);
  });
  it('unknown activation', () => {
    const { d, text } = one(model(`Input(shape=(4,))\nDense(10, activation='rellu')`, ''), 'unknown-activation');
    assert.equal(text, "'rellu'");
    assert.match(d.message, /'relu'/);
  });
  it('unknown loss', () => {
    const { d } = one(
      model(`Input(shape=(4,))\nDense(10)`, `compile {\n loss: 'categorical_crossentropyy'\n}\n`),
      'unknown-loss',
    );
    assert.match(d.message, /categorical_crossentropy/);
  });
  it('unknown optimizer, by name and as a call', () => {
    one(
      model(`Input(shape=(4,))\nDense(10)`, `compile {\n loss: 'mse'\n optimizer: 'adamm'\n}\n`),
      'unknown-optimizer',
    );
    const { d } = one(
      model(`Input(shape=(4,))\nDense(10)`, `compile {\n loss: 'mse'\n optimizer: Adamm(learning_rate=0.1)\n}\n`),
      'unknown-optimizer',
    );
    assert.match(d.message, /Adam/);
  });
  it('unknown metric', () => {
    one(model(`Input(shape=(4,))\nDense(10)`, `compile {\n loss: 'mse'\n metrics: ['acuracy']\n}\n`), 'unknown-metric');
  });
  it('unknown dataset', () => {
    const { d } = one(model(`Input(shape=(784,))\nDense(10)`, `data {\n train: mnsit\n}\n`), 'unknown-dataset');
    assert.match(d.message, /mnist/);
  });
  it('unknown initializer (and other names)', () => {
    const { d } = one(model(`Input(shape=(4,))\nDense(10, kernel_initializer='glorot_unifrm')`, ''), 'unknown-name');
    assert.match(d.message, /glorot_uniform/);
  });
  it('unknown callback', () => {
    one(model(`Input(shape=(4,))\nDense(1)`, `fit {\n callbacks: [EarlyStop(patience=2)]\n}\n`), 'unknown-callback');
  });
});

describe('arguments', () => {
  it('a missing required argument', () => {
    const { d, text } = one(model(`Input(shape=(4,))\nDense(activation='relu')`, ''), 'missing-argument');
    assert.equal(text, 'Dense');
    assert.match(d.message, /units/);
  });
  it('too many positional arguments', () => {
    one(model(`Input(shape=(4,))\nDropout(0.5, None, 3, 4)`, ''), 'too-many-arguments');
  });
  it('a positional argument after a keyword', () => {
    one(model(`Input(shape=(4,))\nDense(units=3, 'relu')`, ''), 'positional-after-keyword');
  });
  it('wrong type: a fraction for units', () => {
    const { d, text } = one(model(`Input(shape=(4,))\nDense(2.5)`, ''), 'wrong-type');
    assert.equal(text, '2.5');
    assert.match(d.message, /whole number/);
  });
  it('out of range: units=0 and rate=1.5', () => {
    const { d } = one(model(`Input(shape=(4,))\nDense(0)`, ''), 'out-of-range');
    assert.match(d.message, /at least 1, got 0/);
    const drop = one(model(`Input(shape=(4,))\nDropout(1.5)\nDense(1)`, ''), 'out-of-range');
    assert.match(drop.d.message, /1\.5/);
  });
  it('out of range: an unknown padding mode suggests the right one', () => {
    const { d } = one(model(`Input(shape=(28, 28, 1))\nConv2D(8, 3, padding='sme')`, ''), 'out-of-range');
    assert.match(d.message, /Did you mean 'same'/);
  });
  it('lr= is accepted with a hint to write learning_rate=', () => {
    const { d, text, a } = one(
      model(`Input(shape=(4,))\nDense(1)`, `compile {\n loss: 'mse'\n optimizer: Adam(lr=0.01)\n}\n`),
      'deprecated-argument',
    );
    assert.equal(text, 'lr');
    assert.equal(d.severity, 'warning');
    assert.equal(d.fixes?.[0].kind === 'replace' && d.fixes[0].text, 'learning_rate');
    assert.equal(
      a.compile?.values.optimizer &&
        typeof a.compile.values.optimizer === 'object' &&
        !Array.isArray(a.compile.values.optimizer)
        ? a.compile.values.optimizer.args.learning_rate
        : undefined,
      0.01,
    );
  });
  it("Embedding's input_length= (ignored by Keras 3) is a warning with a fix that removes it", () => {
    const text = model(
      `Input(shape=(256,))\nEmbedding(1000, 16, input_length=256, mask_zero=True)\nGlobalAveragePooling1D()\nDense(1)`,
      '',
    );
    const { d, text: underlined, a } = one(text, 'deprecated-argument');
    assert.equal(underlined, 'input_length=256');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /Keras 3 ignores 'input_length'.*Input\(shape=\(256,\)\)/);
    const fix = d.fixes?.[0];
    assert.ok(fix?.kind === 'remove');
    assert.equal(
      a.text.slice(0, fix.range.start.offset) + a.text.slice(fix.range.end.offset),
      text.replace(', input_length=256', ''),
    );
  });
});

describe('shapes', () => {
  it('missing input shape (no Input, no input_shape, no data)', () => {
    const { text } = one(`model m {\n    Dense(10)\n}\n`, 'missing-input-shape');
    assert.equal(text, 'Dense');
  });
  it('the input shape is inferred from the training data', () => {
    const a = analyze(model(`Flatten()\nDense(10, activation='softmax')`));
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.model?.inputShape, [28, 28, 1]);
    assert.equal(a.model?.inputSource?.kind, 'data');
  });
  it('Input not first', () => {
    one(`model m {\n    Dense(10, input_shape=(4,))\n    Input(shape=(4,))\n}\n`, 'input-not-first');
  });
  it('a layer given a rank it cannot take, with related info on the layer before', () => {
    const { d, text } = one(model(`Input(shape=(784,))\nDense(64)\nConv2D(32, (3, 3))`, ''), 'shape-rank');
    assert.equal(text, 'Conv2D');
    assert.match(d.message, /\(None, 64\)/);
    assert.equal(d.related?.[0].range.start.line, 2, 'points at the Dense that produced (None, 64)');
  });
  it('a dimension that goes to zero or below', () => {
    const { d } = one(model(`Input(shape=(4, 4, 1))\nConv2D(8, (5, 5))`, ''), 'shape-nonpositive');
    assert.match(d.message, /5/);
    assert.ok(d.fixes?.some((f) => f.title.includes("padding='same'")));
  });
  it('GroupNormalization groups that do not divide the channels: the numbers, and a fix that sets a divisor', () => {
    // Keras's build() refuses it (group_normalization_test.py, test_groups_not_a_multiple_of_dim_error).
    for (const [call, written, fixed] of [
      ['GroupNormalization()', '', 'GroupNormalization(groups=20)'], // Keras's default 32 > 20 channels
      ['GroupNormalization(groups=8)', '8', 'GroupNormalization(groups=5)'],
      ['GroupNormalization(3, epsilon=0.01)', '3', 'GroupNormalization(2, epsilon=0.01)'],
    ] as const) {
      const text = model(`Input(shape=(8, 8, 20))\nConv2D(${call.includes('(3') ? 4 : 20}, 3)\n${call}`, '');
      const { d, text: underlined } = one(text, 'shape-mismatch');
      assert.equal(underlined, 'GroupNormalization', call);
      const channels = call.includes('(3') ? 4 : 20;
      assert.match(d.message, new RegExp(`divisor of ${channels} \\(`), d.message);
      assert.match(d.message, new RegExp(`does not divide the ${channels} channels`), d.message);
      const fix = d.fixes?.[0];
      assert.ok(fix?.kind === 'replace', JSON.stringify(d.fixes));
      assert.equal(text.slice(fix.range.start.offset, fix.range.end.offset), written, call);
      const edited = text.slice(0, fix.range.start.offset) + fix.text + text.slice(fix.range.end.offset);
      assert.ok(edited.includes(fixed), edited);
      assert.deepEqual(analyze(edited).diagnostics, [], `${fixed} checks clean`);
    }
  });
  it('a Reshape whose element count differs', () => {
    const { d } = one(model(`Input(shape=(784,))\nReshape((7, 7, 32))`, ''), 'shape-mismatch');
    assert.match(d.message, /1568/);
    assert.match(d.message, /784/);
  });
  it('a dimension a layer needs for its weights is None', () => {
    const { d } = one(model(`Input(shape=(None, 8))\nFlatten()\nDense(4)`, ''), 'shape-unknown');
    assert.match(d.message, /None/);
  });
  it('a dimension beyond 2^53 − 1 is an error, never Infinity', () => {
    const a = analyze(model(`Input(shape=(1e308, 1e308))\nDense(10)`, ''));
    const found = find(a, 'out-of-range');
    assert.equal(found.length, 1, JSON.stringify(a.diagnostics));
    assert.equal(found[0].text, '1e308');
    assert.match(
      found[0].d.message,
      /each dimension of shape must be at most 9,007,199,254,740,991 \(2\^53 − 1\), got 1e308/,
    );
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ['out-of-range'],
      'one diagnostic: no follow-on "no input shape"',
    );
    assert.equal(a.model?.totals, undefined);
    assert.doesNotMatch(
      JSON.stringify(a.model?.layers.map((l) => [l.output, l.params]) ?? []) +
        a.diagnostics.map((d) => d.message).join(),
      /Infinity|e\+/,
    );
  });
  it('an element count beyond 2^53 − 1 (each dimension exact)', () => {
    const { d, text } = one(model(`Input(shape=(100000000, 100000000, 100000000))\nDense(10)`, ''), 'shape-too-large');
    assert.match(text, /^Input/);
    assert.match(
      d.message,
      /\(None, 100000000, 100000000, 100000000\) holds more than 9,007,199,254,740,991 \(2\^53 − 1\) values per sample/,
    );
  });
  it('a parameter count beyond 2^53 − 1, and a layer whose output grows past it', () => {
    const a = analyze(model(`Input(shape=(4000000000,))\nDense(4000000000)`, ''));
    const { d, text } = one(a.text, 'shape-too-large');
    assert.equal(text, 'Dense');
    assert.match(d.message, /dense: it has more than 9,007,199,254,740,991 \(2\^53 − 1\) parameters/);
    assert.equal(a.model?.layers[0].params, undefined, 'no rounded count for hover or the summary');
    const up = one(
      model(`Input(shape=(4,))\nReshape((2, 2))\nUpSampling1D(size=9007199254740991)`, ''),
      'shape-too-large',
    );
    assert.equal(up.text, 'UpSampling1D');
    assert.match(up.d.message, /a dimension of its output is more than/);
  });
  it('a whole-number argument beyond 2^53 − 1 is out of range', () => {
    const { d, text } = one(model(`Input(shape=(3,))\nDense(1e20)`, ''), 'out-of-range');
    assert.equal(text, '1e20');
    assert.match(d.message, /units must be at most 9,007,199,254,740,991/);
  });
  it('stops at the first broken layer: one mistake, one diagnostic', () => {
    const a = analyze(model(`Input(shape=(784,))\nConv2D(32, 3)\nConv2D(32, 3)\nConv2D(32, 3)`, ''));
    assert.equal(a.diagnostics.filter((d) => d.code === 'shape-rank').length, 1);
  });
});

describe('model against labels and loss', () => {
  it('Dense(10) after Conv2D without Flatten: (None, 26, 26, 10) against (None, 10)', () => {
    const { d } = one(
      model(`Input(shape=(28, 28, 1))\nConv2D(32, (3, 3), activation='relu')\nDense(10, activation='softmax')`),
      'output-shape-mismatch',
    );
    assert.match(d.message, /\(None, 26, 26, 10\)/);
    assert.match(d.message, /\(None, 10\)/);
    assert.match(d.message, /Flatten\(\)/);
    assert.equal(d.fixes?.[0].kind, 'insert-layer');
  });
  it('categorical_crossentropy with 8 units on 10 classes', () => {
    const { d, text } = one(
      model(`Input(shape=(28, 28, 1))\nFlatten()\nDense(8, activation='softmax')`),
      'class-count-mismatch',
    );
    assert.equal(text, '8');
    assert.match(d.message, /10 classes/);
    assert.equal(d.fixes?.[0].kind === 'replace' && d.fixes[0].text, '10');
  });
  it("an application's classes: the message and the fix name classes=, not its first positional argument", () => {
    const { d, text } = one(
      model(`MobileNetV3Small(input_shape=(32, 32, 3), classes=5, weights=None)`),
      'class-count-mismatch',
    );
    assert.equal(text, '5');
    assert.match(d.message, /^Use MobileNetV3Small\(classes=10, …\), one output per class/);
    assert.deepEqual(
      d.fixes?.map((f) => f.kind === 'replace' && [f.text, f.title]),
      [['10', 'Change classes of MobileNetV3Small to 10']],
    );
    // Without classes written there is nothing to replace, and the message still says classes=.
    const unset = one(model(`MobileNetV2(input_shape=(32, 32, 3))`), 'class-count-mismatch');
    assert.match(unset.d.message, /^Use MobileNetV2\(classes=10, …\)/);
    assert.deepEqual(unset.d.fixes ?? [], []);
  });
  it('softmax on one unit', () => {
    const { text, d } = one(model(`Input(shape=(4,))\nDense(1, activation='softmax')`, ''), 'softmax-one-unit');
    assert.equal(text, "'softmax'");
    assert.equal(d.fixes?.[0].kind === 'replace' && d.fixes[0].text, "'sigmoid'");
  });
  it('a loss that does not fit the last activation', () => {
    const { d } = one(
      model(`Input(shape=(28, 28, 1))\nFlatten()\nDense(10, activation='relu')`),
      'loss-activation-mismatch',
    );
    assert.match(d.message, /softmax/);
  });
});

describe('data against the model', () => {
  it('a sample shape that cannot feed the input', () => {
    const { d, text } = one(model(`Input(shape=(100,))\nDense(10, activation='softmax')`), 'data-shape-mismatch');
    assert.equal(text, 'digits');
    assert.match(d.message, /784/);
    assert.match(d.message, /100/);
  });
  it("MNIST's 28×28 feeds Input(shape=(784,))", () => {
    assert.deepEqual(codes(model(`Input(shape=(784,))\nDense(10, activation='softmax')`)), []);
  });
  it('a missing data file is a diagnostic on the path, not a crash', () => {
    const { text } = one(
      model(`Input(shape=(4,))\nDense(1)`, `data {\n train: csv('nope.csv', label='y')\n}\n`),
      'data-missing',
      { baseDir: tmpdir() },
    );
    assert.equal(text, "'nope.csv'");
  });
  it('a file that is not what its source says is data-format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-check-'));
    writeFileSync(join(dir, 'x.npy'), 'not a numpy file');
    writeFileSync(join(dir, 'y.npy'), 'not a numpy file');
    one(
      model(
        `Input(shape=(4,))\nDense(1)`,
        `compile {\n loss: 'mse'\n}\ndata {\n train: npy(x='x.npy', y='y.npy')\n}\n`,
      ),
      'data-format',
      { baseDir: dir },
    );
  });
  it('a CSV label column that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-check-'));
    writeFileSync(join(dir, 'houses.csv'), 'rooms,area,price\n3,70,200\n4,90,250\n');
    const { d, text } = one(
      model(
        `Input(shape=(2,))\nDense(1)`,
        `compile {\n loss: 'mse'\n}\ndata {\n train: csv('houses.csv', label='prize')\n}\n`,
      ),
      'data-column',
      { baseDir: dir },
    );
    assert.equal(text, "'prize'");
    assert.match(d.message, /price/);
  });
  it('numeric labels of a small CSV out of range for the loss and the output (label-out-of-range)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-check-'));
    const rows = (label: (i: number) => number, n = 30) =>
      ['a,b,y', ...Array.from({ length: n }, (_, i) => `${i},${i + 1},${label(i)}`)].join('\n') + '\n';
    writeFileSync(
      join(dir, 'fifteen.csv'),
      rows((i) => i % 15),
    );
    writeFileSync(
      join(dir, 'negative.csv'),
      rows((i) => (i === 4 ? -1 : i % 3)),
    );
    writeFileSync(
      join(dir, 'binary.csv'),
      rows((i) => (i === 6 ? 2 : i % 2)),
    );
    writeFileSync(
      join(dir, 'ten.csv'),
      rows((i) => i % 10),
    );
    const file = (csv: string, units: number, loss = 'sparse_categorical_crossentropy', activation = 'softmax') =>
      model(
        `Input(shape=(2,))\nDense(${units}, activation='${activation}')`,
        `compile {\n loss: '${loss}'\n}\ndata {\n train: csv('${csv}', label='y')\n}\n`,
      );

    const { d, text } = one(file('fifteen.csv', 10), 'label-out-of-range', { baseDir: dir });
    assert.equal(text, "csv('fifteen.csv', label='y')");
    // Row 12 of the file (the header is row 1) holds 10, the 11th different label.
    assert.equal(
      d.message,
      'Dense(10) with sparse_categorical_crossentropy takes at most 10 different labels (one output per class), but the labels have 15; found 10 at row 12 of fifteen.csv: use Dense(15) or fix the labels',
    );
    assert.match(
      one(file('negative.csv', 3), 'label-out-of-range', { baseDir: dir }).d.message,
      /found -1 at row 6 of negative\.csv/,
    );
    assert.match(
      one(file('binary.csv', 1, 'binary_crossentropy', 'sigmoid'), 'label-out-of-range', { baseDir: dir }).d.message,
      /takes labels from 0 to 1; found 2 at row 8/,
    );
    // Labels that fit, and regression targets, are not flagged.
    assert.deepEqual(codes(file('ten.csv', 10), { baseDir: dir }), []);
    assert.deepEqual(codes(file('fifteen.csv', 1, 'mse', 'linear'), { baseDir: dir }), []);
  });
  it('a read the editor stopped waiting for is a warning, and the input shape is not yet missing', () => {
    // The language server's budgeted probe (lsp/probe-budget.ts) answers so; tested over stdio in test/lsp/safe-reads.test.ts.
    const probe = () => ({
      ok: false as const,
      code: 'data-slow' as const,
      message: 'Reading csv(...) has taken 1.5 s',
    });
    const { d, a } = one(
      `model m {\n    Dense(1)\n}\ncompile {\n loss: 'mse'\n}\ndata {\n train: csv('houses.csv')\n}\n`,
      'data-slow',
      { probe },
    );
    assert.equal(d.severity, 'warning');
    assert.deepEqual(
      a.diagnostics.map((x) => x.code),
      ['data-slow'],
      'no missing-input-shape: the data may give it',
    );
  });
});

describe('warnings for legal but suspicious code', () => {
  it('Dense on an input of rank above 1 offers Flatten()', () => {
    const { d } = one(model(`Input(shape=(28, 28, 1))\nConv2D(8, 3)\nDense(16)`, ''), 'dense-on-high-rank');
    assert.equal(d.severity, 'warning');
    assert.equal(d.fixes?.[0].kind === 'insert-layer' && d.fixes[0].text, 'Flatten()');
  });
  it('Dense after an LSTM with return_sequences is not flagged', () => {
    assert.ok(
      !codes(model(`Input(shape=(10, 8))\nLSTM(16, return_sequences=True)\nDense(4)`, '')).includes(
        'dense-on-high-rank',
      ),
    );
  });
  it('Activation after a layer that already has one', () => {
    const { d } = one(
      model(`Input(shape=(4,))\nDense(8, activation='relu')\nActivation('relu')\nDense(1)`, ''),
      'redundant-activation',
    );
    assert.equal(d.severity, 'warning');
    assert.equal(d.fixes?.[0].kind, 'remove');
  });
  it('Dropout as the last layer', () => {
    one(model(`Input(shape=(4,))\nDense(8)\nDropout(0.5)`, ''), 'dropout-last');
  });
});

describe('Normalization adapted on the training data', () => {
  it('after a layer with weights: an error on the Normalization, pointing at that layer', () => {
    const { d, text } = one(
      model(`Input(shape=(4,))\nDense(8)\nNormalization()\nDense(1)`, ''),
      'normalization-not-adaptable',
    );
    assert.equal(text, 'Normalization');
    assert.equal(d.severity, 'error');
    assert.match(d.message, /^Give normalization mean= and variance=, or move it before dense:/);
    assert.equal(d.related?.length, 1);
  });
  it('at the input, after Rescaling and Random* layers, or with mean and variance: no error', () => {
    for (const layers of [
      'Input(shape=(4,))\nNormalization()\nDense(1)',
      'Input(shape=(8, 8, 3))\nRescaling(1/255)\nRandomFlip()\nRandomRotation(0.1)\nNormalization()\nFlatten()\nDense(1)',
      'Input(shape=(4,))\nDense(8)\nNormalization(mean=0.5, variance=2.0)\nDense(1)',
    ]) {
      const a = analyze(model(layers, ''));
      assert.deepEqual(find(a, 'normalization-not-adaptable'), [], layers);
    }
  });
});

describe('cost limits per keystroke', () => {
  // The 10 MB random file (15 s of analysis) is in diagnostics-slow.test.ts.
  it('a file with fewer problems than the cap lists them all', () => {
    const layers = Array.from({ length: MAX_DIAGNOSTICS_PER_FILE }, () => 'Dense(10, activaton=1)').join('\n');
    const a = analyze(model(`Input(shape=(4,))\n${layers}`, ''));
    assert.equal(a.diagnostics.filter((d) => d.code === 'unknown-argument').length, MAX_DIAGNOSTICS_PER_FILE);
    assert.equal(find(a, 'too-many-problems').length, 0);
  });
  it('a 100,000-character unknown name is checked in well under a second, and quoted as an excerpt', () => {
    const name = `Dense${'x'.repeat(100_000)}`;
    const start = performance.now();
    const { d } = one(model(`Input(shape=(4,))\n${name}(10)`, ''), 'unknown-layer');
    const ms = performance.now() - start;
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
    assert.ok(d.message.length < 200, d.message);
    assert.match(d.message, /^Unknown layer 'Densexxx.*… \(100,005 characters\)'$/);
  });
});

describe('pasted Keras code', () => {
  it('a module prefix or model.add(...) is a warning on what to delete, and the layer checks as the bare call', () => {
    const { d, text, a } = one(
      model(`Input(shape=(784,))\nDense(64, activation='relu')\ntf.keras.layers.Dense(10, activation='softmax')`),
      'pasted-keras-prefix',
    );
    assert.equal(text, 'tf.keras.layers.');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /'tf\.keras\.layers\.' is not needed.*write Dense\(\.\.\.\)/);
    assert.deepEqual(
      d.fixes?.map((f) => f.title),
      ["Remove 'tf.keras.layers.'"],
    );
    assert.equal(a.model?.totals?.total, 784 * 64 + 64 + 64 * 10 + 10);
    // keras.Input (as keras.io writes it inside Sequential) is the Input layer; with two pasted
    // calls each also offers the file-wide conversion.
    const two = analyze(model(`keras.Input(shape=(784,))\nlayers.Dense(10, activation='softmax')`));
    assert.deepEqual(
      find(two, 'pasted-keras-prefix').map((x) => [x.text, x.d.fixes?.map((f) => f.title)]),
      [
        ['keras.', ["Remove 'keras.'", 'Convert pasted Keras code']],
        ['layers.', ["Remove 'layers.'", 'Convert pasted Keras code']],
      ],
    );
    assert.equal(two.model?.totals?.total, 7850);
    const wrapped = one(
      model(`Input(shape=(784,))\nmodel.add(layers.Dense(10, activation='softmax'))`),
      'pasted-keras-prefix',
    );
    assert.equal(wrapped.text, 'model.add(layers.');
    assert.match(wrapped.d.message, /'model\.add\(\.\.\.\)' and 'layers\.' are not needed/);
    assert.deepEqual(
      wrapped.a.diagnostics.filter((x) => x.severity === 'error'),
      [],
    );
  });
  it('a prefix that is no Keras module is an error with the same fix', () => {
    const { d, text } = one(model(`Input(shape=(784,))\nnp.Dense(10, activation='softmax')`), 'unknown-module');
    assert.equal(text, 'np.');
    assert.match(d.message, /'np' is not a Keras module/);
    assert.deepEqual(
      d.fixes?.map((f) => f.title),
      ["Remove 'np.'"],
    );
  });
  it('a functional-API line is one error that says the language describes Sequential models', () => {
    const { d, text } = one(
      model(`Input(shape=(784,))\nx = layers.Dense(64)(x)\nDense(10, activation='softmax')`),
      'functional-api',
    );
    assert.equal(text, 'x = layers.Dense(64)(x)');
    assert.match(d.message, /describes Sequential models/);
    assert.deepEqual(codes(model(`Input(shape=(784,))\nx = layers.Dense(64)(x)\nDense(10, activation='softmax')`)), [
      'functional-api',
    ]);
  });
});

describe('engine support', () => {
  const gru = (backend: string) =>
    model(`Input(shape=(5, 3))\nGRU(4, reset_after=False)\nDense(1)`, `fit {\n    backend: '${backend}'\n}\n`);

  it('warns under a layer the chosen backend cannot run, leading with what to do', () => {
    const { d, text } = one(gru('torch'), 'unsupported-layer');
    assert.equal(text, 'GRU');
    assert.equal(d.severity, 'warning');
    assert.equal(
      d.message,
      "GRU with reset_after=False does not run on the PyTorch engine yet; use reset_after=True, or train it with the TensorFlow.js engine (backend: 'tfjs')",
    );
  });

  it('says nothing for an engine that runs it, for auto, or for the supported value', () => {
    assert.ok(!codes(gru('tfjs')).includes('unsupported-layer'));
    assert.ok(!codes(gru('auto')).includes('unsupported-layer'));
    assert.ok(!codes(gru('torch').replace('reset_after=False', 'reset_after=True')).includes('unsupported-layer'));
  });

  it('checks the layer a wrapper holds', () => {
    const text = model(
      `Input(shape=(5, 3))\nBidirectional(GRU(4, reset_after=False))\nDense(1)`,
      `fit {\n    backend: 'torch'\n}\n`,
    );
    assert.equal(one(text, 'unsupported-layer').text, 'Bidirectional');
  });
});

describe('training settings', () => {
  it("devices > 1 with backend 'tfjs' is an error on the devices value, with a fix to backend 'torch'", () => {
    const text = model(
      `Input(shape=(784,))\nDense(10, activation='softmax')`,
      `${COMPILE}fit {\n    backend: 'tfjs'\n    devices: 2\n}\n`,
    );
    const { d, text: underlined, a } = one(text, 'devices-need-torch');
    assert.equal(underlined, '2');
    assert.equal(d.severity, 'error');
    assert.match(d.message, /^Use backend: 'torch' for devices: 2/);
    assert.equal(d.fixes?.[0]?.kind === 'replace' && d.fixes[0].text, "'torch'");
    assert.equal(a.fit?.values.devices, 2);
  });
  it("devices with backend 'torch' or 'auto', and devices: 1 with 'tfjs', are fine; mixed_precision takes Keras's policy names", () => {
    for (const fit of [
      `backend: 'torch'\n    devices: 4`,
      `devices: 2`,
      `backend: 'tfjs'\n    devices: 1`,
      `mixed_precision: 'mixed_bfloat16'`,
    ]) {
      const a = analyze(
        model(`Input(shape=(784,))\nDense(10, activation='softmax')`, `${COMPILE}fit {\n    ${fit}\n}\n`),
      );
      assert.deepEqual(
        a.diagnostics.map((d) => d.code),
        [],
        fit,
      );
    }
    const bad = analyze(
      model(
        `Input(shape=(784,))\nDense(10, activation='softmax')`,
        `${COMPILE}fit {\n    mixed_precision: 'float16'\n}\n`,
      ),
    );
    assert.ok(
      bad.diagnostics.some((d) => d.severity === 'error'),
      'float16 is not a policy name',
    );
  });
});

describe('search spaces and the tune block', () => {
  // The codes once each; test/language/analysis/search-space.test.ts has the rest.
  const TUNE = "data {\n    train: digits\n    validation_split: 0.1\n}\ntune {\n    objective: 'val_accuracy'\n}\n";
  const layers = (dense: string) => `Input(shape=(784,))\n${dense}\nDense(10, activation='softmax')`;
  it('checks the arguments and the places of spaces, and the values a trial gives', () => {
    const arg = one(model(layers('Dense(Int(64, 32))'), COMPILE), 'search-space-argument');
    assert.equal(arg.text, '32');
    assert.match(arg.d.message, /max_value must be above min_value \(64\), got 32/);
    assert.equal(one(model(layers('Choice(8, 16)'), COMPILE), 'search-space-misplaced').text, 'Choice(8, 16)');
    const named = one(
      model(layers("Dense(Choice(8, name='w'))\nDense(Choice(9, name='w'))"), COMPILE),
      'search-space-name',
    );
    assert.equal(named.text, "Choice(9, name='w')");
    const text = model(layers('Dense(Choice(8, 16))'), COMPILE);
    assert.match(
      one(text, 'hyperparameter-unknown', { hyperparameters: { width: 8 } }).d.message,
      /'width' is not a search space/,
    );
    assert.equal(
      one(text, 'hyperparameter-out-of-space', { hyperparameters: { 'dense.units': 12 } }).text,
      'Choice(8, 16)',
    );
  });
  it('checks the tune block', () => {
    const compile = "compile {\n    loss: 'categorical_crossentropy'\n}\n";
    const objective = one(model(layers('Dense(Choice(8, 16))'), compile + TUNE), 'tune-objective');
    assert.equal(objective.text, "'val_accuracy'");
    assert.match(objective.d.message, /^Add 'accuracy' to the compile block's metrics/);
    const grid = one(
      model(layers('Dropout(Float(0.1, 0.5))'), `${COMPILE}tune {\n    objective: 'loss'\n    algorithm: 'grid'\n}\n`),
      'tune-grid-continuous',
    );
    assert.equal(grid.text, 'Float(0.1, 0.5)');
    const empty = one(
      model(layers('Dense(8)'), `${COMPILE}tune {\n    objective: 'loss'\n}\n`),
      'tune-without-search-space',
    );
    assert.equal(empty.text, 'tune');
    assert.equal(empty.d.severity, 'warning');
  });
  it("checks a layer-graph application's weights= (test/training/application-weights.test.ts has the rest)", () => {
    const missing = one(
      model(
        "Input(shape=(32, 32, 3))\nResNet50(include_top=False, weights='/nonexistent/r.h5')\nFlatten()\nDense(10, activation='softmax')",
      ),
      'application-weights',
    );
    assert.equal(missing.text, "'/nonexistent/r.h5'");
    assert.match(missing.d.message, /^The weights file \/nonexistent\/r\.h5 does not exist/);
    assert.equal(missing.d.severity, 'error');
  });
});

describe('the code table', () => {
  it('every code is exercised by this file', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const untested = Object.keys(DIAGNOSTIC_CODES).filter((c) => !source.includes(`'${c}'`));
    assert.deepEqual(untested, []);
  });
});

describe('data sources', () => {
  it('a built-in set without split= takes the part its setting names', () => {
    const a = analyze(
      model(`Input(shape=(784,))\nDense(10, activation='softmax')`, `data {\n    train: mnist\n    test: mnist\n}\n`),
    );
    const test = a.data?.sources.find((s) => s.key === 'test');
    assert.equal(test?.ref.args.split, 'test');
    assert.equal(test?.info.ok && test.info.samples, 10000);
    assert.equal(a.data?.sources.find((s) => s.key === 'train')?.ref.args.split, 'train');
  });
});

describe('frozen layers', () => {
  it("trainable=False moves a layer's weights to non-trainable, as Keras counts them", () => {
    const a = analyze(model(`Input(shape=(4,))\nDense(10, trainable=False)\nDense(1)`, ''));
    assert.deepEqual(a.model?.totals, { total: 61, trainable: 11, nonTrainable: 50 });
  });
  it('a frozen VGG16 base: 14,714,688 non-trainable, the new head trainable', () => {
    const a = analyze(
      model(
        `VGG16(include_top=False, input_shape=(32, 32, 3), trainable=False)\nFlatten()\nDense(10, activation='softmax')`,
        '',
      ),
    );
    assert.deepEqual(a.model?.totals, { total: 14_714_688 + 5_130, trainable: 5_130, nonTrainable: 14_714_688 });
  });
});

// The Problems panel and a narrow hover cut a long message at its end: the fix comes first, in a
// short sentence, then the numbers that explain it (issue #13).
describe('messages lead with the fix, then the numbers', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'shape-rank',
      model(`Input(shape=(784,))\nDense(64)\nConv2D(32, (3, 3))`, ''),
      'Add Reshape((8, 8, 1)) before Conv2D: ',
      /rank-3 input.*\(None, 64\) of rank 1$/,
    ],
    [
      'shape-nonpositive',
      model(`Input(shape=(4, 4, 1))\nConv2D(8, (5, 5))`, ''),
      "Use padding='same' or a smaller kernel on Conv2D: ",
      /kernel_size \(5, 5\).*at least 5×5 input, but gets 4×4$/,
    ],
    [
      'output-shape-mismatch',
      model(`Input(shape=(28, 28, 1))\nConv2D(32, (3, 3), activation='relu')\nDense(10, activation='softmax')`),
      'Insert Flatten() before dense: ',
      /outputs \(None, 26, 26, 10\).*needs \(None, 10\)$/,
    ],
    [
      'class-count-mismatch',
      model(`Input(shape=(28, 28, 1))\nFlatten()\nDense(8, activation='softmax')`),
      'Use Dense(10, …), one output per class: ',
      /digits has 10 classes, but the model outputs 8 values per sample \(\(None, 8\)\)/,
    ],
    [
      'loss-activation-mismatch',
      model(`Input(shape=(28, 28, 1))\nFlatten()\nDense(10, activation='relu')`),
      "Use activation='softmax' on the last layer: ",
      /categorical_crossentropy expects class probabilities.*activation 'relu'$/,
    ],
    [
      'data-shape-mismatch',
      model(`Input(shape=(100,))\nDense(10, activation='softmax')`),
      'Use Input(shape=(28, 28, 1)): ',
      /digits samples are \(28, 28, 1\) \(784 values\).*\(None, 100\) takes 100 per sample$/,
    ],
    [
      'softmax-one-unit',
      model(`Input(shape=(4,))\nDense(1, activation='softmax')`, ''),
      "Use activation='sigmoid' with binary_crossentropy for two classes: ",
      /always outputs 1\.0/,
    ],
    [
      'dense-on-high-rank',
      model(`Input(shape=(5, 8))\nDense(4)`, ''),
      'Insert Flatten() before Dense to use the whole input: ',
      /on \(None, 5, 8\) it gives \(None, 5, 4\)$/,
    ],
    [
      'redundant-activation',
      model(`Input(shape=(4,))\nDense(3, activation='relu')\nActivation('relu')\nDense(1)`, ''),
      "Remove this Activation('relu'), or set activation=None on Dense: ",
      /dense already applies 'relu'/,
    ],
    [
      'missing-input-shape',
      `model m {\n    Dense(10)\n}\n`,
      "Add Input(shape=(...)) as the model's first line, or a training source in the data block: ",
      /no input shape/,
    ],
  ];
  for (const [code, text, lead, rest] of cases) {
    it(code, () => {
      const { d } = one(text, code);
      assert.ok(d.message.startsWith(lead), `${code}: ${d.message}`);
      assert.match(d.message.slice(lead.length), rest);
    });
  }
});

describe('the model against its task (task-checks.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-task-checks-'));
  writeFileSync(join(dir, 'tags.csv'), 'x1,x2,cat,dog,bird\n1,2,1,0,1\n3,4,0,1,0\n');
  writeFileSync(join(dir, 'bad-tags.csv'), 'x1,x2,cat,dog\n1,2,1,0\n3,4,2,1\n');
  writeFileSync(join(dir, 'reviews.csv'), 'review,sentiment\nGreat film,pos\nDull dull film,neg\n');
  const tagged = (layers: string, loss = 'binary_crossentropy', label = "['cat', 'dog', 'bird']", file = 'tags.csv') =>
    model(layers, `compile { loss: '${loss}' }\ndata {\n    train: csv('${file}', label=${label})\n}\n`);
  const autoencoder = (layers: string, loss = 'binary_crossentropy') =>
    model(
      `Input(shape=(28, 28, 1))\n${layers}`,
      `compile { loss: '${loss}' }\ndata {\n    train: digits\n    class_mode: 'input'\n}\n`,
    );

  it('multi-label data checks clean with k sigmoid outputs and binary_crossentropy', () => {
    assert.deepEqual(codes(tagged("Input(shape=(2,))\nDense(3, activation='sigmoid')"), { baseDir: dir }), []);
  });

  it("multi-label: a wrong output width is 'class-count-mismatch' on units, with the label count and its fix", () => {
    const { d, text } = one(tagged("Input(shape=(2,))\nDense(5, activation='sigmoid')"), 'class-count-mismatch', {
      baseDir: dir,
    });
    assert.equal(text, '5');
    assert.match(
      d.message,
      /^Use Dense\(3, activation='sigmoid'\), one output per label column: csv\('tags\.csv'\) has 3 label columns \(cat, dog, bird\), each 0 or 1, but the model outputs 5 values/,
    );
    assert.equal(d.fixes?.[0]?.kind === 'replace' && d.fixes[0].text, '3');
  });

  it("multi-label: categorical_crossentropy or softmax is 'multilabel-loss' with the fix", () => {
    const loss = one(
      tagged("Input(shape=(2,))\nDense(3, activation='softmax')", 'categorical_crossentropy'),
      'multilabel-loss',
      {
        baseDir: dir,
      },
    );
    assert.equal(loss.text, "'categorical_crossentropy'");
    assert.match(
      loss.d.message,
      /^Use loss 'binary_crossentropy' with activation='sigmoid' .* or 'mse' .* categorical_crossentropy makes the outputs compete/,
    );
    const a = analyze(tagged("Input(shape=(2,))\nDense(3, activation='softmax')"), { baseDir: dir });
    const softmax = find(a, 'multilabel-loss');
    assert.equal(softmax.length, 1);
    assert.equal(softmax[0]!.text, "'softmax'");
    assert.match(softmax[0]!.d.message, /softmax makes the 3 outputs sum to 1/);
    // The generic softmax-with-binary warning would say the same thing again.
    assert.equal(find(a, 'loss-activation-mismatch').length, 0);
  });

  it('multi-label: a missing label column is an error on the label argument; a value other than 0/1 under binary_crossentropy is label-out-of-range', () => {
    const missing = one(
      tagged("Input(shape=(2,))\nDense(2, activation='sigmoid')", 'binary_crossentropy', "['cat', 'dgo']"),
      'data-column',
      { baseDir: dir },
    );
    assert.equal(missing.text, "['cat', 'dgo']");
    assert.match(missing.d.message, /no column 'dgo'; did you mean 'dog'\?/);
    const bad = one(
      tagged(
        "Input(shape=(2,))\nDense(2, activation='sigmoid')",
        'binary_crossentropy',
        "['cat', 'dog']",
        'bad-tags.csv',
      ),
      'label-out-of-range',
      { baseDir: dir },
    );
    assert.match(bad.d.message, /bad-tags\.csv:3: label column 'cat' has '2'; multi-label columns hold 0 or 1/);
    // The same columns as real-valued targets (vector regression) are fine under mse.
    assert.deepEqual(
      codes(tagged('Input(shape=(2,))\nDense(2)', 'mse', "['cat', 'dog']", 'bad-tags.csv'), { baseDir: dir }),
      [],
    );
  });

  it("class_mode 'input': the output must be the input's shape ('autoencoder-shape', with the numbers and a filters fix)", () => {
    assert.deepEqual(codes(autoencoder("Conv2D(1, (3, 3), padding='same', activation='sigmoid')")), []);
    const { d, text } = one(
      autoencoder("Conv2D(3, (3, 3), padding='same', activation='sigmoid')"),
      'autoencoder-shape',
    );
    assert.equal(text, '3');
    assert.match(
      d.message,
      /^Make the model output \(None, 28, 28, 1\), the shape of its input: class_mode 'input' .* \(784 values\), but it outputs \(None, 28, 28, 3\) \(2352 values\)/,
    );
    assert.equal(d.fixes?.[0]?.kind === 'replace' && d.fixes[0].text, '1');
    // digits' 10 classes are not the targets here: no class checks.
    assert.ok(
      !codes(autoencoder("Conv2D(3, (3, 3), padding='same', activation='sigmoid')")).includes('class-count-mismatch'),
    );
  });

  it("class_mode 'input' with a classification loss is 'autoencoder-loss', fixed to 'mse'", () => {
    const { d, text } = one(
      autoencoder("Conv2D(1, (3, 3), padding='same')", 'sparse_categorical_crossentropy'),
      'autoencoder-loss',
    );
    assert.equal(text, "'sparse_categorical_crossentropy'");
    assert.match(d.message, /^Use loss 'mse' .* expects class indices/);
  });

  it("npy targets of any shape: the output against y's sample shape ('target-shape-mismatch')", () => {
    const npy = (shape: number[], descr = '<f4') => {
      const n = shape.reduce((a, b) => a * b, 1);
      const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
      const header = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 11, ' ') + '\n';
      const head = Buffer.alloc(10);
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
      head.writeUInt16LE(header.length, 8);
      return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.alloc(n * 4)]);
    };
    writeFileSync(join(dir, 'x.npy'), npy([4, 8, 8, 1]));
    writeFileSync(join(dir, 'y.npy'), npy([4, 8, 8, 1]));
    const file = (layers: string) =>
      model(
        `Input(shape=(8, 8, 1))\n${layers}`,
        `compile { loss: 'mse' }\ndata {\n    train: npy(x='x.npy', y='y.npy')\n}\n`,
      );
    assert.deepEqual(codes(file("Conv2D(1, (3, 3), padding='same')"), { baseDir: dir }), []);
    const { d } = one(file('Flatten()\nDense(10)'), 'target-shape-mismatch', { baseDir: dir });
    assert.match(
      d.message,
      /^Make the model output \(None, 8, 8, 1\): the targets of npy\('x\.npy'\) are \(None, 8, 8, 1\) \(64 values per sample\), but the model outputs \(None, 10\) \(10\)/,
    );
  });

  it("text csv: Embedding's input_dim below the vocabulary is 'embedding-vocabulary', fixed to max_tokens", () => {
    const file = (inputDim: number) =>
      model(
        `Input(shape=(20,))\nEmbedding(${inputDim}, 8)\nGlobalAveragePooling1D()\nDense(1, activation='sigmoid')`,
        `compile { loss: 'binary_crossentropy' }\ndata {\n    train: csv('reviews.csv', text='review', label='sentiment', max_tokens=1000, output_sequence_length=20)\n}\n`,
      );
    assert.deepEqual(codes(file(1000), { baseDir: dir }), []);
    const { d, text } = one(file(500), 'embedding-vocabulary', { baseDir: dir });
    assert.equal(text, '500');
    assert.match(
      d.message,
      /^Use Embedding\(1000, …\): csv\('reviews\.csv'\) gives token ids 0 to 999 .* Embedding\(input_dim=500\)/,
    );
    assert.equal(d.fixes?.[0]?.kind === 'replace' && d.fixes[0].text, '1000');
    // The sample shape is the sequence length: a wrong Input is the usual data-shape error.
    assert.ok(
      codes(file(1000).replace('shape=(20,)', 'shape=(30,)'), { baseDir: dir }).includes('data-shape-mismatch'),
    );
  });
});
