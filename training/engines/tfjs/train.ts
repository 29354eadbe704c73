// The training loop: a custom step (tf.variableGrads + a Keras optimizer) so batching, events,
// callbacks and stopping are under our control. Emits the run protocol's events.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { makeDirs } from '../../files';
import { join } from 'node:path';
import type { Metrics, RunSpec } from '../../protocol';
import { selectBackend, type BackendChoice } from './backend';
import { createCallbacks, EarlyStopping, type Logs, type TrainingContext } from './callbacks';
import { DataPipeline, epochOrder, type Split } from './data';
import { now, type Emit } from './events';
import { evaluateSplit, evaluateTest } from './evaluate';
import { getLoss, type LossFn } from './losses';
import { getMetrics, type MetricSpec } from './metrics';
import {
  buildModel,
  checkParams,
  countParams,
  inputShapeOf,
  loadInitialWeights,
  loadLayerWeights,
  loadAdaptedWeights,
  outputShapeOf,
} from './model';
import { fileIO } from './model-io';
import { createOptimizer, type KerasOptimizer } from './optimizers';
import { Random } from './random';
import { seedDropout } from './layers/dropout';
import { applyConstraints } from './constraints';
import { batchGradients } from './gradients';
import { rangeTest } from './lr-find';
import { ShardPool, singleThreadReason, trainingThreads } from './parallel';

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
function trainStep(
  model: tfl.LayersModel,
  optimizer: KerasOptimizer,
  lossFn: LossFn,
  metrics: MetricSpec[],
  x: tf.Tensor,
  y: tf.Tensor,
): tf.Tensor[] {
  return tf.tidy(() => {
    const { grads, sums } = batchGradients(model, lossFn, metrics, x, y);
    applyUpdate(model, optimizer, grads);
    return sums;
  });
}

function applyUpdate(model: tfl.LayersModel, optimizer: KerasOptimizer, grads: tf.Tensor[]): void {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  optimizer.applyGradients(variables, grads);
  applyConstraints(model); // as Keras's optimizers do after each update
}

/**
 * The same step with the batch split over this thread and the shard workers: each computes the
 * gradient of its shard's mean loss; weighted by shard size, they sum to the whole batch's.
 */
async function parallelTrainStep(c: EpochContext, pool: ShardPool, x: tf.Tensor, y: tf.Tensor): Promise<tf.Tensor[]> {
  const sizes = pool.shardSizes(x.shape[0]!);
  const xs = tf.split(x, sizes);
  const ys = tf.split(y, sizes);
  try {
    const remote = pool.compute(c.model, xs.slice(1), ys.slice(1), sizes.slice(1), () => c.random.int());
    const [localGrads, localSums] = tf.tidy(() => {
      const g = batchGradients(c.model, c.lossFn, c.metrics, xs[0]!, ys[0]!);
      return [g.grads, g.sums];
    });
    const local = { grads: localGrads!, sums: localSums! };
    const shards = await remote;
    return tf.tidy(() => {
      const n = x.shape[0]!;
      const grads = local.grads.map((g, i) =>
        tf.addN([
          tf.mul(g, sizes[0]! / n),
          ...shards.map((s, k) => tf.mul(tf.tensor(s.grads[i]!, g.shape), sizes[k + 1]! / n)),
        ]),
      );
      applyUpdate(c.model, c.optimizer, grads);
      tf.dispose([...local.grads]);
      const sums = local.sums.map((t, j) =>
        tf.add(
          t,
          shards.reduce((a, s) => a + s.sums[j]!, 0),
        ),
      );
      tf.dispose(local.sums);
      return sums;
    });
  } finally {
    tf.dispose([...xs, ...ys]);
  }
}

function ratioMetrics(metrics: MetricSpec[], sums: ArrayLike<number>): Metrics {
  return Object.fromEntries(metrics.map((m, i) => [m.name, sums[1 + 2 * i]! / Math.max(1e-12, sums[2 + 2 * i]!)]));
}

/** What one epoch of training needs. */
interface EpochContext {
  spec: RunSpec;
  model: tfl.LayersModel;
  optimizer: KerasOptimizer;
  data: DataPipeline;
  lossFn: LossFn;
  metrics: MetricSpec[];
  random: Random;
  emit: Emit;
  stop: StopSignal;
  startTime: number;
  /** Read the running sums after every batch (exact NaN reporting) rather than only for events. */
  readEveryBatch: boolean;
  eventInterval: number;
  /** Shard workers for data-parallel steps on WebAssembly (parallel.ts), when they pay. */
  pool?: ShardPool;
}

/**
 * Trains one epoch, emitting throttled batch events (the first at once). Returns the summed
 * loss and metric parts and the number of samples seen; stops early when a stop is requested.
 */
async function trainEpoch(
  c: EpochContext,
  epoch: number,
): Promise<{ sums: Float32Array; seen: number; seconds: number }> {
  const { spec, data, metrics } = c;
  const train = data.train;
  const batchSize = spec.fit.batchSize;
  const steps = Math.ceil(train.rows.length / batchSize);
  const epochStart = performance.now();
  const order = epochOrder(train, spec.data.shuffle, c.random);
  let totals = tf.zeros([1 + 2 * metrics.length]);
  let lastEvent = -Infinity;
  let seen = 0;
  for (let batch = 1; batch <= steps; batch++) {
    const rows = order.subarray((batch - 1) * batchSize, Math.min(order.length, batch * batchSize));
    let next: tf.Tensor;
    if (c.pool && rows.length >= 2 * c.pool.size) {
      const [x, y] = data.trainBatch(train, rows, c.random);
      const parts = await parallelTrainStep(c, c.pool, x, y);
      tf.dispose([x, y]);
      next = tf.tidy(() => tf.add(totals, tf.stack(parts)));
      tf.dispose(parts);
    } else {
      next = tf.tidy(() => {
        const parts = trainStep(c.model, c.optimizer, c.lossFn, metrics, ...data.trainBatch(train, rows, c.random));
        return tf.add(totals, tf.stack(parts));
      });
    }
    totals.dispose();
    totals = next;
    seen += rows.length;
    const t = performance.now();
    const eventDue = batch === 1 || t - lastEvent >= c.eventInterval || batch === steps;
    if (c.readEveryBatch || eventDue) {
      const sums = totals.dataSync();
      const loss = sums[0]! / seen;
      if (!Number.isFinite(loss)) {
        throw new RunError(
          `the loss became ${loss} at epoch ${epoch}, batch ${batch}: try a lower learning rate (now ${c.optimizer.learningRate})`,
          epoch,
          batch,
        );
      }
      if (eventDue) {
        lastEvent = t;
        c.emit({
          type: 'batch',
          epoch,
          batch,
          batches: steps,
          loss,
          metrics: ratioMetrics(metrics, sums),
          samplesPerSec: seen / ((t - epochStart) / 1000),
          time: (t - c.startTime) / 1000,
        });
      }
    }
    // Lets SIGINT and stdin's stop line arrive between batches.
    await yieldToEventLoop();
    if (c.stop.requested) break;
  }
  const sums = totals.dataSync() as Float32Array;
  totals.dispose();
  return { sums, seen, seconds: (performance.now() - epochStart) / 1000 };
}

/** A failure that knows where in training it happened. */
class RunError extends Error {
  constructor(
    message: string,
    readonly epoch: number,
    readonly batch: number,
  ) {
    super(message);
  }
}

export async function train(spec: RunSpec, options: TrainOptions): Promise<void> {
  const { emit } = options;
  const stop = options.stop ?? { requested: false };
  const startTime = performance.now();
  let epoch = 0;
  let model: tfl.LayersModel | undefined;
  let optimizer: KerasOptimizer | undefined;
  let pool: ShardPool | undefined;
  const modelPath = join(spec.runDir, 'model.json');
  const save = async (dir: string) => {
    if (model) await model.save(fileIO(dir));
  };
  try {
    makeDirs(spec.runDir);
    // Data-parallel replicas are the torch engine's (DistributedDataParallel); this engine's own
    // data-parallel threads (parallel.ts) split each batch inside one process.
    const replicas = spec.fit.devices * spec.fit.nnodes;
    if (replicas > 1) {
      throw new Error(
        `devices: ${replicas} needs the torch engine (PyTorch DistributedDataParallel); the tfjs engine trains on one device. Use backend: 'torch', or devices: 1`,
      );
    }
    const requested = spec.fit.backend === 'tfjs' ? 'auto' : spec.fit.backend;
    const choice: BackendChoice = await selectBackend(requested);
    const seed = spec.fit.seed;
    const random = new Random(seed ?? Date.now());
    seedDropout(random.int());
    model = await buildModel(spec, seed);
    checkParams(model, spec.expectedParams);
    for (const part of spec.layerWeights ?? []) loadLayerWeights(model, part);
    if (spec.initialWeights) loadInitialWeights(model, spec.initialWeights);
    if (spec.adapted) loadAdaptedWeights(model, spec.adapted);

    const data = new DataPipeline(spec.data, { input: inputShapeOf(model), output: outputShapeOf(model) });
    const lossFn = getLoss(spec.compile.loss);
    const metrics = getMetrics(spec.compile.metrics, spec.compile.loss, spec.data.labelEncoding, data.numClasses);
    optimizer = createOptimizer(spec.compile.optimizer.name, spec.compile.optimizer.args);
    const batchSize = spec.fit.batchSize;
    const train = data.train;
    const steps = Math.ceil(train.rows.length / batchSize);
    let device = choice.device;
    const threadNotes: string[] = [];
    if (choice.backend === 'wasm' && spec.mode !== 'evaluate' && spec.mode !== 'lr-find' && !options.firstBatchLoss) {
      const threads = trainingThreads();
      const why = singleThreadReason(model, train.rows.length * spec.fit.epochs, threads);
      if (why) {
        if (threads > 1) threadNotes.push(`training on one thread: ${why}`);
      } else {
        try {
          pool = await ShardPool.start(spec, data.numClasses, threads);
          device = device.replace('1 thread', `${threads} threads`);
          threadNotes.push(
            `data-parallel: each batch is split over ${threads} WebAssembly threads (MODELSPEC_TFJS_THREADS=1 trains on one)`,
          );
        } catch (e) {
          threadNotes.push(`could not start the training threads (${(e as Error).message}); training on one thread`);
        }
      }
    }
    emit({
      type: 'started',
      time: now(),
      engine: 'tfjs',
      backend: choice.backend,
      device,
      // Why this engine was chosen (by the launcher), then why this backend (here).
      reason: spec.fit.engineReason ? `${spec.fit.engineReason}; ${choice.reason}` : choice.reason,
      params: countParams(model),
      samples: {
        train: train.rows.length,
        validation: data.validation?.rows.length ?? 0,
        test: data.test?.rows.length ?? 0,
      },
      epochs: spec.fit.epochs,
      batchSize,
      stepsPerEpoch: steps,
      runDir: spec.runDir,
      model: spec.modelName,
    });

    for (const message of threadNotes) emit({ type: 'log', level: 'info', message });
    if (spec.fit.mixedPrecision) {
      emit({
        type: 'log',
        level: 'info',
        message: 'mixed precision is not available in TensorFlow.js; training in float32',
      });
    }

    if (spec.mode === 'evaluate') {
      // `modelspec evaluate`: the loaded weights on the test split; nothing trained or saved.
      if (!data.test || !data.test.rows.length)
        throw new Error('there is no test data to evaluate on; add test: to the data block');
      emit(evaluateTest(model, data, data.test, lossFn, metrics, batchSize, spec.data.task));
      emit({
        type: 'finished',
        time: now(),
        epochs: 0,
        seconds: (performance.now() - startTime) / 1000,
        modelPath: '',
      });
      return;
    }

    if (spec.mode === 'lr-find') {
      await rangeTest({ spec, model, optimizer, data, lossFn, random, emit, stop, startTime });
      return;
    }

    if (options.firstBatchLoss) {
      const first: Split = { ...train, rows: train.rows.subarray(0, batchSize) };
      const r = evaluateSplit(model, data, first, lossFn, metrics, batchSize);
      emit({
        type: 'batch',
        epoch: 1,
        batch: 1,
        batches: steps,
        loss: r.loss,
        metrics: r.metrics,
        samplesPerSec: 0,
        time: 0,
      });
      emit({ type: 'finished', time: now(), epochs: 0, seconds: (performance.now() - startTime) / 1000, modelPath });
      return;
    }

    const callbacks = createCallbacks(spec.fit.callbacks, spec.runDir);
    const ctx: TrainingContext = { model, optimizer, runDir: spec.runDir, emit, save, stopTraining: false };
    const epochContext: EpochContext = {
      spec,
      model,
      optimizer,
      data,
      lossFn,
      metrics,
      random,
      emit,
      stop,
      startTime,
      // Reading values forces a sync; wasm and cpu run synchronously anyway.
      readEveryBatch: choice.backend !== 'tensorflow',
      eventInterval: options.batchEventInterval ?? 100,
      pool,
    };
    let epochsDone = 0;

    for (epoch = 1; epoch <= spec.fit.epochs; epoch++) {
      const { sums, seen, seconds } = await trainEpoch(epochContext, epoch);
      if (stop.requested) break;
      // Keras's logs: loss, metrics, then val_ versions; callbacks read and may extend them.
      const logs: Logs = { loss: sums[0]! / Math.max(1, seen), ...ratioMetrics(metrics, sums) };
      let validation: { loss: number; metrics: Metrics } | undefined;
      if (data.validation?.rows.length) {
        validation = evaluateSplit(model, data, data.validation, lossFn, metrics, batchSize);
        logs['val_loss'] = validation.loss;
        for (const [k, value] of Object.entries(validation.metrics)) logs[`val_${k}`] = value;
      }
      const learningRate = optimizer.learningRate;
      emit({
        type: 'epoch',
        epoch,
        epochs: spec.fit.epochs,
        loss: logs['loss']!,
        metrics: ratioMetrics(metrics, sums),
        valLoss: validation?.loss,
        valMetrics: validation?.metrics,
        learningRate,
        seconds,
        samplesPerSec: seen / seconds,
      });
      // After the epoch's event, as the PyTorch engine does: a callback's events (checkpoint,
      // callback) follow the epoch they are about.
      for (const cb of callbacks) await cb.onEpochEnd(epoch - 1, logs, ctx);
      epochsDone = epoch;
      if (ctx.stopTraining) break;
    }
    for (const cb of callbacks) if (cb instanceof EarlyStopping) cb.dispose();

    if (stop.requested) {
      await save(spec.runDir);
      emit({
        type: 'stopped',
        time: now(),
        reason: stop.reason ?? 'stop requested',
        epoch: Math.min(epoch, spec.fit.epochs),
        modelPath,
      });
      return;
    }
    if (data.test?.rows.length) {
      emit(evaluateTest(model, data, data.test, lossFn, metrics, batchSize, spec.data.task));
    }
    await save(spec.runDir);
    emit({
      type: 'finished',
      time: now(),
      epochs: epochsDone,
      seconds: (performance.now() - startTime) / 1000,
      modelPath,
    });
  } catch (e) {
    const where =
      e instanceof RunError
        ? { epoch: e.epoch, batch: e.batch }
        : epoch > 0
          ? { epoch: Math.min(epoch, spec.fit.epochs) }
          : {};
    emit({ type: 'failed', time: now(), message: (e as Error).message ?? String(e), ...where });
  } finally {
    await pool?.close();
    optimizer?.dispose();
    model?.dispose();
  }
}
