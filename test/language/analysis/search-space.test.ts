// Search spaces and the tune block (LANGUAGE.md, "Search spaces and the tune block"): what a file's
// spaces are called and default to, every point of the space checked (an error names its point),
// a trial's values through analyze(..., { hyperparameters }) into the TrainingPlan, the tune
// block's settings and checks, and the edits that write chosen values into the file.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyze, type Analysis } from '../../../language/analysis/analyze';
import { planTraining } from '../../../language/analysis/plan';
import { checkedPoints, isPointOf, readSpaceCall } from '../../../language/analysis/search-space';
import { getMetric, allMetrics } from '../../../language/catalog';
import { exportKeras } from '../../../interop/export/keras';
import { applyHyperparametersEdits } from '../../../language/services/apply-hyperparameters';
import { parse, type CallValue, type ModelBlock } from '../../../language/syntax';
import { readLanguageMd } from '../../helpers/language-contract';

/** The issue's search on the digits MLP (issue #11, "Tests and measurement"). */
const SEARCH = `model digits {
    Input(shape=(28, 28, 1))
    Flatten()
    Dense(Choice(32, 64, 128), activation='relu')
    Dropout(Float(0.1, 0.5))
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: Adam(learning_rate=Float(1e-4, 1e-1, sampling='log'))
    metrics: ['accuracy']
}
data {
    train: digits
    validation_split: 0.2
}
fit {
    epochs: 2
    batch_size: Choice(32, 64)
    callbacks: [EarlyStopping(patience=Int(1, 5))]
}
tune {
    objective: 'val_accuracy'
    max_trials: 8
    pruning: True
}
`;

const checked = (text: string, hyperparameters?: Record<string, number | string | boolean>): Analysis =>
  analyze(text, { baseDir: '/nonexistent', ...(hyperparameters && { hyperparameters }) });

const messages = (a: Analysis) => a.diagnostics.map((d) => `${d.code}: ${d.message}`);

function model(
  layers: string,
  rest = "compile {\n    loss: 'categorical_crossentropy'\n}\ndata {\n    train: digits\n}\n",
) {
  return `model m {\n${layers
    .trim()
    .split('\n')
    .map((l) => `    ${l.trim()}`)
    .join('\n')}\n}\n${rest}`;
}

/** The text a diagnostic underlines. */
const under = (a: Analysis, code: string) =>
  a.diagnostics.filter((d) => d.code === code).map((d) => a.text.slice(d.range.start.offset, d.range.end.offset));

describe('the spaces of a file', () => {
  it('are named where they stand, with KerasTuner kinds and defaults', () => {
    const a = checked(SEARCH);
    assert.deepEqual(messages(a), []);
    assert.deepEqual(
      a.searchSpaces.map(({ range, ...s }) => s),
      [
        { name: 'dense.units', kind: 'choice', values: [32, 64, 128], default: 32 },
        { name: 'dropout.rate', kind: 'float', min: 0.1, max: 0.5, sampling: 'linear', default: 0.1 },
        { name: 'optimizer.learning_rate', kind: 'float', min: 1e-4, max: 1e-1, sampling: 'log', default: 1e-4 },
        { name: 'fit.batch_size', kind: 'choice', values: [32, 64], default: 32 },
        { name: 'early_stopping.patience', kind: 'int', min: 1, max: 5, step: 1, sampling: 'linear', default: 1 },
      ],
    );
    // Each space's range is its call.
    for (const s of a.searchSpaces)
      assert.match(a.text.slice(s.range.start.offset, s.range.end.offset), /^(Choice|Int|Float)\(/);
    // The file trains its defaults.
    const { plan } = planTraining(a, '/tmp/digits.model');
    assert.ok(plan);
    assert.equal(plan.layers[1].args.units, 32);
    assert.equal(plan.layers[2].args.rate, 0.1);
    assert.equal(plan.compile.optimizer.args.learning_rate, 1e-4);
    assert.equal(plan.fit.batchSize, 32);
    assert.equal(plan.fit.callbacks[0].args.patience, 1);
    assert.deepEqual(plan.hyperparameters, {
      'dense.units': 32,
      'dropout.rate': 0.1,
      'optimizer.learning_rate': 1e-4,
      'fit.batch_size': 32,
      'early_stopping.patience': 1,
    });
    assert.deepEqual(plan.search, a.searchSpaces);
  });

  it('take the layer names Keras gives (dense_1) and an explicit name=', () => {
    const a = checked(
      model(`Input(shape=(784,))
        Dense(Int(16, 64, step=16))
        Dense(Int(8, 32, step=8, name='second'), activation=Choice('relu', 'tanh'))
        Dense(10, activation='softmax', use_bias=Boolean())`),
    );
    assert.deepEqual(messages(a), []);
    assert.deepEqual(
      a.searchSpaces.map((s) => [s.name, s.default]),
      [
        ['dense.units', 16],
        ['second', 8],
        ['dense_1.activation', 'relu'],
        ['dense_2.use_bias', false],
      ],
    );
  });

  it('share one value where name= is the same and the spaces are equal; a different space under a taken name is an error', () => {
    const shared = checked(
      model(`Input(shape=(784,))
        Dense(Choice(32, 64, name='width'))
        Dense(Choice(32, 64, name='width'))
        Dense(10, activation='softmax')`),
    );
    assert.deepEqual(messages(shared), []);
    assert.deepEqual(
      shared.searchSpaces.map((s) => s.name),
      ['width'],
    );
    const trial = planTraining(checked(shared.text, { width: 64 }), '/tmp/m.model').plan;
    assert.deepEqual(
      trial?.layers.map((l) => l.args.units),
      [64, 64, 10],
    );
    const clash = checked(
      model(`Input(shape=(784,))
        Dense(Choice(32, 64, name='width'))
        Dense(Choice(16, 32, name='width'))
        Dense(10, activation='softmax')`),
    );
    assert.deepEqual(under(clash, 'search-space-name'), ["Choice(16, 32, name='width')"]);
    assert.match(clash.diagnostics[0].message, /'width' already names a different search space/);
    assert.equal(clash.diagnostics[0].related?.[0].message, "'width' is defined here");
  });
});

describe('the arguments of a space', () => {
  const problems = (call: string) => {
    const a = checked(model(`Input(shape=(784,))\nDense(${call})\nDense(10, activation='softmax')`));
    return a.diagnostics.filter((d) => d.code === 'search-space-argument').map((d) => d.message);
  };
  it('are checked: bounds, step, log sampling, choices, default', () => {
    assert.deepEqual(problems('Int(32, 256, step=32)'), []);
    assert.match(problems('Int(256, 32)')[0], /max_value must be above min_value \(256\), got 32/);
    assert.match(problems('Int(32, 256, step=0)')[0], /step must be above 0, got 0/);
    assert.match(problems("Int(0, 256, sampling='log')")[0], /sampling='log' needs min_value above 0/);
    assert.match(problems('Int(1.5, 8)')[0], /min_value must be a whole number, got 1\.5; use Float/);
    assert.match(problems('Choice()')[0], /Choice needs at least one value/);
    assert.match(problems("Choice(8, 'x')")[0], /values must be of one kind: 8 is a number, 'x' a string/);
    assert.match(problems('Choice(8, 8)')[0], /8 is already a choice/);
    assert.match(problems('Choice(8, 16, default=12)')[0], /default=12 is not a value of Choice\(…\): it takes 8, 16/);
    assert.match(problems('Int(8)')[0], /Int needs min_value and max_value/);
    assert.match(problems('Int(8, 16, stp=2)')[0], /Int has no argument 'stp'/);
    assert.match(problems("Int(1, 8, sampling='square')")[0], /sampling must be 'linear', 'log' or 'reverse_log'/);
    assert.match(problems("Choice(8, 16, name='has space')")[0], /name= takes a name/);
    // default= picks what the file trains.
    const a = checked(model(`Input(shape=(784,))\nDense(Choice(8, 16, default=16))\nDense(10, activation='softmax')`));
    assert.equal(a.searchSpaces[0].default, 16);
    assert.equal(a.model?.layers[0].args.units, 16);
  });

  it('are values of the argument: each point is checked against its catalog type', () => {
    // A Float where whole numbers go: its ends may be whole, the values between are not.
    const a = checked(model(`Input(shape=(784,))\nDense(Float(8, 16))\nDense(10, activation='softmax')`));
    assert.deepEqual(under(a, 'search-space-argument'), ['Float']);
    assert.match(a.diagnostics[0].message, /^Use Int\(…\): units takes whole numbers/);
    assert.equal(a.diagnostics[0].fixes?.[0].kind === 'replace' && a.diagnostics[0].fixes[0].text, 'Int');
    // A choice of the wrong type is caught at its point.
    const strings = checked(model(`Input(shape=(784,))\nDense(Choice(8, 'wide'))\nDense(10, activation='softmax')`));
    assert.ok(
      strings.diagnostics.some((d) => d.code === 'search-space-argument'),
      'one kind per Choice',
    );
    const bools = checked(model(`Input(shape=(784,))\nDense(Boolean())\nDense(10, activation='softmax')`));
    assert.match(
      bools.diagnostics.find((d) => d.code === 'wrong-type')?.message ?? '',
      /^units=Boolean\(\): with False, units must be/,
    );
    const rate = checked(
      model(`Input(shape=(784,))\nDense(8)\nDropout(Choice(0.2, 1.5))\nDense(10, activation='softmax')`),
    );
    assert.deepEqual(
      rate.diagnostics.map((d) => d.message),
      ['rate=Choice(0.2, 1.5): with 1.5, rate must be in [0, 1), got 1.5'],
    );
    assert.equal(rate.diagnostics[0].code, 'out-of-range');
    assert.equal(under(rate, 'out-of-range')[0], 'Choice(0.2, 1.5)');
  });

  it('stand only where a value goes', () => {
    const layer = checked(model(`Input(shape=(784,))\nChoice(8, 16)\nDense(10, activation='softmax')`));
    assert.deepEqual(under(layer, 'search-space-misplaced'), ['Choice(8, 16)']);
    assert.ok(!layer.diagnostics.some((d) => d.code === 'unknown-layer'), 'one error, not two');
    const nested = checked(
      model(`Input(shape=(784,))\nDense(Choice(Int(8, 16), 32))\nDense(10, activation='softmax')`),
    );
    assert.deepEqual(under(nested, 'search-space-misplaced'), ['Int(8, 16)']);
    const tune = checked(`${SEARCH}`.replace('max_trials: 8', 'max_trials: Int(4, 8)'));
    assert.deepEqual(under(tune, 'search-space-misplaced'), ['Int(4, 8)']);
    assert.equal(tune.searchSpaces.length, 5, 'a tune setting is not a space to search');
  });
});

describe('every point of the space', () => {
  it('is checked, and an error names the point that breaks', () => {
    // Both choices break: the first one is named, with the fix the checker gives there.
    const a = checked(model(`Input(shape=(28, 28, 1))\nConv2D(8, 3)\nDense(Choice(8, 16))`));
    assert.equal(a.diagnostics.length, 1, messages(a).join('\n'));
    const d = a.diagnostics[0];
    assert.equal(d.code, 'output-shape-mismatch');
    assert.match(
      d.message,
      /^units=Choice\(8, 16\): with 8, insert Flatten\(\) before dense: the model outputs \(None, 26, 26, 8\)/,
    );
    assert.match(d.message, /labels \(None, 10\)/);
    assert.ok(d.fixes?.length, 'the default point keeps its fix');
    assert.ok(d.related?.some((r) => r.message === "the search space 'dense.units' (here 8)"));

    // Only the second choice breaks: its error names it; the default point alone would be clean.
    const b = checked(model(`Input(shape=(28, 28, 1))\nFlatten()\nDense(Choice(10, 16), activation='softmax')`));
    assert.deepEqual(
      b.diagnostics.map((x) => x.code),
      ['class-count-mismatch'],
    );
    assert.match(b.diagnostics[0].message, /^units=Choice\(10, 16\): with 16, use Dense\(10, …\)/);
    assert.equal(b.diagnostics[0].fixes, undefined, 'a fix computed at another point is not offered');
    assert.equal(under(b, 'class-count-mismatch')[0], 'Choice(10, 16)');

    // An Int's far end: kernel 9 on an 8×8 input.
    const c = checked(
      model(`Input(shape=(8, 8, 1))\nConv2D(4, Int(3, 9, step=2))\nFlatten()\nDense(10, activation='softmax')`, ''),
    );
    assert.deepEqual(
      c.diagnostics.map((x) => x.code),
      ['shape-nonpositive'],
    );
    assert.match(c.diagnostics[0].message, /^kernel_size=Int\(3, 9, step=2\): with 9, /);
    // A Float's far end: a dropout rate of 1.
    const f = checked(model(`Input(shape=(784,))\nDropout(Float(0.1, 1.0))\nDense(10, activation='softmax')`));
    assert.match(
      f.diagnostics[0]?.message ?? '',
      /^rate=Float\(0\.1, 1\.0\): with 1, rate must be in \[0, 1\), got 1\.0/,
    );
  });

  it('names every space that a combination needs', () => {
    // Neither space alone breaks the model; together (kernel 5 after pool 4 on 8×8) they do.
    const a = checked(
      model(
        `Input(shape=(8, 8, 1))
        MaxPooling2D(Choice(1, 4))
        Conv2D(4, Choice(1, 5))
        Flatten()
        Dense(10, activation='softmax')`,
        '',
      ),
    );
    const broken = a.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(broken.length, 1, messages(a).join('\n'));
    assert.match(broken[0].message, /^with max_pooling2d\.pool_size=4, conv2d\.kernel_size=5, /);
  });

  it('leaves an error that every point has as it is', () => {
    const a = checked(
      model(`Input(shape=(784,))\nDense(Choice(8, 16), activation='relu')\nDense(10, activation='softmx')`),
    );
    assert.deepEqual(
      a.diagnostics.map((d) => d.code),
      ['unknown-activation'],
    );
    assert.ok(!a.diagnostics[0].message.includes('with '), a.diagnostics[0].message);
  });

  it('gives the range of shapes and parameter counts over the points', () => {
    const a = checked(SEARCH);
    const ranges = a.spaceRanges;
    assert.ok(ranges);
    assert.deepEqual(ranges.layers[1], { output: [{ min: 32, max: 128 }], params: { min: 25_120, max: 100_480 } });
    assert.deepEqual(ranges.layers[3].params, { min: 330, max: 1290 });
    assert.deepEqual(ranges.totals, { min: 25_450, max: 101_770 });
  });

  it("points: every choice, both booleans, a range's ends and a few values between", () => {
    const def = (text: string) => {
      const block = parse(`model m {\n    Dense(${text})\n}\n`).file.blocks[0] as ModelBlock;
      return readSpaceCall(block.layers[0].args[0].value as CallValue, []);
    };
    assert.deepEqual(checkedPoints(def('Choice(8, 16, 32)')), [8, 16, 32]);
    assert.deepEqual(checkedPoints(def('Boolean()')), [false, true]);
    assert.deepEqual(checkedPoints(def('Int(32, 256, step=32)')), [32, 96, 160, 192, 256]);
    assert.deepEqual(checkedPoints(def('Int(1, 4)')), [1, 2, 3, 4]);
    assert.deepEqual(checkedPoints(def('Int(32, 250, step=32)')).at(-1), 224, 'the last value on the grid');
    assert.deepEqual(checkedPoints(def("Float(1e-4, 1e-1, sampling='log')")), [1e-4, 1e-1]);
    assert.deepEqual(checkedPoints(def('Choice(8, 16, default=16)')), [16, 8]);
    assert.ok(isPointOf(def('Int(32, 256, step=32)'), 64));
    assert.ok(!isPointOf(def('Int(32, 256, step=32)'), 65));
    assert.deepEqual(checkedPoints(def("Int(2, 64, step=2, sampling='log')")), [2, 4, 16, 32, 64]);
    assert.deepEqual(checkedPoints(def("Int(1, 100, sampling='log')")), [1, 10, 100]);
    assert.deepEqual(checkedPoints(def('Float(0.1, 0.5, step=0.2)')), [0.1, 0.30000000000000004, 0.5]);
    assert.ok(isPointOf(def("Int(2, 64, step=2, sampling='log')"), 16));
    assert.ok(!isPointOf(def("Int(2, 64, step=2, sampling='log')"), 12));
    assert.ok(isPointOf(def('Float(0.1, 0.5, step=0.1)'), 0.3));
  });
});

describe("a trial's values", () => {
  it("make the trial's plan; only that point is checked", () => {
    const values = {
      'dense.units': 128,
      'dropout.rate': 0.25,
      'optimizer.learning_rate': 0.0031234567891,
      'fit.batch_size': 64,
    };
    const a = checked(SEARCH, values);
    assert.deepEqual(messages(a), []);
    assert.equal(a.spaceRanges, undefined, 'one point: no ranges');
    const { plan } = planTraining(a, '/tmp/digits.model');
    assert.ok(plan);
    assert.equal(plan.layers[1].args.units, 128);
    assert.equal(plan.layers[2].args.rate, 0.25);
    assert.equal(plan.compile.optimizer.args.learning_rate, 0.0031234567891, 'exactly the value given');
    assert.ok(plan.compile.optimizer.changed.includes('learning_rate'));
    assert.equal(plan.fit.batchSize, 64);
    assert.equal(plan.fit.callbacks[0].args.patience, 1, 'not given: the default');
    assert.deepEqual(plan.hyperparameters, { ...values, 'early_stopping.patience': 1 });
    assert.equal(plan.totals.total, 101_770 + 0);
    // The model the trial trains holds the values, so an export prints them, never a space.
    const script = exportKeras(plan);
    assert.match(script, /layers\.Dense\(128, activation='relu'\)/);
    assert.match(script, /layers\.Dropout\(0\.25\)/);
    assert.match(script, /Adam\(learning_rate=0\.0031234567891\)/);
    assert.doesNotMatch(script, /Choice|Float\(/);
  });

  it("outside the file's spaces are errors (the file changed since the search started)", () => {
    const unknown = checked(SEARCH, { 'dense_9.units': 4 });
    assert.deepEqual(
      unknown.diagnostics.map((d) => d.code),
      ['hyperparameter-unknown'],
    );
    assert.match(
      unknown.diagnostics[0].message,
      /'dense_9\.units' is not a search space of this file \(it has dense\.units, /,
    );
    assert.deepEqual(under(unknown, 'hyperparameter-unknown'), ['tune'], 'at the tune block');
    const outside = checked(SEARCH, { 'dense.units': 48 });
    assert.deepEqual(under(outside, 'hyperparameter-out-of-space'), ['Choice(32, 64, 128)']);
    assert.ok(planTraining(outside, '/tmp/x.model').blocker);
  });

  it("that break the model block the trial, with the checker's message", () => {
    const text = model(`Input(shape=(28, 28, 1))\nFlatten()\nDense(Choice(10, 16), activation='softmax')`);
    assert.ok(planTraining(checked(text, { 'dense.units': 10 }), '/tmp/m.model').plan);
    const broken = checked(text, { 'dense.units': 16 });
    assert.deepEqual(
      broken.diagnostics.map((d) => d.code),
      ['class-count-mismatch'],
    );
    assert.match(planTraining(broken, '/tmp/m.model').blocker ?? '', /1 error/);
  });
});

describe('the tune block', () => {
  it('has the catalog defaults and the direction KerasTuner infers', () => {
    const plain = checked(SEARCH.replace(/tune \{[^}]*\}/, 'tune {\n}'));
    assert.deepEqual(planTraining(plain, '/tmp/x.model').plan?.tune, {
      objective: 'val_loss',
      direction: 'min',
      maxTrials: 10,
      algorithm: 'bayesian',
      executionsPerTrial: 1,
      pruning: false,
      parallel: 1,
    });
    const written = checked(
      SEARCH.replace(
        /tune \{[^}]*\}/,
        "tune {\n    objective: 'val_accuracy'\n    max_trials: 8\n    algorithm: 'random'\n    executions_per_trial: 2\n    pruning: True\n    parallel: 2\n    seed: 7\n}",
      ),
    );
    assert.deepEqual(messages(written), []);
    assert.deepEqual(planTraining(written, '/tmp/x.model').plan?.tune, {
      objective: 'val_accuracy',
      direction: 'max',
      maxTrials: 8,
      algorithm: 'random',
      executionsPerTrial: 2,
      pruning: true,
      parallel: 2,
      seed: 7,
    });
    // Spaces without a tune block: searched with the defaults.
    assert.equal(planTraining(checked(SEARCH.replace(/tune \{[^}]*\}/, '')), '/tmp/x.model').plan?.tune?.maxTrials, 10);
    // Neither: no tune plan.
    assert.equal(
      planTraining(
        checked(
          SEARCH.replace(/tune \{[^}]*\}/, '')
            .replace(/Choice\(32, 64, 128\)/, '64')
            .replace('Float(0.1, 0.5)', '0.2')
            .replace("Float(1e-4, 1e-1, sampling='log')", '1e-3')
            .replace('Choice(32, 64)', '32')
            .replace('Int(1, 5)', '2'),
        ),
        '/tmp/x.model',
      ).plan?.tune,
      undefined,
    );
  });

  it("infers each metric's direction from the catalog", () => {
    const mae = checked(
      SEARCH.replace("metrics: ['accuracy']", "metrics: ['mae']").replace(
        "objective: 'val_accuracy'",
        "objective: 'val_mae'",
      ),
    );
    assert.deepEqual(messages(mae), []);
    // The objective as the run's history names it (the metric's canonical name).
    assert.equal(planTraining(mae, '/tmp/x.model').plan?.tune?.objective, 'val_mean_absolute_error');
    assert.equal(planTraining(mae, '/tmp/x.model').plan?.tune?.direction, 'min');
    for (const m of allMetrics()) assert.ok(m.direction === 'min' || m.direction === 'max', m.name);
    assert.equal(getMetric('precision')?.direction, 'max');
    assert.equal(getMetric('mse')?.direction, 'min');
  });

  it('objective must be what training reports', () => {
    const missing = checked(SEARCH.replace("metrics: ['accuracy']", "metrics: ['mae']"));
    assert.deepEqual(under(missing, 'tune-objective'), ["'val_accuracy'"]);
    assert.match(
      missing.diagnostics.find((d) => d.code === 'tune-objective')?.message ?? '',
      /^Add 'accuracy' to the compile block's metrics/,
    );
    const noValidation = checked(SEARCH.replace('validation_split: 0.2', 'shuffle: True'));
    assert.match(
      noValidation.diagnostics.find((d) => d.code === 'tune-objective')?.message ?? '',
      /^Add validation_split: 0\.2 .* or use 'accuracy'/,
    );
    const typo = checked(SEARCH.replace("objective: 'val_accuracy'", "objective: 'val_acuracy'"));
    const d = typo.diagnostics.find((x) => x.code === 'tune-objective');
    assert.deepEqual(d?.fixes?.[0], {
      kind: 'replace',
      range: d?.range,
      text: "'val_accuracy'",
      title: "Change to 'val_accuracy'",
    });
    // The default objective, unwritten, needs validation data too; it points at the block.
    const unwritten = checked(SEARCH.replace("objective: 'val_accuracy'", '').replace('validation_split: 0.2', ''));
    assert.deepEqual(under(unwritten, 'tune-objective'), ['tune']);
  });

  it('grid search needs a finite space; a tune block with nothing to search is a warning', () => {
    const grid = checked(SEARCH.replace('pruning: True', "algorithm: 'grid'"));
    assert.deepEqual(under(grid, 'tune-grid-continuous'), ['Float(0.1, 0.5)', "Float(1e-4, 1e-1, sampling='log')"]);
    const empty = checked(
      model(
        `Input(shape=(784,))\nDense(10, activation='softmax')`,
        "compile {\n    loss: 'categorical_crossentropy'\n}\ndata {\n    train: digits\n    validation_split: 0.1\n}\ntune {\n    max_trials: 3\n}\n",
      ),
    );
    assert.deepEqual(
      empty.diagnostics.map((x) => [x.code, x.severity]),
      [['tune-without-search-space', 'warning']],
    );
    assert.deepEqual(under(checked(`${SEARCH}tune {\n}\n`), 'duplicate-block'), ['tune']);
    assert.deepEqual(under(checked(SEARCH.replace('pruning: True', 'prune: True')), 'unknown-setting'), ['prune']);
  });
});

describe('applyHyperparametersEdits', () => {
  it('writes the chosen values in place of the spaces, as the file would spell them', () => {
    const values = {
      'dense.units': 64,
      'dropout.rate': 0.3,
      'optimizer.learning_rate': 0.0031234567891,
      'fit.batch_size': 64,
    };
    const edits = applyHyperparametersEdits(SEARCH, values);
    assert.deepEqual(
      edits.map((e) => [SEARCH.slice(e.range.start.offset, e.range.end.offset), e.newText]),
      [
        ['Choice(32, 64, 128)', '64'],
        ['Float(0.1, 0.5)', '0.3'],
        ["Float(1e-4, 1e-1, sampling='log')", '0.0031234567891'],
        ['Choice(32, 64)', '64'],
      ],
    );
    // Applied (from the end, as an editor does), the file is the trial: the same plan, one space left.
    let text = SEARCH;
    for (const e of [...edits].sort((x, y) => y.range.start.offset - x.range.start.offset))
      text = text.slice(0, e.range.start.offset) + e.newText + text.slice(e.range.end.offset);
    const applied = checked(text);
    assert.deepEqual(messages(applied), []);
    assert.deepEqual(
      applied.searchSpaces.map((s) => s.name),
      ['early_stopping.patience'],
    );
    const trial = planTraining(checked(SEARCH, values), '/tmp/x.model').plan;
    const after = planTraining(applied, '/tmp/x.model').plan;
    assert.deepEqual(after?.layers, trial?.layers);
    assert.deepEqual(after?.compile.optimizer.args, trial?.compile.optimizer.args);
    assert.equal(after?.fit.batchSize, 64);
  });

  it('keeps a choice as written (1e-3 stays 1e-3) and quotes strings and booleans as Python does', () => {
    const text = model(
      `Input(shape=(784,))
      Dense(8, activation=Choice('relu', 'tanh'), use_bias=Boolean())
      Dense(10, activation='softmax')`,
      "compile {\n    loss: 'categorical_crossentropy'\n    optimizer: Adam(learning_rate=Choice(1e-3, 3e-4))\n}\ndata {\n    train: digits\n}\n",
    );
    const edits = applyHyperparametersEdits(checked(text), {
      'dense.activation': 'tanh',
      'dense.use_bias': true,
      'optimizer.learning_rate': 0.001,
    });
    assert.deepEqual(
      edits.map((e) => e.newText),
      ["'tanh'", 'True', '1e-3'],
    );
  });
});

describe('LANGUAGE.md', () => {
  it('its tune block and the spaces its prose names check clean, with the names it gives', () => {
    const md = readLanguageMd();
    const section = md.slice(
      md.indexOf('## Search spaces and the tune block'),
      md.indexOf('## What the checker reports'),
    );
    const tune = /```\n(tune \{[\s\S]*?\})\n```/.exec(section)?.[1];
    assert.ok(tune, 'the tune block example');
    for (const space of [
      'Choice(64, 128, 256)',
      'Int(32, 256, step=32)',
      "Float(1e-4, 1e-2, sampling='log')",
      'Boolean()',
    ])
      assert.ok(section.includes(`\`${space}\``), space);
    const text = `model m {
    Input(shape=(784,))
    Dense(Choice(64, 128, 256), activation='relu')
    Dense(Int(32, 256, step=32), use_bias=Boolean())
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: Adam(learning_rate=Float(1e-4, 1e-2, sampling='log'))
}
data {
    train: digits
    validation_split: 0.1
}
fit {
    batch_size: Choice(32, 64)
}
${tune}
`;
    const a = checked(text);
    assert.deepEqual(messages(a), []);
    // The default names LANGUAGE.md gives as examples.
    const names = a.searchSpaces.map((s) => s.name);
    for (const n of ['dense_1.units', 'optimizer.learning_rate', 'fit.batch_size']) {
      assert.ok(section.includes(`\`${n}\``), n);
      assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    }
    // "A file with search spaces trains its defaults (the first choice, the lower bound)".
    const plan = planTraining(a, '/tmp/m.model').plan;
    assert.deepEqual(
      plan?.layers.map((l) => l.args.units),
      [64, 32, 10],
    );
    assert.equal(plan?.tune?.direction, 'min', "'val_loss' goes down");
  });
});
