import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clock, runProgress, statusText } from '../../client/src/run-status';
import type { RunEvent } from '../../training/protocol';

const started: RunEvent = {
  type: 'started',
  time: '',
  engine: 'tfjs',
  backend: 'wasm',
  device: 'CPU',
  reason: 'test',
  params: { total: 1, trainable: 1, nonTrainable: 0 },
  samples: { train: 1000, validation: 0, test: 0 },
  epochs: 4,
  batchSize: 100,
  stepsPerEpoch: 10,
  runDir: '/r',
  model: 'm',
};
const batch = (epoch: number, b: number, loss: number): RunEvent => ({
  type: 'batch',
  epoch,
  batch: b,
  batches: 10,
  loss,
  metrics: {},
  samplesPerSec: 500,
  time: 0,
});
const epoch = (e: number, loss: number): RunEvent => ({
  type: 'epoch',
  epoch: e,
  epochs: 4,
  loss,
  metrics: {},
  learningRate: 0.001,
  seconds: 2,
  samplesPerSec: 500,
});

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

/** A run with noisy batch times: 6 epochs × 100 batches, ~0.1 s a batch with ±50% jitter, a
 *  batch every 37 that takes 6× as long (GC, a checkpoint), and 3 s of validation per epoch. */
function noisyRun(): { events: RunEvent[]; end: number } {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const start: RunEvent = {
    ...(started as Extract<RunEvent, { type: 'started' }>),
    epochs: 6,
    stepsPerEpoch: 100,
    batchSize: 32,
  };
  const events: RunEvent[] = [start];
  let time = 2; // building the model
  let n = 0;
  for (let e = 1; e <= 6; e++) {
    for (let b = 1; b <= 100; b++) {
      const seconds = 0.1 * (0.5 + random()) * (++n % 37 === 0 ? 6 : 1);
      time += seconds;
      events.push({
        type: 'batch',
        epoch: e,
        batch: b,
        batches: 100,
        loss: 1,
        metrics: {},
        samplesPerSec: 32 / seconds,
        time,
      });
    }
    time += 3;
    events.push({
      type: 'epoch',
      epoch: e,
      epochs: 6,
      loss: 1,
      metrics: {},
      learningRate: 0.001,
      seconds: 10,
      samplesPerSec: 320,
    });
  }
  return { events, end: time };
}

test('the ETA is stable on noisy batch times and close to the time actually left', () => {
  const { events, end } = noisyRun();
  let previous: { eta: number; time: number } | undefined;
  for (let i = 1; i <= events.length; i++) {
    const e = events[i - 1]!;
    if (e.type !== 'batch' || (e.epoch === 1 && e.batch < 20)) continue; // let it warm up
    const eta = runProgress('m', events.slice(0, i)).etaSeconds!;
    assert.ok(eta !== undefined);
    // The first epoch end teaches it how long validation takes: from then on it is steady.
    if (previous && !(e.epoch === 2 && e.batch === 1)) {
      // From one batch to the next the ETA falls by the time that passed, give or take 8% (the old estimate jumped by a factor of 3).
      const expected = previous.eta - (e.time - previous.time);
      assert.ok(
        Math.abs(eta - expected) <= 0.08 * previous.eta + 0.5,
        `batch ${e.epoch}.${e.batch}: ETA ${clock(previous.eta)} → ${clock(eta)}`,
      );
    }
    const actual = end - e.time;
    if (e.epoch > 1)
      assert.ok(
        Math.abs(eta - actual) <= 0.25 * actual + 3,
        `batch ${e.epoch}.${e.batch}: ETA ${clock(eta)} but ${clock(actual)} were left`,
      );
    previous = { eta, time: e.time };
  }
});

test('a run that EarlyStopping ended before its planned epochs shows 100% and its elapsed time', () => {
  const end: RunEvent = { type: 'finished', time: '', epochs: 2, seconds: 12.4, modelPath: '/r/model' };
  const p = runProgress('m', [started, batch(1, 10, 0.9), epoch(1, 0.8), batch(2, 10, 0.5), epoch(2, 0.6), end]);
  assert.equal(p.fraction, 1);
  assert.equal(p.etaSeconds, undefined);
  assert.equal(p.elapsedSeconds, 12.4);
  assert.equal(statusText(p), 'm · epoch 2/4 · loss 0.6000 · finished');
});
