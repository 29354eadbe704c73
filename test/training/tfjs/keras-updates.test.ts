// Keras semantics the TF.js engine must keep beyond the gradient step: weight constraints after
// every update, BatchNormalization's moving variance (the biased batch variance), and Gaussian
// noise layers drawn from the seeded generator so a run with fit.seed repeats exactly.
import { optimizerArgs } from '../../../language/catalog';
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../training/engines/tfjs/backend';
import { buildModel } from '../../../training/engines/tfjs/model';
import { seedDropout } from '../../../training/engines/tfjs/layers/dropout';
import { layer, makeSpec, mnistFiles, only, runCollect, tempDir } from './helpers';

before(async () => {
  await selectBackend('tfjs:wasm');
});

/** The saved model's weights by name (model.json + weights.bin, all float32). */
function savedWeights(runDir: string): Map<string, { shape: number[]; values: Float32Array }> {
  const json = JSON.parse(readFileSync(join(runDir, 'model.json'), 'utf8')) as {
    weightsManifest: { weights: { name: string; shape: number[]; dtype: string }[] }[];
  };
  const bytes = readFileSync(join(runDir, 'weights.bin'));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const w of json.weightsManifest[0]!.weights) {
    assert.equal(w.dtype, 'float32');
    const size = w.shape.reduce((a, b) => a * b, 1);
    out.set(w.name, { shape: w.shape, values: all.slice(offset, offset + size) });
    offset += size;
  }
  return out;
}

// As lowering writes them: an unseeded initializer gets its seed from fit.seed.
const GLOROT = { kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } } };

function smallSpec(dir: string, hidden: Record<string, unknown>[], out: Record<string, unknown> = {}) {
  const spec = makeSpec(dir, {
    layers: [
      layer('InputLayer', { batch_shape: [null, 784], dtype: 'float32', name: 'input' }),
      ...hidden.map((h) =>
        layer(String(h['class_name']), {
          ...(h['class_name'] === 'Dense' ? GLOROT : {}),
          ...(h['config'] as Record<string, unknown>),
        }),
      ),
      layer('Dense', { name: 'dense_1', units: 10, activation: 'softmax', ...GLOROT, ...out }),
    ],
  });
  spec.data.train = mnistFiles(dir, 'small', 160);
  spec.data.test = undefined;
  spec.fit.epochs = 1;
  const params = 784 * 16 + 16 + 16 * 10 + 10; // every model here: Dense(16), Dense(10)
  spec.expectedParams = { total: params, trainable: params, nonTrainable: 0 };
  return spec;
}

test('NonNeg and MaxNorm constraints hold after training (applied after every update, as Keras)', async () => {
  const dir = tempDir();
  const spec = smallSpec(
    dir,
    [
      {
        class_name: 'Dense',
        config: {
          name: 'dense',
          units: 16,
          activation: 'relu',
          kernel_constraint: { class_name: 'NonNeg', config: {} },
        },
      },
    ],
    { kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 0.5, axis: 0 } } },
  );
  spec.compile.optimizer = { name: 'SGD', args: optimizerArgs('SGD', { learning_rate: 0.5 }) };
  const events = await runCollect(spec);
  assert.equal(only(events, 'finished').length, 1, JSON.stringify(only(events, 'failed')));
  const weights = savedWeights(spec.runDir);
  const kernel = [...weights.entries()].find(([n]) => n.startsWith('dense/') && n.endsWith('kernel'))![1];
  assert.ok(Math.min(...kernel.values) >= 0, 'NonNeg kernel has a negative weight');
  assert.ok(kernel.values.some((v) => v > 0));
  const out = [...weights.entries()].find(([n]) => n.startsWith('dense_1/') && n.endsWith('kernel'))![1];
  const [rows, cols] = out.shape as [number, number];
  for (let c = 0; c < cols; c++) {
    let sq = 0;
    for (let r = 0; r < rows; r++) sq += out.values[r * cols + c]! ** 2;
    assert.ok(Math.sqrt(sq) <= 0.5 + 1e-5, `MaxNorm(0.5) column ${c} has norm ${Math.sqrt(sq)}`);
  }
});

test('a seeded run with GaussianNoise and GaussianDropout repeats exactly', async () => {
  const run = async (seed: number) => {
    const dir = tempDir();
    const spec = smallSpec(dir, [
      { class_name: 'GaussianNoise', config: { name: 'noise', stddev: 0.5 } },
      { class_name: 'Dense', config: { name: 'dense', units: 16, activation: 'relu' } },
      { class_name: 'GaussianDropout', config: { name: 'gdrop', rate: 0.4 } },
    ]);
    spec.fit.seed = seed;
    const events = await runCollect(spec);
    assert.equal(only(events, 'finished').length, 1, JSON.stringify(only(events, 'failed')));
    return {
      loss: only(events, 'epoch').map((e) => e.loss),
      weights: [...savedWeights(spec.runDir).values()].map((w) => Array.from(w.values)),
    };
  };
  const a = await run(7);
  const b = await run(7);
  assert.deepEqual(b.loss, a.loss);
  assert.deepEqual(b.weights, a.weights);
});

test("GaussianNoise and GaussianDropout draw Keras's noise from the seeded generator, in training only", async () => {
  const model = await buildModel(
    {
      model: {
        class_name: 'Sequential',
        config: {
          name: 'm',
          layers: [
            layer('GaussianNoise', { name: 'noise', stddev: 0.5, batch_input_shape: [null, 4000] }),
            layer('GaussianDropout', { name: 'gdrop', rate: 0.2 }),
          ],
        },
      },
    },
    1,
  );
  const x = tf.ones([2, 4000]);
  const draw = (seed: number) => {
    seedDropout(seed);
    return (model.apply(x, { training: true }) as tf.Tensor).dataSync();
  };
  const a = Array.from(draw(3));
  assert.deepEqual(Array.from(draw(3)), a);
  assert.notDeepEqual(Array.from(draw(4)), a);
  // (1 + n1) * n2, n1 ~ N(0, 0.5), n2 ~ N(1, sqrt(0.2/0.8)): mean 1, variance 1.25*1.25 - 1
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
  assert.ok(Math.abs(mean - 1) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 0.5625) < 0.06, `variance ${variance}`);
  const inference = (model.apply(x, { training: false }) as tf.Tensor).dataSync();
  assert.ok(inference.every((v) => v === 1));
  model.dispose();
});

test('BatchNormalization moves its variance toward the biased batch variance (Keras: momentum 0.99)', async () => {
  const model = await buildModel(
    {
      model: {
        class_name: 'Sequential',
        config: {
          name: 'm',
          layers: [
            layer('BatchNormalization', {
              name: 'bn',
              axis: -1,
              momentum: 0.99,
              epsilon: 0.001,
              batch_input_shape: [null, 3],
            }),
          ],
        },
      },
    },
    1,
  );
  const rows = [
    [1, 2, 0],
    [3, -1, 0.5],
    [0, 4, 2],
    [2, 0, -1],
  ];
  const x = tf.tensor2d(rows);
  model.apply(x, { training: true });
  const weights = Object.fromEntries(
    model.layers[0]!.weights.map((w) => [w.name.split('/').pop()!, w.read().dataSync()]),
  );
  for (let c = 0; c < 3; c++) {
    const col = rows.map((r) => r[c]!);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const biased = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
    assert.ok(Math.abs(weights['moving_mean']![c]! - 0.01 * mean) < 1e-6);
    assert.ok(Math.abs(weights['moving_variance']![c]! - (0.99 + 0.01 * biased)) < 1e-6, `channel ${c}`);
  }
  model.dispose();
});
