// The panel's DOM-free parts: smoothing, overfitting and learning-rate detection, progress, CSV.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartData } from '../../media/panel/src/chartData';
import { runToCsv } from '../../media/panel/src/csv';
import { detectOverfitting, formatRate, learningRateChanges } from '../../media/panel/src/insights';
import { progress, runFromEvents } from '../../media/panel/src/runModel';
import { smoothEma } from '../../media/panel/src/smoothing';
import type { RunEvent } from '../../training/protocol';
import { epochEvents, MNIST_RUN, mnistRunEvents } from './fixtures/mnistRun';

type EpochEvent = Extract<RunEvent, { type: 'epoch' }>;
function epochs(pairs: [loss: number, valLoss: number][]): EpochEvent[] {
  return pairs.map(([loss, valLoss], i) => ({
    type: 'epoch',
    epoch: i + 1,
    epochs: pairs.length,
    loss,
    metrics: {},
    valLoss,
    learningRate: 0.01,
    seconds: 1,
    samplesPerSec: 1,
  }));
}

const rounded = (xs: (number | null)[]) => xs.map((v) => (v === null ? null : Number(v.toFixed(12))));

describe('smoothEma (TensorBoard smoothing)', () => {
  it('is debiased: the first point is the first value and a constant stays constant', () => {
    assert.deepEqual(rounded(smoothEma([4, 4, 4, 4], 0.9)), [4, 4, 4, 4]);
    assert.deepEqual(rounded(smoothEma([3], 0.6)), [3]);
  });
  it('follows the TensorBoard formula', () => {
    // last = 0.6·0 + 0.4·3 = 1.2 → /0.4 = 3; last = 0.6·1.2 + 0.4·1 = 1.12 → /(1 − 0.36) = 1.75
    assert.deepEqual(rounded(smoothEma([3, 1], 0.6)), [3, 1.75]);
  });
  it('returns the values for weight 0 and keeps gaps', () => {
    assert.deepEqual(smoothEma([1, null, 5], 0), [1, null, 5]);
  });
});

describe('detectOverfitting', () => {
  it('finds the fixture run overfitting from epoch 8, noticed at epoch 9', () => {
    assert.deepEqual(detectOverfitting(runFromEvents(epochEvents())), { sinceEpoch: 8, detectedAt: 9 });
  });
  it('needs two rises in a row while training loss falls', () => {
    const once = epochs([
      [1, 1],
      [0.8, 0.9],
      [0.7, 0.95],
      [0.6, 0.9],
      [0.5, 0.85],
    ]);
    assert.equal(detectOverfitting(runFromEvents(once)), undefined);
    const trainRisesToo = epochs([
      [1, 1],
      [0.8, 0.9],
      [0.85, 0.95],
      [0.9, 1.0],
    ]);
    assert.equal(detectOverfitting(runFromEvents(trainRisesToo)), undefined);
    const twice = epochs([
      [1, 1],
      [0.8, 0.9],
      [0.7, 0.95],
      [0.6, 1.0],
    ]);
    assert.deepEqual(detectOverfitting(runFromEvents(twice)), { sinceEpoch: 3, detectedAt: 4 });
  });
  it('ignores runs without validation', () => {
    const noVal = epochs([
      [1, 1],
      [0.8, 0.9],
      [0.7, 0.95],
      [0.6, 1.0],
    ]).map(({ valLoss: _, ...e }) => e as EpochEvent);
    assert.equal(detectOverfitting(runFromEvents(noVal)), undefined);
  });
});

describe('learningRateChanges', () => {
  it('finds the drop to 1e-4 at epoch 6 of the fixture run', () => {
    assert.deepEqual(learningRateChanges(runFromEvents(epochEvents())), [
      { epoch: MNIST_RUN.lrDropEpoch, from: 1e-3, to: 1e-4 },
    ]);
  });
  it('formats rates briefly', () => {
    assert.deepEqual([1e-4, 2.5e-4, 0.001, 0.05, 0.1].map(formatRate), ['1e-4', '2.5e-4', '1e-3', '0.05', '0.1']);
  });
});

describe('run model', () => {
  const run = runFromEvents(mnistRunEvents());
  it('keeps per-batch x in epochs (fractional) and one entry per epoch', () => {
    assert.equal(run.batchX.length, 600);
    assert.equal(run.batchX[0], 0.02);
    assert.equal(run.batchX[49], 1);
    assert.equal(run.batchX.at(-1), 12);
    assert.deepEqual(run.quantities, ['loss', 'accuracy']);
    assert.equal(run.epochs.length, 12);
    assert.equal(run.status, 'finished');
  });
  it('estimates the time left from the progress so far', () => {
    const half = runFromEvents(mnistRunEvents().slice(0, 1 + 6 * 51));
    const p = progress(half);
    assert.equal(p.epoch, 6);
    assert.ok(Math.abs(p.fraction - 0.5) < 0.01);
    assert.ok(Math.abs(p.etaSeconds! - 6 * 50 * 0.084) < 1, `eta ${p.etaSeconds}`);
  });
  it('joins batch, epoch and overlay points on one x axis', () => {
    const other = runFromEvents(
      mnistRunEvents({ epochs: 3, batches: 4, bestEpoch: 2, lrDropEpoch: 9 }, { evaluate: false }),
    );
    const d = chartData(run, [{ label: 'old', run: other }], 'loss', 0.6);
    assert.deepEqual(
      d.series.map((s) => s.role),
      ['batch', 'smoothed', 'train', 'validation', 'overlayTrain', 'overlayValidation'],
    );
    assert.equal(d.columns[0].length, 600);
    const at = (x: number) => d.columns[0].indexOf(x);
    assert.equal(d.columns[3][at(2)], run.epochs[1].loss);
    assert.equal(d.columns[3][at(2.5)], null);
    assert.equal(d.columns[6][at(3)], other.epochs[2].valLoss);
  });
  it('exports a CSV row per batch and per epoch', () => {
    const lines = runToCsv(run).trimEnd().split('\n');
    assert.equal(lines.length, 613);
    assert.equal(lines.filter((l) => l.startsWith('epoch,')).length, 12);
  });
});
