import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDataLine, findModelLine } from '../../client/src/model-line';

test('the code lens goes on the model line, past comments', () => {
  assert.deepEqual(findModelLine('# model not_this {\n\nmodel digits_mlp {\n  Dense(1)\n}'), {
    line: 2,
    name: 'digits_mlp',
  });
  assert.deepEqual(findModelLine('compile { loss: mse }\n  model m{'), { line: 1, name: 'm' });
  assert.equal(findModelLine('compile { loss: mse }'), undefined);
});

test('the Preview Data lens goes on the data line', () => {
  assert.equal(findDataLine('model m {\n  Dense(1)\n}\n\ndata {\n  train: digits\n}'), 4);
  assert.equal(findDataLine('model m {\n  Dense(1)\n}\n  data{ train: digits }'), 3);
  assert.equal(findDataLine('model m {\n  Dense(1)\n}\n# data {'), undefined);
});
