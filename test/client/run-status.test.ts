import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clock, runProgress, statusText } from '../../client/src/run-status';
import type { RunEvent } from '../../server/src/training/protocol';

const started: RunEvent = {
  type: 'started', time: '', engine: 'tfjs', backend: 'wasm', device: 'CPU', reason: 'test',
  params: { total: 1, trainable: 1, nonTrainable: 0 }, samples: { train: 1000, validation: 0, test: 0 },
  epochs: 4, batchSize: 100, stepsPerEpoch: 10, runDir: '/r', model: 'm',
};
const batch = (epoch: number, b: number, loss: number): RunEvent => ({ type: 'batch', epoch, batch: b, batches: 10, loss, metrics: {}, samplesPerSec: 500, time: 0 });
const epoch = (e: number, loss: number): RunEvent => ({ type: 'epoch', epoch: e, epochs: 4, loss, metrics: {}, learningRate: 0.001, seconds: 2, samplesPerSec: 500 });

test('before the engine starts the status says so', () => {
  assert.equal(statusText(runProgress('m', [])), 'm · starting');
});

test('mid-epoch: the epoch being trained, ETA from the speed, and the last loss', () => {
  const p = runProgress('m', [started, batch(1, 10, 0.9), epoch(1, 0.8), batch(2, 5, 0.5)]);
  assert.equal(p.epoch, 2);
  assert.equal(p.fraction, 1.5 / 4);
  // 2.5 epochs × 10 batches × 100 samples at 500 samples/s
  assert.equal(p.etaSeconds, 5);
  assert.equal(statusText(p), 'm · epoch 2/4 · ETA 0:05 · loss 0.5000');
});

test('a finished run shows its last epoch and no ETA', () => {
  const end: RunEvent = { type: 'finished', time: '', epochs: 4, seconds: 8, modelPath: '' };
  const p = runProgress('m', [started, batch(4, 10, 0.2), epoch(4, 0.25), end]);
  assert.equal(p.fraction, 1);
  assert.equal(statusText(p), 'm · epoch 4/4 · loss 0.2500 · finished');
});

test('clock formats minutes and hours', () => {
  assert.equal(clock(5), '0:05');
  assert.equal(clock(125.4), '2:05');
  assert.equal(clock(3725), '1:02:05');
});

test('a run stopped during an epoch shows that epoch', () => {
  const stopped: RunEvent = { type: 'stopped', time: '', reason: 'stop requested', epoch: 1 };
  const p = runProgress('m', [started, batch(1, 3, 0.7), stopped]);
  assert.equal(statusText(p), 'm · epoch 1/4 · loss 0.7000 · stopped');
});
