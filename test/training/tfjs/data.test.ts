// Losses and metrics with Keras semantics, and the data pipeline: validation split, rescale,
// reshape, label encodings, seeded shuffling and augmentation.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../training/engines/tfjs/backend';
import { DataPipeline, epochOrder } from '../../../training/engines/tfjs/data';
import { getLoss } from '../../../training/engines/tfjs/losses';
import { getMetrics } from '../../../training/engines/tfjs/metrics';
import { augmentBatch, parseAugment } from '../../../training/engines/tfjs/augment';
import { augmentArgs } from '../../helpers/keras-defaults';
import { Random } from '../../../training/engines/tfjs/random';
import type { PreparedData } from '../../../training/protocol';
import { tempDir, writeTensor } from './helpers';

before(async () => {
  await selectBackend('tfjs:wasm');
});

const lossOf = (name: string, y: number[][], p: number[][]) =>
  tf.tidy(() => tf.mean(getLoss(name)(tf.tensor2d(y), tf.tensor2d(p))).dataSync()[0]!);
const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('losses follow Keras', () => {
  close(lossOf('categorical_crossentropy', [[0, 1, 0]], [[0.2, 0.7, 0.1]]), -Math.log(0.7));
  close(lossOf('binary_crossentropy', [[1, 0]], [[0.9, 0.2]]), -(Math.log(0.9) + Math.log(0.8)) / 2);
  close(lossOf('hinge', [[0]], [[0.3]]), 1.3, 1e-6); // 0/1 labels become -1/1
  close(lossOf('huber', [[0, 0]], [[0.5, 2]]), (0.125 + 1.5) / 2);
  close(lossOf('mape', [[2]], [[1]]), 50, 1e-3);
  close(lossOf('mse', [[1, 2]], [[0, 0]]), 2.5);
  close(lossOf('kld', [[0.5, 0.5]], [[0.25, 0.75]]), 0.5 * Math.log(2) + 0.5 * Math.log(0.5 / 0.75));
  close(lossOf('log_cosh', [[0]], [[1]]), Math.log(Math.cosh(1)));
  const sparse = tf.tidy(
    () =>
      getLoss('sparse_categorical_crossentropy')(
        tf.tensor1d([1], 'int32'),
        tf.tensor2d([[0.2, 0.7, 0.1]]),
      ).dataSync()[0]!,
  );
  close(sparse, -Math.log(0.7));
  close(lossOf('categorical_crossentropy', [[1, 0]], [[0, 1]]), -Math.log(1e-7), 1e-3); // clipped, not infinite
});

test("'accuracy' resolves from the loss and labels, as in Keras 3", () => {
  const [sumOf] = [
    (names: string[], loss: string, enc: string, y: tf.Tensor, p: tf.Tensor) =>
      tf.tidy(() => getMetrics(names, loss, enc, p.shape[1]!).map((m) => m.fn(y, p).map((t) => t.dataSync()[0]!))),
  ];
  const p = tf.tensor2d([
    [0.1, 0.9],
    [0.8, 0.2],
    [0.4, 0.6],
  ]);
  assert.deepEqual(
    sumOf(
      ['accuracy'],
      'categorical_crossentropy',
      'onehot',
      tf.tensor2d([
        [0, 1],
        [0, 1],
        [0, 1],
      ]),
      p,
    ),
    [[2, 3]],
  );
  assert.deepEqual(sumOf(['acc'], 'sparse_categorical_crossentropy', 'index', tf.tensor1d([1, 0, 0], 'int32'), p), [
    [2, 3],
  ]);
  const pb = tf.tensor2d([[0.7], [0.2], [0.6]]);
  assert.deepEqual(
    sumOf(['accuracy', 'precision', 'recall'], 'binary_crossentropy', 'raw', tf.tensor2d([[1], [0], [0]]), pb),
    [
      [2, 3],
      [1, 2],
      [1, 1],
    ],
  );
  const topk = tf.tensor2d([
    [0.1, 0.2, 0.3, 0.15, 0.05, 0.1, 0.1],
    [0.5, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05],
  ]);
  assert.deepEqual(
    sumOf(['top_k_categorical_accuracy'], 'categorical_crossentropy', 'index', tf.tensor1d([6, 0], 'int32'), topk),
    [[1, 2]],
  );
});

function prepared(dir: string, n: number, overrides: Partial<PreparedData> = {}): PreparedData {
  const x = new Uint8Array(n * 4).map((_, i) => i % 256);
  const y = new Int32Array(n).map((_, i) => i % 3);
  return {
    source: 'test',
    train: { x: writeTensor(dir, 'x.bin', 'uint8', [n, 2, 2], x), y: writeTensor(dir, 'y.bin', 'int32', [n], y) },
    validationSplit: 0.25,
    rescale: 1 / 255,
    labelEncoding: 'onehot',
    shuffle: true,
    isImage: true,
    ...overrides,
  };
}

test('validation_split takes the last fraction of train; batches are rescaled, reshaped and one-hot', () => {
  const data = new DataPipeline(prepared(tempDir(), 10), { input: [4], output: [3] });
  // Keras: split_at = floor(10 * (1 - 0.25)) = 7.
  assert.deepEqual(Array.from(data.train.rows), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(data.validation!.rows), [7, 8, 9]);
  const x = data.batchX(data.validation!, data.validation!.rows);
  assert.deepEqual(x.shape, [3, 4]);
  close(x.dataSync()[0]!, 28 / 255);
  assert.deepEqual(
    Array.from(data.batchY(data.validation!, data.validation!.rows).dataSync()),
    [0, 1, 0, 0, 0, 1, 1, 0, 0],
  );
  assert.throws(
    () => new DataPipeline(prepared(tempDir(), 10), { input: [5], output: [3] }),
    /\(2, 2\) = 4 values, but the model's input \(5\) takes 5/,
  );
});

test('shuffling is seeded and covers every row once', () => {
  const data = new DataPipeline(prepared(tempDir(), 40, { validationSplit: 0 }), { input: [2, 2, 1], output: [3] });
  const a = epochOrder(data.train, true, new Random(9));
  const b = epochOrder(data.train, true, new Random(9));
  assert.deepEqual(a, b);
  assert.notDeepEqual(Array.from(a), Array.from(data.train.rows));
  assert.deepEqual(
    Array.from(a).sort((p, q) => p - q),
    Array.from(data.train.rows),
  );
  assert.deepEqual(Array.from(epochOrder(data.train, false, new Random(9))), Array.from(data.train.rows));
});

test('augmentation: flips mirror exactly, zero ranges change nothing, a seed repeats', () => {
  const img = () => Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i); // 2 images 3x4x1... as [n=2,h=3,w=4,c=1]
  const none = img();
  augmentBatch(none, 2, [3, 4, 1], parseAugment(augmentArgs()), new Random(1));
  assert.deepEqual(none, img());
  const flipped = img();
  augmentBatch(flipped, 2, [3, 4, 1], parseAugment(augmentArgs({ horizontal_flip: true })), new Random(3));
  for (let b = 0; b < 2; b++) {
    const row = Array.from(flipped.subarray(b * 12, b * 12 + 4));
    const orig = Array.from(img().subarray(b * 12, b * 12 + 4));
    assert.ok(
      JSON.stringify(row) === JSON.stringify(orig) || JSON.stringify(row) === JSON.stringify([...orig].reverse()),
    );
  }
  const r1 = img();
  const r2 = img();
  augmentBatch(
    r1,
    2,
    [3, 4, 1],
    parseAugment(augmentArgs({ rotation_range: 30, zoom_range: 0.2, width_shift_range: 0.2 })),
    new Random(5),
  );
  augmentBatch(
    r2,
    2,
    [3, 4, 1],
    parseAugment(augmentArgs({ rotation_range: 30, zoom_range: 0.2, width_shift_range: 0.2 })),
    new Random(5),
  );
  assert.deepEqual(r1, r2);
  assert.notDeepEqual(r1, img());
  // A shift of one whole pixel (width_shift_range >= 1 means pixels) moves columns; edges repeat ('nearest').
  const s = Float32Array.from([1, 2, 3, 4]);
  const opts = parseAugment(augmentArgs({ width_shift_range: 1 }));
  let shifted = s;
  for (let seed = 0; seed < 20; seed++) {
    shifted = Float32Array.from(s);
    augmentBatch(shifted, 1, [1, 4, 1], opts, new Random(seed));
    if (shifted[0] !== 1) break;
  }
  assert.ok(['2,3,4,4', '1,1,2,3'].includes(Array.from(shifted).join(',')), Array.from(shifted).join(','));
});

test('featurewise_center and std_normalization standardise with the training statistics', () => {
  const data = new DataPipeline(
    prepared(tempDir(), 20, {
      validationSplit: 0,
      augment: augmentArgs({ featurewise_center: true, featurewise_std_normalization: true }),
    }),
    { input: [2, 2, 1], output: [3] },
  );
  const all = data.hostX(data.train, data.train.rows, false);
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const std = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
  close(mean, 0, 1e-5);
  close(std, 1, 1e-3);
});
