// The learning-rate range test on the TF.js engine (RunSpec mode 'lr-find'). The rule — the
// schedule, the smoothed loss and when to stop — is training/lr-find.ts, shared with the launcher;
// this is the loop: one optimisation step per batch at the scheduled learning rate, from the
// freshly built model's initial weights (nothing is saved, so the run's weights are untouched).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { learningRateAt, RangeTestTracker } from '../../lr-find';
import type { RunSpec } from '../../protocol';
import { applyConstraints } from './constraints';
import type { DataPipeline } from './data';
import { epochOrder } from './data';
import { now, type Emit } from './events';
import { batchGradients } from './gradients';
import type { LossFn } from './losses';
import type { KerasOptimizer } from './optimizers';
import type { Random } from './random';

export interface RangeTestContext {
  spec: RunSpec;
  model: tfl.LayersModel;
  optimizer: KerasOptimizer;
  data: DataPipeline;
  lossFn: LossFn;
  random: Random;
  emit: Emit;
  stop: { requested: boolean; reason?: string };
  startTime: number;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

export async function rangeTest(c: RangeTestContext): Promise<void> {
  const settings = c.spec.lrFind;
  if (!settings) throw new Error("mode 'lr-find' needs the RunSpec's lrFind settings");
  const tracker = new RangeTestTracker(settings);
  const train = c.data.train;
  const batchSize = c.spec.fit.batchSize;
  const perEpoch = Math.max(1, Math.ceil(train.rows.length / batchSize));
  let order = epochOrder(train, c.spec.data.shuffle, c.random);
  let reason = `reached the end of the range (${settings.endLearningRate})`;
  for (let step = 0; step < settings.steps; step++) {
    if (c.stop.requested) {
      reason = c.stop.reason ?? 'stop requested';
      break;
    }
    const b = step % perEpoch;
    // The data cycled: a new order, as a new epoch would have.
    if (b === 0 && step > 0) order = epochOrder(train, c.spec.data.shuffle, c.random);
    const lr = learningRateAt(settings, step);
    c.optimizer.learningRate = lr;
    const rows = order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
    const lossSum = tf.tidy(() => {
      const { grads, sums } = batchGradients(c.model, c.lossFn, [], ...c.data.trainBatch(train, rows, c.random));
      const variables = c.model.trainableWeights.map((w) => w.read() as tf.Variable);
      c.optimizer.applyGradients(variables, grads);
      applyConstraints(c.model);
      return sums[0]!;
    });
    const loss = lossSum.dataSync()[0]! / rows.length;
    lossSum.dispose();
    const smoothedLoss = tracker.add(loss);
    c.emit({ type: 'lr_point', step: step + 1, learningRate: lr, loss, smoothedLoss });
    const why = tracker.divergence(smoothedLoss);
    if (why) {
      reason = `stopped at learning rate ${lr.toPrecision(3)}: ${why}`;
      break;
    }
    await yieldToEventLoop(); // lets SIGINT and stdin's stop line arrive between batches
  }
  c.emit({ type: 'log', level: 'info', message: `learning-rate range test: ${reason}` });
  c.emit({
    type: 'finished',
    time: now(),
    epochs: 0,
    seconds: (performance.now() - c.startTime) / 1000,
    modelPath: '',
  });
}
