// The training loop: a custom step (tf.variableGrads + a Keras optimizer) so batching, events,
// callbacks and stopping are under our control. Emits the run protocol's events.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Metrics, RunSpec } from '../../protocol';
import { selectBackend, type BackendChoice } from './backend';
import { createCallbacks, EarlyStopping, type Logs, type TrainingContext } from './callbacks';
import { DataPipeline, epochOrder, type Split } from './data';
import { now, type Emit } from './events';
import { evaluateSplit, testReport } from './evaluate';
import { getLoss, isClassificationLoss, type LossFn } from './losses';
import { getMetrics, type MetricSpec } from './metrics';
import { buildModel, checkParams, countParams, inputShapeOf, loadInitialWeights, outputShapeOf } from './model';
import { fileIO } from './model-io';
import { createOptimizer, type KerasOptimizer } from './optimizers';
import { Random } from './random';

export interface StopSignal {
  requested: boolean;
  reason?: string;
}

export interface TrainOptions {
  emit: Emit;
  stop?: StopSignal;
  /** Parity mode: report the loss of the first (unshuffled) training batch in inference mode, then finish. */
  firstBatchLoss?: boolean;
  /** Minimum milliseconds between batch events after the first (default 100). */
  batchEventInterval?: number;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** One optimisation step; returns [loss sum over the batch, ...metric numerator/denominator sums]. */
function trainStep(model: tfl.LayersModel, optimizer: KerasOptimizer, lossFn: LossFn, metrics: MetricSpec[], x: tf.Tensor, y: tf.Tensor): tf.Tensor[] {
  return tf.tidy(() => {
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    let prediction: tf.Tensor | undefined;
    const { value, grads } = tf.variableGrads(() => {
      prediction = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
      const loss = tf.mean(lossFn(y, prediction));
      const regularization = model.calculateLosses();
      return (regularization.length ? tf.addN([loss, ...regularization]) : loss) as tf.Scalar;
    }, variables);
    optimizer.applyGradients(variables, variables.map((v) => grads[v.name]!));
    const batch = x.shape[0]!;
    const sums = [tf.mul(value, batch), ...metrics.flatMap((m) => m.fn(y, prediction!))].map((t) => tf.reshape(tf.cast(t, 'float32'), []));
    prediction!.dispose(); // kept out of variableGrads' scope for the metrics only
    return sums;
  });
}

function ratioMetrics(metrics: MetricSpec[], sums: ArrayLike<number>): Metrics {
  return Object.fromEntries(metrics.map((m, i) => [m.name, sums[1 + 2 * i]! / Math.max(1e-12, sums[2 + 2 * i]!)]));
}

export async function train(spec: RunSpec, options: TrainOptions): Promise<void> {
  const { emit } = options;
  const stop = options.stop ?? { requested: false };
  const startTime = performance.now();
  let epoch = 0;
  let batch = 0;
  let model: tfl.LayersModel | undefined;
  let optimizer: KerasOptimizer | undefined;
  const modelPath = join(spec.runDir, 'model.json');
  const save = async (dir: string) => {
    if (model) await model.save(fileIO(dir));
  };
  try {
    mkdirSync(spec.runDir, { recursive: true });
    const requested = spec.fit.backend === 'tfjs' ? 'auto' : spec.fit.backend;
    const choice: BackendChoice = await selectBackend(requested);
    const seed = spec.fit.seed;
    const random = new Random(seed ?? Date.now());
    model = await buildModel(spec, seed);
    checkParams(model, spec.expectedParams);
    if (spec.initialWeights) loadInitialWeights(model, spec.initialWeights);

    const data = new DataPipeline(spec.data, { input: inputShapeOf(model), output: outputShapeOf(model) });
    const lossFn = getLoss(spec.compile.loss);
    const metrics = getMetrics(spec.compile.metrics, spec.compile.loss, spec.data.labelEncoding, data.numClasses);
    optimizer = createOptimizer(spec.compile.optimizer.name, spec.compile.optimizer.args);
    const batchSize = spec.fit.batchSize;
    const train = data.train;
    const steps = Math.ceil(train.rows.length / batchSize);
    emit({
      type: 'started',
      time: now(),
      engine: 'tfjs',
      backend: choice.backend,
      device: choice.device,
      reason: choice.reason,
      params: countParams(model),
      samples: { train: train.rows.length, validation: data.validation?.rows.length ?? 0, test: data.test?.rows.length ?? 0 },
      epochs: spec.fit.epochs,
      batchSize,
      stepsPerEpoch: steps,
      runDir: spec.runDir,
      model: spec.modelName,
    });

    if (spec.fit.mixedPrecision) {
      emit({ type: 'log', level: 'info', message: 'mixed precision is not available in TensorFlow.js; training in float32' });
    }

    if (options.firstBatchLoss) {
      const first: Split = { ...train, rows: train.rows.subarray(0, batchSize) };
      const r = evaluateSplit(model, data, first, lossFn, metrics, batchSize);
      emit({ type: 'batch', epoch: 1, batch: 1, batches: steps, loss: r.loss, metrics: r.metrics, samplesPerSec: 0, time: 0 });
      emit({ type: 'finished', time: now(), epochs: 0, seconds: (performance.now() - startTime) / 1000, modelPath });
      return;
    }

    const callbacks = createCallbacks(spec.fit.callbacks, spec.runDir);
    const ctx: TrainingContext = { model, optimizer, runDir: spec.runDir, emit, save, stopTraining: false };
    // Reading values forces a sync; wasm and cpu run synchronously anyway, so read every batch
    // there (exact NaN reporting) and only at event time on the native backend.
    const readEveryBatch = choice.backend !== 'tensorflow';
    const interval = options.batchEventInterval ?? 100;
    let epochsDone = 0;

    for (epoch = 1; epoch <= spec.fit.epochs; epoch++) {
      const epochStart = performance.now();
      const order = epochOrder(train, spec.data.shuffle, random);
      let totals: tf.Tensor | undefined;
      let lastEvent = -Infinity;
      let seen = 0;
      for (batch = 1; batch <= steps; batch++) {
        const rows = order.subarray((batch - 1) * batchSize, Math.min(order.length, batch * batchSize));
        const parts = tf.tidy(() => trainStep(model!, optimizer!, lossFn, metrics, data.batchX(train, rows, true, random), data.batchY(train, rows)));
        const stacked = tf.stack(parts);
        tf.dispose(parts);
        const prev: tf.Tensor | undefined = totals;
        totals = prev ? tf.add(prev, stacked) : stacked.clone();
        tf.dispose([prev, stacked]);
        seen += rows.length;
        const t = performance.now();
        const eventDue = batch === 1 || t - lastEvent >= interval || batch === steps;
        if (readEveryBatch || eventDue) {
          const sums = totals.dataSync();
          const loss = sums[0]! / seen;
          if (!Number.isFinite(loss)) {
            throw Object.assign(new Error(`the loss became ${loss} at epoch ${epoch}, batch ${batch}: try a lower learning rate (now ${optimizer.learningRate})`), { nonFinite: true });
          }
          if (eventDue) {
            lastEvent = t;
            emit({ type: 'batch', epoch, batch, batches: steps, loss, metrics: ratioMetrics(metrics, sums), samplesPerSec: seen / ((t - epochStart) / 1000), time: (t - startTime) / 1000 });
          }
        }
        await yieldToEventLoop();
        if (stop.requested) break;
      }
      const sums = totals ? totals.dataSync() : new Float32Array(1 + 2 * metrics.length);
      tf.dispose(totals);
      if (stop.requested) break;
      const seconds = (performance.now() - epochStart) / 1000;
      const logs: Logs = { loss: sums[0]! / Math.max(1, seen), ...ratioMetrics(metrics, sums) };
      let valLoss: number | undefined;
      let valMetrics: Metrics | undefined;
      if (data.validation && data.validation.rows.length) {
        const v = evaluateSplit(model, data, data.validation, lossFn, metrics, batchSize);
        valLoss = v.loss;
        valMetrics = v.metrics;
        logs['val_loss'] = v.loss;
        for (const [k, value] of Object.entries(v.metrics)) logs[`val_${k}`] = value;
      }
      const learningRate = optimizer.learningRate;
      for (const cb of callbacks) await cb.onEpochEnd(epoch - 1, logs, ctx);
      const { loss, val_loss: _v, learning_rate: _lr, ...rest } = logs;
      const trainMetrics = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('val_')));
      emit({ type: 'epoch', epoch, epochs: spec.fit.epochs, loss: loss!, metrics: trainMetrics, valLoss, valMetrics, learningRate, seconds, samplesPerSec: seen / seconds });
      epochsDone = epoch;
      if (ctx.stopTraining) {
        emit({ type: 'log', level: 'info', message: ctx.stopReason ?? 'a callback stopped training' });
        break;
      }
    }
    for (const cb of callbacks) if (cb instanceof EarlyStopping) cb.dispose();

    if (stop.requested) {
      await save(spec.runDir);
      emit({ type: 'stopped', time: now(), reason: stop.reason ?? 'stop requested', epoch: Math.min(epoch, spec.fit.epochs), modelPath });
      return;
    }
    if (data.test && data.test.rows.length) {
      const classify = isClassificationLoss(spec.compile.loss);
      const r = evaluateSplit(model, data, data.test, lossFn, metrics, batchSize, classify);
      emit(testReport(r, data, data.test));
    }
    await save(spec.runDir);
    emit({ type: 'finished', time: now(), epochs: epochsDone, seconds: (performance.now() - startTime) / 1000, modelPath });
  } catch (e) {
    const err = e as Error & { nonFinite?: boolean };
    emit({
      type: 'failed',
      time: now(),
      message: err.message ?? String(e),
      ...(epoch > 0 ? { epoch } : {}),
      ...(epoch > 0 && batch > 0 ? { batch } : {}),
    });
  } finally {
    optimizer?.dispose();
    model?.dispose();
  }
}
