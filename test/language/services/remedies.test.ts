// The overfitting remedies the training panel's advice applies (language/services/remedies.ts):
// each edit, applied to the file, checks clean and plans the remedy (EarlyStopping in fit's
// callbacks, a Dropout before the output layer); a remedy the file already has is not offered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planFit } from '../../../language/analysis/plan';
import { overfittingRemedies, type RemedyId } from '../../../language/services/remedies';
import { analyzed, applyEdits, DIGITS_CNN } from './helpers';

const MLP = `model mlp {
    Input(shape=(784,))
    Dense(512, activation='relu')
    Dense(10, activation='softmax')
}

compile {
    loss: 'categorical_crossentropy'
    optimizer: 'adam'
}

data {
    train: digits
    validation_split: 0.1
}
`;

function applied(text: string, id: RemedyId): string {
  const remedy = overfittingRemedies(analyzed(text)).find((r) => r.id === id);
  assert.ok(remedy, `${id} is offered`);
  const after = applyEdits(text, remedy.edits);
  const errors = analyzed(after).diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], after);
  return after;
}

const callbacksOf = (text: string) => planFit(analyzed(text)).callbacks.map((c) => `${c.name}:${c.args.patience}`);

test('EarlyStopping: a new fit block when there is none', () => {
  const after = applied(MLP, 'early-stopping');
  assert.ok(
    after.endsWith(
      `}\n\nfit {\n    callbacks: [EarlyStopping(monitor='val_loss', patience=3, restore_best_weights=True)]\n}\n`,
    ),
    after,
  );
  assert.deepEqual(callbacksOf(after), ['EarlyStopping:3']);
});

test('EarlyStopping: a callbacks line in a fit block without one, indented as its settings', () => {
  const after = applied(`${MLP}\nfit {\n  epochs: 5\n}\n`, 'early-stopping');
  assert.match(
    after,
    /fit \{\n {2}epochs: 5\n {2}callbacks: \[EarlyStopping\(monitor='val_loss', patience=3, restore_best_weights=True\)\]\n\}/,
  );
  assert.deepEqual(callbacksOf(after), ['EarlyStopping:3']);
  const oneLine = applied(`${MLP}\nfit { epochs: 5 }\n`, 'early-stopping');
  assert.deepEqual(callbacksOf(oneLine), ['EarlyStopping:3']);
});

test('EarlyStopping: appended to a callbacks list, empty or not', () => {
  const withOther = applied(`${MLP}\nfit {\n    callbacks: [ReduceLROnPlateau(patience=2)]\n}\n`, 'early-stopping');
  assert.deepEqual(callbacksOf(withOther), ['ReduceLROnPlateau:2', 'EarlyStopping:3']);
  const empty = applied(`${MLP}\nfit {\n    callbacks: []\n}\n`, 'early-stopping');
  assert.deepEqual(callbacksOf(empty), ['EarlyStopping:3']);
});

test('Dropout: inserted before the output layer, on its own line with the layers’ indentation', () => {
  const after = applied(MLP, 'dropout');
  assert.match(
    after,
    /    Dense\(512, activation='relu'\)\n    Dropout\(0\.5\)\n    Dense\(10, activation='softmax'\)/,
  );
  assert.deepEqual(
    analyzed(after).model?.layers.map((l) => l.call.callee.name),
    ['Dense', 'Dropout', 'Dense'],
  );
});

test('a file that already has EarlyStopping and Dropout is offered neither', () => {
  assert.deepEqual(overfittingRemedies(analyzed(DIGITS_CNN)), []);
  assert.deepEqual(
    overfittingRemedies(analyzed(MLP)).map((r) => r.id),
    ['early-stopping', 'dropout'],
  );
});
