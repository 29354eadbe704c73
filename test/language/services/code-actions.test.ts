import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeActions } from '../../../language/services/code-actions';
import type { CodeActionEntry } from '../../../language/services/types';
import { analyzed, applyEdits } from './helpers';

const WHOLE = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

/** The text after applying the action titled `title` (which must exist). */
function fixed(text: string, title: string | RegExp): { text: string; action: CodeActionEntry } {
  const actions = codeActions(analyzed(text), WHOLE);
  const action = actions.find((a) => (typeof title === 'string' ? a.title === title : title.test(a.title)));
  assert.ok(action, `no action ${title}; got ${actions.map((a) => a.title).join(', ')}`);
  return { text: applyEdits(text, action.edits), action };
}

test('Dense after Conv2D without Flatten: insert Flatten() on its own line, indented like the layer', () => {
  const text = `model m {\n    Input(shape=(28, 28, 1))\n    Conv2D(8, 3)\n    Dense(10, activation='softmax')\n}\ncompile {\n    loss: 'categorical_crossentropy'\n}\ndata {\n    train: mnist\n}\n`;
  // The title names the layer and its line: the lightbulb menu shows titles only.
  const { text: after, action } = fixed(text, 'Insert Flatten() before Dense (line 4)');
  assert.equal(after, text.replace('    Dense(10', '    Flatten()\n    Dense(10'));
  assert.equal(action.kind, 'quickfix');
  assert.equal(action.isPreferred, true);
  assert.equal(analyzed(after).diagnostics.filter((d) => d.severity === 'error').length, 0);
});

test('an unknown layer offers the closest names, the first preferred', () => {
  const text = `model m {\n  Input(shape=(4,))\n  Dnese(2)\n}\n`;
  const actions = codeActions(analyzed(text), WHOLE);
  assert.equal(actions[0].title, "Change 'Dnese' to 'Dense' (line 3)");
  assert.equal(actions[0].isPreferred, true);
  assert.equal(applyEdits(text, actions[0].edits), text.replace('Dnese', 'Dense'));
  assert.ok(actions.slice(1).every((a) => !a.isPreferred));
});

test("Keras 2's lr= is renamed to learning_rate=", () => {
  const text = `model m {\n  Input(shape=(4,))\n  Dense(2)\n}\ncompile {\n  loss: 'mse'\n  optimizer: Adam(lr=0.01)\n}\n`;
  assert.equal(fixed(text, "Rename to 'learning_rate' (line 7)").text, text.replace('lr=', 'learning_rate='));
});

test('units of the last layer become the class count of the data', () => {
  const text = `model m {\n  Input(shape=(28, 28, 1))\n  Flatten()\n  Dense(8, activation='softmax')\n}\ncompile {\n  loss: 'categorical_crossentropy'\n}\ndata {\n  train: mnist\n}\n`;
  assert.equal(fixed(text, 'Change units of Dense to 10 (line 4)').text, text.replace('Dense(8,', 'Dense(10,'));
});

test('softmax on one unit becomes sigmoid', () => {
  const text = `model m {\n  Input(shape=(4,))\n  Dense(1, activation='softmax')\n}\n`;
  assert.equal(fixed(text, "Use activation='sigmoid' on Dense (line 3)").text, text.replace("'softmax'", "'sigmoid'"));
});

test('a redundant Activation is removed with its whole line', () => {
  const text = `model m {\n  Input(shape=(4,))\n  Dense(3, activation='relu')\n  Activation('relu')\n  Dense(1)\n}\n`;
  const { text: after } = fixed(text, /^Remove Activation/);
  assert.equal(after, `model m {\n  Input(shape=(4,))\n  Dense(3, activation='relu')\n  Dense(1)\n}\n`);
});

test('only diagnostics overlapping the requested range give actions', () => {
  const text = `model m {\n  Input(shape=(4,))\n  Dnese(2)\n}\n`;
  const analysis = analyzed(text);
  assert.equal(codeActions(analysis, { start: { line: 0, character: 0 }, end: { line: 1, character: 3 } }).length, 0);
  assert.ok(codeActions(analysis, { start: { line: 2, character: 3 }, end: { line: 2, character: 3 } }).length > 0);
});

test('pasted Keras code: one fix per line removes its prefix or model.add(...), and one converts the whole file', () => {
  const lines = (...l: string[]) => [...l, ''].join('\n');
  const compile = (optimizer: string) => [
    'compile {',
    "    loss: 'categorical_crossentropy'",
    `    optimizer: ${optimizer}`,
    '}',
  ];
  const text = lines(
    'model m {',
    '    keras.Input(shape=(28, 28, 1))',
    '    model.add(layers.Conv2D(32, kernel_size=(3, 3), activation="relu"))',
    '    tf.keras.layers.Flatten(),',
    '    layers.Dense(10, activation="softmax")',
    '}',
    ...compile('keras.optimizers.Adam(learning_rate=1e-3)'),
  );
  const plain = lines(
    'model m {',
    '    Input(shape=(28, 28, 1))',
    '    Conv2D(32, kernel_size=(3, 3), activation="relu")',
    '    Flatten(),',
    '    Dense(10, activation="softmax")',
    '}',
    ...compile('Adam(learning_rate=1e-3)'),
  );
  // The pasted file checks as the plain one, less the warnings.
  assert.deepEqual(
    analyzed(text).diagnostics.filter((d) => d.severity === 'error'),
    [],
  );

  const one = fixed(text, "Remove 'model.add(...)' and 'layers.' (line 3)");
  assert.equal(
    one.text,
    text.replace(
      'model.add(layers.Conv2D(32, kernel_size=(3, 3), activation="relu"))',
      'Conv2D(32, kernel_size=(3, 3), activation="relu")',
    ),
  );
  assert.equal(one.action.isPreferred, true);

  const actions = codeActions(analyzed(text), WHOLE).filter((a) => a.title === 'Convert pasted Keras code');
  assert.equal(actions.length, 5, 'offered on every pasted call');
  assert.ok(
    actions.every((a) => JSON.stringify(a.edits) === JSON.stringify(actions[0].edits)),
    'one edit set for the whole file',
  );
  const converted = applyEdits(text, actions[0].edits);
  assert.equal(converted, plain);
  assert.deepEqual(
    analyzed(converted).diagnostics.map((d) => d.code),
    [],
  );
});

test('fix titles name the layer they change and its line: Flatten, Input, padding', () => {
  const text = `model m {\n  Input(shape=(8, 8, 1))\n  Conv2D(4, 3)\n  Dense(16)\n}\n`;
  const titles = codeActions(analyzed(text), WHOLE).map((a) => a.title);
  assert.ok(titles.includes('Insert Flatten() before Dense (line 4)'), titles.join(', '));
  const shapeless = `model m {\n  Conv2D(4, 3)\n  Flatten()\n}\n`;
  const input = codeActions(analyzed(shapeless), WHOLE).map((a) => a.title);
  assert.ok(input.includes('Add Input(shape=(28, 28, 1)) before Conv2D (line 2)'), input.join(', '));
  const padding = `model m {\n  Input(shape=(2, 2, 1))\n  Conv2D(4, 3)\n}\n`;
  const pad = codeActions(analyzed(padding), WHOLE).map((a) => a.title);
  assert.ok(pad.includes("Add padding='same' to Conv2D (line 3)"), pad.join(', '));
});
