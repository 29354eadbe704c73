// Each layer case (test/fixtures/layer-cases.ts) whose layer the catalog says TF.js runs, lowered
// as the checker lowers it, builds in TF.js with the catalog's output shape and parameter count
// (which the catalog test checks against Keras's own numbers), and takes one training step on the
// WebAssembly backend (so every gradient kernel exists).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../training/engines/tfjs/backend';
import { buildModel, countParams, regularizationLosses } from '../../../training/engines/tfjs/model';
import { createOptimizer } from '../../../training/engines/tfjs/optimizers';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileIO } from '../../../training/engines/tfjs/model-io';
import { layer, tempDir } from './helpers';
import { kerasLayer } from '../../helpers/keras-defaults';
import { layerClassesFor, optimizerArgs } from '../../../language/catalog';
import type { RunSpec } from '../../../training/protocol';
import { engineCases, expected, loweredCase } from '../../fixtures/layer-cases';

before(async () => {
  await selectBackend('tfjs:wasm');
});

const CASES = engineCases('tfjs');

test('every Keras class the catalog says the tfjs engine runs has a case in test/fixtures/layer-cases.ts', () => {
  const covered = new Set(CASES.map((c) => c.layer));
  assert.deepEqual(
    layerClassesFor('tfjs').filter((name) => !covered.has(name)),
    [],
  );
});

for (const c of CASES) {
  const want = expected(c);
  test(
    `${c.name}: the catalog's shape ${JSON.stringify([null, ...want.output])} and ${want.total} params, trains on wasm`,
    { todo: c.gaps?.tfjs },
    async () => {
      const model = await buildModel({ model: loweredCase(c) as RunSpec['model'] }, 3);
      try {
        assert.deepEqual(model.outputs[0]!.shape, [null, ...want.output]);
        const counts = countParams(model);
        assert.equal(counts.total, want.total);
        assert.equal(counts.nonTrainable, want.nonTrainable);
        if (c.keras)
          assert.deepEqual(
            [counts.total, counts.nonTrainable],
            [c.keras.params, c.keras.nonTrainable ?? 0],
            "Keras's own numbers",
          );
        if (counts.trainable === 0) return;
        const x =
          c.layer === 'Embedding'
            ? tf.randomUniform([2, ...c.input], 0, 100, 'int32')
            : tf.randomNormal([2, ...c.input]);
        const optimizer = createOptimizer('SGD', optimizerArgs('SGD', { learning_rate: 0.1 }));
        const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
        const before = variables.map((v) => v.clone());
        const { grads, value } = tf.variableGrads(
          () => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, 1))) as tf.Scalar,
          variables,
        );
        optimizer.applyGradients(
          variables,
          variables.map((v) => grads[v.name]!),
        );
        assert.ok(Number.isFinite(value.dataSync()[0]));
        const changed = variables.some((v, i) => tf.any(tf.notEqual(v, before[i]!)).dataSync()[0] === 1);
        assert.ok(changed, 'a training step changes the weights');
        tf.dispose([x, value, ...before, ...Object.values(grads)]);
        optimizer.dispose();
      } finally {
        model.dispose();
      }
    },
  );
}

test("GRU(reset_after=True) computes Keras's equations", async () => {
  const layers = [
    layer('InputLayer', { batch_shape: [null, 3, 2] }),
    layer('GRU', { name: 'g', units: 2, reset_after: true, activation: 'tanh', recurrent_activation: 'sigmoid' }),
  ];
  const model = await buildModel({ model: { class_name: 'Sequential', config: { name: 'm', layers } } });
  const seq = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + k) * 0.5);
  const kernel = seq(12, 1); // [2, 6]
  const recurrent = seq(12, 2); // [2, 6]
  const bias = seq(12, 3); // [2, 6]
  model.setWeights([tf.tensor2d(kernel, [2, 6]), tf.tensor2d(recurrent, [2, 6]), tf.tensor2d(bias, [2, 6])]);
  const xs = seq(6, 4); // one sample, 3 steps of 2 features
  const got = (model.predict(tf.tensor3d(xs, [1, 3, 2])) as tf.Tensor).dataSync();
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const dot = (v: number[], m: number[], col: number) => v.reduce((a, vi, i) => a + vi * m[i * 6 + col]!, 0);
  let h = [0, 0];
  for (let t = 0; t < 3; t++) {
    const x = xs.slice(t * 2, t * 2 + 2);
    const mx = Array.from({ length: 6 }, (_, c) => dot(x, kernel, c) + bias[c]!);
    const mh = Array.from({ length: 6 }, (_, c) => dot(h, recurrent, c) + bias[6 + c]!);
    h = [0, 1].map((u) => {
      const z = sigmoid(mx[u]! + mh[u]!);
      const r = sigmoid(mx[2 + u]! + mh[2 + u]!);
      const hh = Math.tanh(mx[4 + u]! + r * mh[4 + u]!);
      return z * h[u]! + (1 - z) * hh;
    });
  }
  h.forEach((v, i) => assert.ok(Math.abs(v - got[i]!) < 1e-5, `${v} vs ${got[i]}`));
  model.dispose();
});

test("hard_sigmoid is Keras 3's relu6(x + 3) / 6 and LeakyReLU reads negative_slope", async () => {
  const layers = [
    layer('InputLayer', { batch_shape: [null, 3] }),
    layer('Activation', { name: 'a', activation: 'hard_sigmoid' }),
    layer('LeakyReLU', { name: 'l', negative_slope: 0.3 }),
  ];
  const model = await buildModel({ model: { class_name: 'Sequential', config: { name: 'm', layers } } });
  const out = (model.predict(tf.tensor2d([[-4, 0, 1.5]])) as tf.Tensor).dataSync();
  assert.deepEqual(
    Array.from(out).map((v) => Math.round(v * 1e6) / 1e6),
    [0, 0.5, 0.75],
  );
  const leaky = await buildModel({
    model: {
      class_name: 'Sequential',
      config: {
        name: 'm2',
        layers: [
          layer('InputLayer', { batch_shape: [null, 1] }),
          layer('LeakyReLU', { name: 'l', negative_slope: 0.3 }),
        ],
      },
    },
  });
  assert.ok(Math.abs((leaky.predict(tf.tensor2d([[-2]])) as tf.Tensor).dataSync()[0]! + 0.6) < 1e-6);
  model.dispose();
  leaky.dispose();
});

test("keras.activations.leaky_relu (negative_slope 0.2) and log_softmax (axis -1) compute Keras's formulas", async () => {
  const layers = [
    layer('InputLayer', { batch_shape: [null, 3] }),
    layer('Activation', { name: 'l', activation: 'leaky_relu' }),
    layer('Activation', { name: 's', activation: 'log_softmax' }),
  ];
  const model = await buildModel({ model: { class_name: 'Sequential', config: { name: 'm', layers } } });
  const x = [-2, 0.5, 3];
  const leaky = x.map((v) => (v > 0 ? v : 0.2 * v));
  const logSumExp = Math.log(leaky.reduce((sum, v) => sum + Math.exp(v), 0));
  const out = Array.from((model.predict(tf.tensor2d([x])) as tf.Tensor).dataSync());
  out.forEach((v, i) =>
    assert.ok(Math.abs(v - (leaky[i]! - logSumExp)) < 1e-5, `${out} vs ${leaky.map((l) => l - logSumExp)}`),
  );
  model.dispose();
});

test("Reshape infers one -1 while building, as Keras 3 (TF.js's leaves it unknown and the next layer fails)", async () => {
  const layers = [
    layer('InputLayer', { batch_shape: [null, 56] }),
    layer('Reshape', { name: 'r', target_shape: [4, -1, 7] }),
    layer('Flatten', { name: 'f' }),
    layer('Dense', { name: 'd', units: 2 }),
  ];
  const model = await buildModel({ model: { class_name: 'Sequential', config: { name: 'm', layers } } });
  assert.deepEqual(model.getLayer('r').outputShape, [null, 4, 2, 7]); // 56 / (4 · 7) = 2
  assert.equal(countParams(model).trainable, 56 * 2 + 2);
  assert.deepEqual((model.getLayer('r').getConfig() as { targetShape: number[] }).targetShape, [4, -1, 7]);
  const y = model.predict(tf.ones([3, 56])) as tf.Tensor;
  assert.deepEqual(y.shape, [3, 2]);
  model.dispose();
});

test("Keras 3's to_json format (InputLayer, dtype policies, module keys, regularizer classes) builds", async () => {
  const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const init = (class_name: string) => ({
    module: 'keras.initializers',
    class_name,
    config: { seed: null },
    registered_name: null,
  });
  const layers = [
    {
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: { batch_shape: [null, 8], dtype: 'float32', sparse: false, name: 'input_layer' },
      registered_name: null,
    },
    {
      module: 'keras.layers',
      class_name: 'Dense',
      config: {
        name: 'dense',
        trainable: true,
        dtype: policy,
        units: 4,
        activation: 'relu',
        use_bias: true,
        kernel_initializer: init('GlorotUniform'),
        bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
        kernel_regularizer: {
          module: 'keras.regularizers',
          class_name: 'L2',
          config: { l2: 0.01 },
          registered_name: null,
        },
        bias_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
      build_config: { input_shape: [null, 8] },
      registered_name: null,
    },
  ];
  const model = await buildModel(
    { model: { class_name: 'Sequential', config: { name: 'k3', layers: layers as never } } },
    1,
  );
  assert.deepEqual(model.outputs[0]!.shape, [null, 4]);
  assert.equal(countParams(model).total, 36);
  // The L2 regularizer contributes 0.01 * sum(kernel^2) to the loss.
  const kernel = model.getWeights()[0]!;
  const expected = 0.01 * tf.sum(tf.square(kernel)).dataSync()[0]!;
  const losses = regularizationLosses(model);
  assert.equal(losses.length, 1);
  assert.ok(Math.abs(losses[0]!.dataSync()[0]! - expected) < 1e-6);
  model.dispose();
});

test('Dropout and SpatialDropout2D: masks in training only, scaled by 1/(1-rate), whole feature maps for Spatial', async () => {
  const build = async (cls: string) =>
    buildModel({
      model: {
        class_name: 'Sequential',
        config: {
          name: 'm',
          layers: [layer('InputLayer', { batch_shape: [null, 4, 4, 8] }), layer(cls, { name: 'd', rate: 0.25 })],
        },
      },
    });
  const x = tf.ones([16, 4, 4, 8]);
  const dropout = await build('Dropout');
  const y = (dropout.apply(x, { training: true }) as tf.Tensor).dataSync();
  const zeros = y.filter((v) => v === 0).length / y.length;
  assert.ok(Math.abs(zeros - 0.25) < 0.04, `dropped ${zeros}`);
  assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
  assert.ok(
    (dropout.apply(x, { training: false }) as tf.Tensor).dataSync().every((v) => v === 1),
    'identity in inference',
  );
  const spatial = await build('SpatialDropout2D');
  const s = (spatial.apply(x, { training: true }) as tf.Tensor).arraySync() as number[][][][];
  for (const sample of s)
    for (let c = 0; c < 8; c++) {
      const channel = sample.flatMap((row) => row.map((px) => px[c]!));
      assert.ok(
        channel.every((v) => v === channel[0]),
        'a feature map is kept or dropped whole',
      );
    }
  dropout.dispose();
  spatial.dispose();
});

test('a model with custom layers saves and reloads with tf.loadLayersModel, predicting the same', async () => {
  const layers = [
    layer('InputLayer', { batch_shape: [null, 6, 3] }),
    layer('UpSampling1D', { name: 'up', size: 2 }),
    layer('ZeroPadding1D', { name: 'pad', padding: [1, 2] }),
    layer('GRU', { name: 'gru', units: 4, reset_after: true, return_sequences: true }),
    layer('SpatialDropout1D', { name: 'sd', rate: 0.3 }),
    layer('LSTM', { name: 'lstm', units: 3 }),
    layer('Dense', { name: 'out', units: 2, activation: 'hard_sigmoid' }),
  ];
  const model = await buildModel({ model: { class_name: 'Sequential', config: { name: 'custom', layers } } }, 4);
  const dir = join(tempDir(), 'saved');
  await model.save(fileIO(dir));
  const reloaded = await tfl.loadLayersModel(fileIO(dir));
  assert.equal(reloaded.layers.find((l) => l.name === 'gru')!.getConfig()['resetAfter'], true);
  const x = tf.randomNormal([2, 6, 3], 0, 1, 'float32', 1);
  const a = (model.predict(x) as tf.Tensor).dataSync();
  const b = (reloaded.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
  model.dispose();
  reloaded.dispose();
});

test("a Conv2DTranspose saved by TF.js's own layer (no dilation_rate) loads with the catalog default, predicting the same", async () => {
  const layers = [
    layer('InputLayer', { batch_shape: [null, 4, 4, 2] }),
    kerasLayer('Conv2DTranspose', { name: 'up', filters: 3, kernel_size: [3, 3], strides: [2, 2] }),
  ];
  const model = await buildModel({ model: { class_name: 'Sequential', config: { name: 'old_up', layers } } }, 4);
  const dir = join(tempDir(), 'saved');
  await model.save(fileIO(dir));
  // TF.js's Conv2DTranspose deleted dilation_rate from the config it saved.
  const file = join(dir, 'model.json');
  const text = readFileSync(file, 'utf8');
  const stripped = text.replace(/,?"dilation_rate":\[[^\]]*\]/g, '');
  assert.notEqual(stripped, text);
  writeFileSync(file, stripped);
  const reloaded = await tfl.loadLayersModel(fileIO(dir));
  const x = tf.randomNormal([2, 4, 4, 2], 0, 1, 'float32', 2);
  assert.deepEqual(
    Array.from((reloaded.predict(x) as tf.Tensor).dataSync()),
    Array.from((model.predict(x) as tf.Tensor).dataSync()),
  );
  model.dispose();
  reloaded.dispose();
});

test('a saved GRU config without reset_after loads with the catalog default (True), predicting the same', async () => {
  const layers = [
    layer('InputLayer', { batch_shape: [null, 5, 3] }),
    layer('GRU', { name: 'gru', units: 4, reset_after: true }),
  ];
  const model = await buildModel({ model: { class_name: 'Sequential', config: { name: 'old_gru', layers } } }, 4);
  const dir = join(tempDir(), 'saved');
  await model.save(fileIO(dir));
  // A model.json written before reset_after was saved: the key is absent, in the GRU and any cell.
  const file = join(dir, 'model.json');
  const text = readFileSync(file, 'utf8');
  const stripped = text.replace(/,?"reset_after":(true|false)/g, '');
  assert.notEqual(stripped, text);
  writeFileSync(file, stripped);
  const reloaded = await tfl.loadLayersModel(fileIO(dir));
  assert.equal(reloaded.layers.find((l) => l.name === 'gru')!.getConfig()['resetAfter'], true);
  const x = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 2);
  assert.deepEqual(
    Array.from((reloaded.predict(x) as tf.Tensor).dataSync()),
    Array.from((model.predict(x) as tf.Tensor).dataSync()),
  );
  model.dispose();
  reloaded.dispose();
});

test("Conv1D padding='causal' pads dilation·(kernel-1) steps on the left, as Keras", async () => {
  const conv = (dilation: number) =>
    buildModel({
      model: {
        class_name: 'Sequential',
        config: {
          name: 'm',
          layers: [
            layer('InputLayer', { batch_shape: [null, 4, 1] }),
            layer('Conv1D', {
              name: 'c',
              filters: 1,
              kernel_size: [2],
              padding: 'causal',
              dilation_rate: [dilation],
              use_bias: false,
            }),
          ],
        },
      },
    });
  const x = tf.tensor3d([1, 2, 3, 4], [1, 4, 1]);
  for (const [dilation, expected] of [
    [1, [1, 12, 23, 34]],
    [2, [1, 2, 13, 24]],
  ] as const) {
    const model = await conv(dilation);
    // Keras kernel (kernel, in, out): tap 0 meets the earlier step, tap 1 the current one.
    model.setWeights([tf.tensor3d([10, 1], [2, 1, 1])]);
    assert.deepEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()), expected, `dilation ${dilation}`);
    model.dispose();
  }
});

test("BatchNormalization and LayerNormalization on rank 5 compute Keras's formula", async () => {
  const input = [2, 2, 3, 2];
  const x = tf.randomNormal([3, ...input], 1, 2, 'float32', 5);
  const close = (a: tf.Tensor, b: tf.Tensor) => assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! < 1e-4);
  const build = (l: ReturnType<typeof layer>) =>
    buildModel({
      model: {
        class_name: 'Sequential',
        config: { name: 'm', layers: [layer('InputLayer', { batch_shape: [null, ...input] }), l] },
      },
    });

  // BatchNormalization(axis=2), training: batch statistics over every axis but 2.
  const bn = await build(layer('BatchNormalization', { name: 'b', axis: 2, momentum: 0.5, epsilon: 0.001 }));
  const stats = tf.moments(x, [0, 1, 3, 4], true);
  close(
    bn.apply(x, { training: true }) as tf.Tensor,
    tf.div(tf.sub(x, stats.mean), tf.sqrt(tf.add(stats.variance, 0.001))),
  );
  // The moving mean moved halfway (momentum 0.5) from 0 to the batch mean, per channel of axis 2.
  close(bn.getWeights()[2]!, tf.mul(tf.reshape(stats.mean, [2]), 0.5));
  bn.dispose();

  // LayerNormalization(axis=[-1]): per position, over the last axis.
  const ln = await build(layer('LayerNormalization', { name: 'l', axis: [-1], epsilon: 0.001 }));
  const m = tf.moments(x, [4], true);
  close(ln.predict(x) as tf.Tensor, tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, 0.001))));
  ln.dispose();
});

test("dilated convolutions: the output of TF.js's own dilated ops, with gradients (TF.js has none for them)", async () => {
  type Ref = (x: tf.Tensor, w: tf.Tensor[]) => tf.Tensor;
  const cases: { cls: string; input: number[]; config: Record<string, unknown>; ref: Ref }[] = [
    {
      cls: 'Conv1D',
      input: [9, 2],
      config: { filters: 3, kernel_size: [3], dilation_rate: [2] },
      ref: (x, [k]) => tf.conv1d(x as tf.Tensor3D, k as tf.Tensor3D, 1, 'valid', 'NWC', 2),
    },
    {
      cls: 'Conv1D',
      input: [9, 2],
      config: { filters: 3, kernel_size: [3], dilation_rate: [2], padding: 'same' },
      ref: (x, [k]) => tf.conv1d(x as tf.Tensor3D, k as tf.Tensor3D, 1, 'same', 'NWC', 2),
    },
    {
      cls: 'Conv2D',
      input: [7, 7, 2],
      config: { filters: 3, kernel_size: [3, 2], dilation_rate: [2, 3] },
      ref: (x, [k]) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'valid', 'NHWC', [2, 3]),
    },
    {
      cls: 'Conv3D',
      input: [5, 5, 5, 1],
      config: { filters: 2, kernel_size: [2, 2, 2], dilation_rate: [2, 2, 2] },
      ref: (x, [k]) => tf.conv3d(x as tf.Tensor5D, k as tf.Tensor5D, 1, 'valid', 'NDHWC', [2, 2, 2]),
    },
    {
      cls: 'DepthwiseConv2D',
      input: [7, 7, 2],
      config: { kernel_size: [3, 3], dilation_rate: [2, 2] },
      ref: (x, [k]) => tf.depthwiseConv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'valid', 'NHWC', [2, 2]),
    },
    {
      cls: 'SeparableConv2D',
      input: [7, 7, 2],
      config: { filters: 3, kernel_size: [3, 3], dilation_rate: [2, 2] },
      ref: (x, [d, p]) =>
        tf.separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'valid', [2, 2], 'NHWC'),
    },
  ];
  for (const c of cases) {
    const model = await buildModel(
      {
        model: {
          class_name: 'Sequential',
          config: {
            name: 'm',
            layers: [
              layer('InputLayer', { batch_shape: [null, ...c.input] }),
              layer(c.cls, { name: 'c', use_bias: false, ...c.config }),
            ],
          },
        },
      },
      4,
    );
    const x = tf.randomNormal([2, ...c.input], 0, 1, 'float32', 9);
    const got = model.predict(x) as tf.Tensor;
    const want = c.ref(x, model.getWeights());
    assert.deepEqual(got.shape, want.shape, c.cls);
    assert.ok(tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]! < 1e-4, `${c.cls} ${JSON.stringify(c.config)}`);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
      variables,
    );
    assert.ok(
      Object.values(grads).every((g) => g.dataSync().every(Number.isFinite) && g.dataSync().some((v) => v !== 0)),
      `${c.cls}: gradients`,
    );
    model.dispose();
  }
  // Conv2DTranspose: TF.js ignores dilation_rate. Taps (10, 1) with rate 2 are (10, 0, 1).
  const t = await buildModel({
    model: {
      class_name: 'Sequential',
      config: {
        name: 't',
        layers: [
          layer('InputLayer', { batch_shape: [null, 1, 2, 1] }),
          layer('Conv2DTranspose', {
            name: 'c',
            filters: 1,
            kernel_size: [1, 2],
            dilation_rate: [1, 2],
            use_bias: false,
          }),
        ],
      },
    },
  });
  t.setWeights([tf.tensor4d([10, 1], [1, 2, 1, 1])]);
  assert.deepEqual(Array.from((t.predict(tf.tensor4d([1, 2], [1, 1, 2, 1])) as tf.Tensor).dataSync()), [10, 20, 1, 2]);
  t.dispose();
});
