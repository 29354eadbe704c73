// Data-parallel training steps on WebAssembly. tfjs-backend-wasm 4.22 runs XNNPACK on one
// thread in Node (its thread pool never starts: tensorflow/tfjs#8513), so on a machine with more
// cores each batch is split into shards: the engine's thread computes the first, worker threads
// (each with its own wasm instance and a copy of the model) the others, and train.ts combines
// the gradients weighted by shard size, which is exactly the gradient of the whole batch's mean
// loss. Two independent wasm trainings measured 2 × 221 samples/s on this 2-core machine where
// one gets 223, so the shards scale.
//
// Only for models whose layers treat each sample on its own: BatchNormalization normalizes over
// the batch and activity penalties sum over it, so those models train on one thread. Dropout
// and noise layers draw from a generator each worker seeds per step from the run's seed, so a
// seeded run repeats for the same number of threads.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import { packageRoot } from '../../../common/package-root';
import type { RunSpec } from '../../protocol';
import { hasActivityRegularizers } from './activity';
import { selectBackend } from './backend';
import { batchGradients } from './gradients';
import { seedDropout } from './layers/dropout';
import { getLoss } from './losses';
import { getMetrics } from './metrics';
import { buildModel } from './model';

/** What a shard worker is started with (worker_threads workerData). */
export interface ShardWorkerData {
  role: 'shard';
  spec: Pick<RunSpec, 'model' | 'compile' | 'data'>;
  outputUnits: number;
}

interface ShardRequest {
  /** model.trainableWeights, in that order. */
  trainable: Float32Array[];
  /** model.nonTrainableWeights (frozen layers): sent with the first request only, since the
   *  models split this way (no BatchNormalization) never change them. */
  frozen?: Float32Array[];
  x: { data: Float32Array; shape: number[] };
  y: { data: Float32Array | Int32Array; shape: number[]; dtype: 'float32' | 'int32' };
  seed: number;
}

interface ShardResult {
  grads: Float32Array[];
  sums: number[];
}

type Reply = { type: 'ready' } | { type: 'result'; result: ShardResult } | { type: 'error'; message: string };

/** Below this many samples to train on (samples × epochs) the workers' start-up (a second or
 *  two) does not pay. */
const MIN_SAMPLES = 2048;

/** How many threads to train on: MODELSPEC_TFJS_THREADS, else the cores (at most 4). */
export function trainingThreads(env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.MODELSPEC_TFJS_THREADS);
  if (Number.isInteger(asked) && asked >= 1) return asked;
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Layers that reuse each weight many times per sample (over positions or time steps): their
 *  compute dwarfs the weight exchange. In a dense-only model the two are alike (measured: the
 *  digits MLP ran at the same speed on two threads as on one). */
const WEIGHT_REUSING = /^(Conv|SeparableConv|DepthwiseConv|LSTM|GRU|SimpleRNN|Bidirectional|TimeDistributed)/;

/** Why a model trains on one thread, or undefined when it can be split. */
export function singleThreadReason(
  model: tfl.LayersModel,
  samplesToTrain: number,
  threads: number,
): string | undefined {
  if (threads < 2) return 'one core';
  if (samplesToTrain < MIN_SAMPLES) return 'little data to train on';
  if (!model.layers.some((l) => WEIGHT_REUSING.test(l.getClassName())))
    return 'a dense-only model gains nothing from threads';
  if (model.layers.some((l) => l.getClassName() === 'BatchNormalization'))
    return 'BatchNormalization needs whole-batch statistics';
  if (hasActivityRegularizers(model)) return 'activity regularizers sum over the whole batch';
  return undefined;
}

export class ShardPool {
  private frozenSent = false;

  private constructor(
    private readonly workers: Worker[],
    /** Shards per batch: this thread's and one per worker. */
    readonly size: number,
  ) {}

  /** Starts `threads - 1` workers and waits until each has built the model. */
  static async start(spec: RunSpec, outputUnits: number, threads: number): Promise<ShardPool> {
    const script = join(packageRoot(), 'dist', 'engine-tfjs.cjs');
    const workerData: ShardWorkerData = {
      role: 'shard',
      spec: { model: spec.model, compile: spec.compile, data: spec.data },
      outputUnits,
    };
    const workers = Array.from({ length: threads - 1 }, () => new Worker(script, { workerData, stdout: true }));
    try {
      await Promise.all(workers.map((w) => reply(w)));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new ShardPool(workers, threads);
  }

  /** Near-equal shard sizes for a batch of n, the largest first (this thread's). */
  shardSizes(n: number): number[] {
    return Array.from({ length: this.size }, (_, i) => Math.floor(n / this.size) + (i < n % this.size ? 1 : 0));
  }

  /** Sends the current weights and a shard to each worker; resolves with their gradients. */
  compute(
    model: tfl.LayersModel,
    xs: tf.Tensor[],
    ys: tf.Tensor[],
    sizes: number[],
    seed: () => number,
  ): Promise<ShardResult[]> {
    // A worker's own weights are only initial values: send the current ones.
    const read = (ws: tfl.LayerVariable[]) => ws.map((w) => w.read().dataSync() as Float32Array);
    const trainable = read(model.trainableWeights);
    const frozen = this.frozenSent ? undefined : read(model.nonTrainableWeights);
    this.frozenSent = true;
    return Promise.all(
      this.workers.map((worker, k) => {
        const y = ys[k]!;
        const request: ShardRequest = {
          trainable,
          frozen,
          x: { data: xs[k]!.dataSync() as Float32Array, shape: [sizes[k]!, ...xs[k]!.shape.slice(1)] },
          y: {
            data: y.dataSync() as Float32Array | Int32Array,
            shape: y.shape,
            dtype: y.dtype === 'int32' ? 'int32' : 'float32',
          },
          seed: seed(),
        };
        const done = reply(worker).then((r) =>
          r.type === 'result' ? r.result : Promise.reject(new Error('a shard worker answered out of turn')),
        );
        worker.postMessage(request);
        return done;
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** The worker's next reply; a worker error or exit rejects with what happened. */
function reply(worker: Worker): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: Reply) => {
      cleanup();
      if (m.type === 'error') reject(new Error(`a training thread failed: ${m.message}`));
      else resolve(m);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(new Error(`a training thread failed: ${e.message}`));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`a training thread exited (code ${code})`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** The shard worker's side: build the model once, then answer each request with gradients. */
export async function runShardWorker(data: ShardWorkerData): Promise<void> {
  const port = parentPort!;
  try {
    await selectBackend('tfjs:wasm');
    const model = await buildModel(data.spec);
    const lossFn = getLoss(data.spec.compile.loss);
    const metrics = getMetrics(
      data.spec.compile.metrics,
      data.spec.compile.loss,
      data.spec.data.labelEncoding,
      data.outputUnits,
    );
    const write = (variables: tfl.LayerVariable[], values: Float32Array[]) =>
      variables.forEach((v, i) => v.write(tf.tensor(values[i]!, v.shape as number[])));
    port.on('message', (request: ShardRequest) => {
      try {
        seedDropout(request.seed);
        const tensors = tf.tidy(() => {
          if (request.frozen) write(model.nonTrainableWeights, request.frozen);
          write(model.trainableWeights, request.trainable);
          const x = tf.tensor(request.x.data, request.x.shape, 'float32');
          const y = tf.tensor(request.y.data, request.y.shape, request.y.dtype);
          const { grads, sums } = batchGradients(model, lossFn, metrics, x, y);
          return [...grads, tf.stack(sums)];
        });
        // Read outside tidy: it would walk the returned typed arrays element by element.
        const values = tensors.map((t) => t.dataSync() as Float32Array);
        tf.dispose(tensors);
        const result: ShardResult = { grads: values.slice(0, -1), sums: Array.from(values[values.length - 1]!) };
        // Transfer the gradients' buffers rather than copy them, where each array owns its buffer.
        const owned = result.grads
          .filter((g) => g.byteOffset === 0 && g.byteLength === g.buffer.byteLength)
          .map((g) => g.buffer as ArrayBuffer);
        port.postMessage({ type: 'result', result } satisfies Reply, owned.length === result.grads.length ? owned : []);
      } catch (e) {
        port.postMessage({ type: 'error', message: (e as Error).message ?? String(e) } satisfies Reply);
      }
    });
    port.postMessage({ type: 'ready' } satisfies Reply);
  } catch (e) {
    port.postMessage({ type: 'error', message: (e as Error).message ?? String(e) } satisfies Reply);
  }
}
