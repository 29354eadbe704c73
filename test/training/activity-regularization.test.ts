// ActivityRegularization(l1, l2) adds l1·Σ|x| + l2·Σx² of its input, divided by the batch size
// (keras/src/layers/layer.py __call__, Keras ≥ 3.14; activity_regularization_test.py
// test_correctness: 4·0.3 + 2·0.2 on one sample of 2s), to the loss of every batch, on both engines.
// The Dense after it starts at zero, so the model outputs 0 and the loss is exactly
// mean(y²) + the penalty, computed here from the data.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NO_TORCH, firstBatchLosses } from '../helpers/first-batch-loss';

const ROWS = [
  [1, -2, 0.5, 3],
  [0, 4, -1, -1],
  [2, 2, 2, 0.5],
  [-3, 1, 0, 2],
];
const L1 = 0.05;
const L2 = 0.02;

test(
  'ActivityRegularization adds its penalty, over the batch size, to the first-batch loss of both engines',
  { skip: NO_TORCH },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'activity-regularization-'));
    writeFileSync(join(dir, 'rows.csv'), `a,b,c,y\n${ROWS.map((r) => r.join(',')).join('\n')}\n`);
    const file = join(dir, 'm.model');
    const text =
      `model m {\n  Input(shape=(3,))\n  ActivityRegularization(l1=${L1}, l2=${L2})\n` +
      "  Dense(1, kernel_initializer='zeros', bias_initializer='zeros')\n}\n" +
      "compile {\n  loss: 'mse'\n  optimizer: 'sgd'\n}\ndata {\n  train: csv('rows.csv', label='y')\n}\nfit {\n  epochs: 1\n  batch_size: 4\n}\n";
    const xs = ROWS.flatMap((r) => r.slice(0, 3));
    const mse = ROWS.reduce((a, r) => a + r[3]! ** 2, 0) / ROWS.length;
    const penalty =
      (L1 * xs.reduce((a, v) => a + Math.abs(v), 0) + L2 * xs.reduce((a, v) => a + v * v, 0)) / ROWS.length;
    const losses = await firstBatchLosses(file, text);
    for (const [engine, loss] of Object.entries(losses))
      assert.ok(Math.abs(loss - (mse + penalty)) < 1e-5, `${engine}: ${loss}, expected ${mse} + ${penalty}`);
    const without = await firstBatchLosses(file, text.replace(`l1=${L1}, l2=${L2}`, 'l1=0, l2=0'));
    for (const [engine, loss] of Object.entries(without))
      assert.ok(Math.abs(loss - mse) < 1e-5, `${engine} without: ${loss}`);
  },
);
