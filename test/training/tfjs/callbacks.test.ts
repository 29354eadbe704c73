// Keras 3 callback rules on crafted sequences of epoch logs.
import { optimizerArgs } from '../../../language/catalog';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeCallback } from '../../../training/callback-events';
import type { RunEvent } from '../../../training/protocol';
import {
  CSVLogger,
  EarlyStopping,
  ReduceLROnPlateau,
  type Callback,
  type TrainingContext,
} from '../../../training/engines/tfjs/callbacks';
import { createOptimizer } from '../../../training/engines/tfjs/optimizers';
import { selectBackend } from '../../../training/engines/tfjs/backend';
import { tempDir } from './helpers';

function context(): TrainingContext & { events: RunEvent[] } {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] });
  const events: RunEvent[] = [];
  return {
    model,
    optimizer: createOptimizer('SGD', optimizerArgs('SGD', { learning_rate: 1 })),
    runDir: tempDir(),
    emit: (e) => events.push(e),
    save: async () => {},
    stopTraining: false,
    events,
  };
}

/** Feeds values of `monitor` epoch by epoch; returns the 0-based epoch at which training stopped, or -1. */
async function feed(
  cb: Callback,
  monitor: string,
  values: number[],
  ctx = context(),
  beforeEach?: (epoch: number) => void,
): Promise<number> {
  for (let e = 0; e < values.length; e++) {
    beforeEach?.(e);
    await cb.onEpochEnd(e, { [monitor]: values[e]! }, ctx);
    if (ctx.stopTraining) return e;
  }
  return -1;
}

test('EarlyStopping: patience, min_delta, mode, baseline, start_from_epoch', async () => {
  await selectBackend('tfjs:cpu');
  assert.equal(
    await feed(new EarlyStopping({ monitor: 'val_loss', patience: 2 }), 'val_loss', [1, 0.9, 0.95, 0.97, 0.85]),
    3,
  );
  assert.equal(
    await feed(new EarlyStopping({ monitor: 'val_loss', patience: 0, min_delta: 0.1 }), 'val_loss', [1, 0.95]),
    1,
  );
  assert.equal(
    await feed(new EarlyStopping({ monitor: 'val_loss', patience: 0, min_delta: 0.01 }), 'val_loss', [1, 0.95, 0.9]),
    -1,
  );
  // mode 'auto' maximises accuracies.
  assert.equal(
    await feed(new EarlyStopping({ monitor: 'val_accuracy', patience: 0 }), 'val_accuracy', [0.5, 0.6, 0.7, 0.65]),
    3,
  );
  // A baseline not beaten keeps counting even while the value improves.
  assert.equal(
    await feed(new EarlyStopping({ monitor: 'loss', patience: 1, baseline: 0.5 }), 'loss', [0.9, 0.8, 0.7]),
    1,
  );
  assert.equal(await feed(new EarlyStopping({ monitor: 'loss', patience: 0 }), 'loss', [5, 5, 5, 5]), 1);
  assert.equal(
    await feed(new EarlyStopping({ monitor: 'loss', patience: 0, start_from_epoch: 2 }), 'loss', [5, 5, 5, 5]),
    3,
  );
});

test('EarlyStopping(restore_best_weights) restores the best epoch weights when it stops', async () => {
  await selectBackend('tfjs:cpu');
  const ctx = context();
  const cb = new EarlyStopping({ monitor: 'val_loss', patience: 1, restore_best_weights: true });
  const setTo = (v: number) => ctx.model.setWeights([tf.fill([1, 1], v), tf.fill([1], v)]);
  const stoppedAt = await feed(cb, 'val_loss', [1, 0.5, 0.7, 0.8], ctx, setTo);
  assert.equal(stoppedAt, 2);
  assert.equal(ctx.model.getWeights()[0]!.dataSync()[0], 1, 'weights of epoch 1 (0.5 was best)');
  // It says why it stopped and which weights it restored, in one structured event.
  const stop = ctx.events.find((e) => e.type === 'callback');
  assert.ok(stop?.type === 'callback');
  assert.match(describeCallback(stop), /did not improve.*restored the weights of epoch 2$/);
  cb.dispose();
});

test('ReduceLROnPlateau: factor, patience, cooldown and min_lr', async () => {
  const ctx = context();
  const cb = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 1, cooldown: 1, min_lr: 0.3 });
  const rates: number[] = [];
  await feed(cb, 'val_loss', [1, 1, 1, 1, 1], ctx, () => rates.push(ctx.optimizer.learningRate));
  rates.push(ctx.optimizer.learningRate);
  assert.deepEqual(rates, [1, 1, 0.5, 0.3, 0.3, 0.3]);
  assert.equal(ctx.events.filter((e) => e.type === 'callback' && e.action === 'reduceLearningRate').length, 2);

  const improving = context();
  await feed(new ReduceLROnPlateau({ monitor: 'val_loss', patience: 1 }), 'val_loss', [1, 0.9, 0.8, 0.7], improving);
  assert.equal(improving.optimizer.learningRate, 1);
});

test('a callback warns when its monitor is not in the logs', async () => {
  const ctx = context();
  await new EarlyStopping({ monitor: 'val_loss' }).onEpochEnd(0, { loss: 1 }, ctx);
  const log = ctx.events[0]!;
  assert.ok(
    log.type === 'log' &&
      log.level === 'warning' &&
      /'val_loss' is not in the logs \(available: loss\)/.test(log.message),
  );
});

test('CSVLogger writes epoch (0-based) and sorted keys, relative to the run folder', () => {
  const dir = tempDir();
  const cb = new CSVLogger({ filename: 'train.csv', separator: ';' }, dir);
  cb.onEpochEnd(0, { loss: 1.5, accuracy: 0.5 });
  cb.onEpochEnd(1, { loss: 1.25, accuracy: 0.75 });
  assert.equal(readFileSync(join(dir, 'train.csv'), 'utf8'), 'epoch;accuracy;loss\n0;0.5;1.5\n1;0.75;1.25\n');
});
