// Which models train data-parallel on WebAssembly threads: only those whose layers treat each
// sample on its own and reuse their weights enough for the split to pay (the end-to-end check
// that two threads follow the one-thread run is in train.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectBackend } from '../../../training/engines/tfjs/backend';
import { buildModel } from '../../../training/engines/tfjs/model';
import { singleThreadReason, trainingThreads } from '../../../training/engines/tfjs/parallel';
import { layer, MLP_LAYERS } from './helpers';
import type { KerasLayerConfig } from '../../../language/catalog/types';

const input = layer('InputLayer', { batch_shape: [null, 28, 28, 1], dtype: 'float32', name: 'input' });
const conv = layer('Conv2D', { name: 'conv2d', filters: 4, kernel_size: [3, 3] });
const head = [
  layer('Flatten', { name: 'flatten' }),
  layer('Dense', { name: 'dense', units: 10, activation: 'softmax' }),
];
const reason = async (layers: KerasLayerConfig[], samples = 10_000, threads = 2) => {
  await selectBackend('tfjs:wasm');
  const model = await buildModel({ model: { class_name: 'Sequential', config: { name: 'm', layers } } });
  try {
    return singleThreadReason(model, samples, threads);
  } finally {
    model.dispose();
  }
};

test('convolutional models split their batches over the threads', async () => {
  assert.equal(await reason([input, conv, ...head]), undefined);
});

test('and these train on one thread, saying why', async () => {
  assert.equal(await reason([input, conv, ...head], 10_000, 1), 'one core');
  assert.equal(await reason([input, conv, ...head], 500), 'little data to train on');
  assert.equal(await reason(MLP_LAYERS), 'a dense-only model gains nothing from threads');
  assert.match(
    (await reason([input, conv, layer('BatchNormalization', { name: 'bn' }), ...head]))!,
    /BatchNormalization needs whole-batch statistics/,
  );
  const regularized = layer('Conv2D', {
    name: 'conv2d',
    filters: 4,
    kernel_size: [3, 3],
    activity_regularizer: { class_name: 'L2', config: { l2: 0.01 } },
  });
  assert.match((await reason([input, regularized, ...head]))!, /activity regularizers sum over the whole batch/);
});

test('MODELSPEC_TFJS_THREADS sets the thread count; otherwise the cores, at most 4', () => {
  assert.equal(trainingThreads({ MODELSPEC_TFJS_THREADS: '1' }), 1);
  assert.equal(trainingThreads({ MODELSPEC_TFJS_THREADS: '3' }), 3);
  const auto = trainingThreads({});
  assert.ok(auto >= 1 && auto <= 4);
});
