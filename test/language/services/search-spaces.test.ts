// The editor features on search spaces (LANGUAGE.md, "Search spaces and the tune block"): inlay
// hints show shapes and counts over the space, hover shows a space's name, values and default,
// completion offers spaces where a value goes, signature help shows KerasTuner's arguments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../language/analysis/analyze';
import { complete } from '../../../language/services/completion';
import { hover } from '../../../language/services/hover';
import { inlayHints } from '../../../language/services/inlay-hints';
import { signatureHelp } from '../../../language/services/signature-help';
import { documentSymbols } from '../../../language/services/symbols';
import { analyzed, positionOf, withCursor } from './helpers';

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
    batch_size: Int(32, 256, step=32, name='batch')
}
`;

test('inlay hints show the range of shapes and parameter counts over the space', () => {
  const hints = inlayHints(analyzed(SEARCH));
  assert.deepEqual(
    hints.map((h) => h.label),
    [
      '(None, 28, 28, 1)',
      '(None, 784)',
      '(None, 32..128) · 25,120..100,480',
      '(None, 32..128)',
      '(None, 10) · 330..1,290',
      '25,450..101,770 params (99.41 KB..397.54 KB)',
    ],
  );
  assert.match(hints[2].tooltip ?? '', /over the search space/);
  // A trial's analysis is one point: plain hints.
  const trial = inlayHints(analyze(SEARCH, { baseDir: '/nonexistent', hyperparameters: { 'dense.units': 64 } }));
  assert.equal(trial[2].label, '(None, 64) · 50,240');
});

test('hover on a space shows its name, values and default', () => {
  const a = analyzed(SEARCH);
  const choice = hover(a, positionOf(SEARCH, 'Choice', 0, 2));
  assert.ok(choice);
  assert.match(choice.contents, /\*\*dense\.units\*\*: search space, one of 32, 64, 128/);
  assert.match(choice.contents, /Default: `32`/);
  assert.match(choice.contents, /```python\nChoice\(values=None/);
  const lr = hover(a, positionOf(SEARCH, 'Float', 1, 1));
  assert.match(
    lr?.contents ?? '',
    /\*\*optimizer\.learning_rate\*\*: search space, a number from 0\.0001 to 0\.1, sampled in log scale/,
  );
  const batch = hover(a, positionOf(SEARCH, 'Int(', 0, 1));
  assert.match(batch?.contents ?? '', /\*\*batch\*\*: search space, an integer from 32 to 256 in steps of 32/);
  // The layer around a space still hovers as the layer, with its shapes at the default point.
  const dense = hover(a, positionOf(SEARCH, 'Dense', 0, 1));
  assert.match(dense?.contents ?? '', /Output: `\(None, 32\)`/);
  // The outline still has the layers.
  const model = documentSymbols(a)[0];
  assert.equal(model.children?.length, 4);
});

test('completion offers spaces where a value goes, after the plain values', () => {
  const labels = (marked: string) => {
    const { text, pos } = withCursor(marked);
    return complete(analyzed(text), pos).map((i) => i.label);
  };
  const units = labels('model m {\n    Dense(|)\n}\n');
  assert.ok(units.includes('Int(…)') && units.includes('Choice(…)'), units.join(' '));
  assert.ok(!units.includes('Float(…)'), 'units takes whole numbers');
  const lr = labels('compile {\n    optimizer: Adam(learning_rate=|)\n}\n');
  assert.ok(lr.includes('Float(…)'));
  const activation = complete(
    analyzed('model m {\n    Dense(8, activation=)\n}\n'),
    positionOf('model m {\n    Dense(8, activation=)\n}\n', ')', 0),
  );
  const choice = activation.find((i) => i.label === 'Choice(…)');
  assert.ok(choice);
  assert.match(choice.insertText ?? '', /^Choice\('\$\{1:\w+\}', '\$\{2:\w+\}'\)$/);
  assert.ok(labels('fit {\n    batch_size: |\n}\n').includes('Int(…)'));
  // Not in the tune block, and not inside a space.
  assert.ok(!labels('tune {\n    max_trials: |\n}\n').includes('Int(…)'));
  assert.ok(!labels('model m {\n    Dense(Int(|))\n}\n').includes('Int(…)'));
  // The tune block's settings.
  const tune = labels('tune {\n    |\n}\n');
  for (const s of ['objective', 'max_trials', 'algorithm', 'executions_per_trial', 'pruning', 'parallel', 'seed'])
    assert.ok(tune.includes(s), s);
  assert.ok(labels('tune {\n    algorithm: |\n}\n').includes("'bayesian'"));
  // The objective: what this file's training reports.
  assert.deepEqual(labels(SEARCH.replace('fit {', 'tune {\n    objective: |\n}\nfit {')), [
    "'loss'",
    "'accuracy'",
    "'val_loss'",
    "'val_accuracy'",
  ]);
  assert.ok(labels('|').includes('tune'), 'the block itself');
});

test("signature help shows KerasTuner's arguments", () => {
  const help = (marked: string) => {
    const { text, pos } = withCursor(marked);
    return signatureHelp(analyzed(text), pos);
  };
  const int = help('model m {\n    Dense(Int(32, |))\n}\n');
  assert.ok(int);
  assert.match(int.label, /^Int\(min_value, max_value, step=None, sampling='linear', /);
  const p = int.parameters[int.activeParameter];
  assert.equal(int.label.slice(p.label[0], p.label[1]), 'max_value');
  const float = help('compile {\n    optimizer: Adam(learning_rate=Float(1e-4, 1e-2, sampling=|))\n}\n');
  assert.match(float?.documentation ?? '', /learning rate/);
});
