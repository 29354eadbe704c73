import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldingRanges } from '../../language/services/folding';
import { parse } from '../../language/syntax/index';

function folds(text: string) {
  return foldingRanges(parse(text).file);
}

test('each multi-line block folds up to the line before its closing brace', () => {
  const text = "model m {\n    Dense(1)\n    Dense(2)\n}\n\ncompile {\n    loss: 'mse'\n}";
  assert.deepEqual(folds(text), [
    { startLine: 0, endLine: 2 },
    { startLine: 5, endLine: 6 },
  ]);
});

test('one-line blocks and calls do not fold', () => {
  assert.deepEqual(folds('model m { Dense(1) }\nfit { epochs: 1, callbacks: [A(), B()] }'), []);
});

test('a call spanning lines folds, keeping a closing ) on its own line visible', () => {
  const text = "model m {\n    Conv2D(\n        32,\n        activation='relu',\n    )\n}";
  assert.deepEqual(folds(text), [
    { startLine: 0, endLine: 4 },
    { startLine: 1, endLine: 3 },
  ]);
});

test('a call whose ) ends its last argument line folds through that line', () => {
  const text = "model m {\n    Dense(10,\n          activation='relu')\n}";
  assert.deepEqual(folds(text), [
    { startLine: 0, endLine: 2 },
    { startLine: 1, endLine: 2 },
  ]);
});

test('multi-line lists fold, also nested inside calls', () => {
  const text =
    "fit {\n    callbacks: [\n        EarlyStopping(\n            patience=2),\n        CSVLogger('log.csv'),\n    ]\n}";
  assert.deepEqual(folds(text), [
    { startLine: 0, endLine: 5 },
    { startLine: 1, endLine: 4 },
    { startLine: 2, endLine: 3 },
  ]);
});

test('runs of two or more comment lines fold as comments; single ones and trailing ones do not', () => {
  const text = [
    '# one', // 0
    '# two', // 1
    '# three', // 2
    'model m {', // 3
    '    # alone', // 4
    '    Dense(1)  # trailing', // 5
    '    Dense(2)  # trailing', // 6
    '    # a', // 7
    '    # b', // 8
    '}', // 9
  ].join('\n');
  assert.deepEqual(folds(text), [
    { startLine: 0, endLine: 2, kind: 'comment' },
    { startLine: 3, endLine: 8 },
    { startLine: 7, endLine: 8, kind: 'comment' },
  ]);
});

test('an unclosed block still folds to its last line', () => {
  assert.deepEqual(folds('model m {\n    Dense(1)\n    Dense(2)\n'), [{ startLine: 0, endLine: 2 }]);
});
