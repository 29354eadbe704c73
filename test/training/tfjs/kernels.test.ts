// The gradient kernels added to the WebAssembly backend agree with TF.js's reference cpu
// backend on random inputs: conv2d (strides, 'same' padding, via Conv1D too), pooling gradients,
// depthwise convolution (cpu fallback) and matmul with transposes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradient functions
import { selectBackend } from '../../../training/engines/tfjs/backend';
import { cpuFallbackKernels } from '../../../training/engines/tfjs/kernels';
import { Random } from '../../../training/engines/tfjs/random';

type Host = { values: Float32Array; shape: number[] };

function randomHost(shape: number[], random: Random): Host {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random.uniform(-1, 1);
  return { values, shape };
}

/** Gradients of sum(f(inputs) * r) with respect to every input, as host arrays. */
async function gradsOn(
  backend: string,
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  inputs: Host[],
  seed: number,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((h) => tf.tensor(h.values, h.shape));
    const outShape = f(...xs).shape;
    const r = tf.tensor(randomHost(outShape, new Random(seed)).values, outShape);
    const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), r)))(xs);
    return grads.map((g) => g.dataSync() as Float32Array);
  });
}

async function assertSameGradients(name: string, f: (...xs: tf.Tensor[]) => tf.Tensor, shapes: number[][]) {
  const random = new Random(42);
  const inputs = shapes.map((s) => randomHost(s, random));
  const cpu = await gradsOn('cpu', f, inputs, 7);
  const wasm = await gradsOn('wasm', f, inputs, 7);
  cpu.forEach((expected, i) => {
    const got = wasm[i]!;
    assert.equal(got.length, expected.length);
    let worst = 0;
    for (let k = 0; k < got.length; k++)
      worst = Math.max(worst, Math.abs(got[k]! - expected[k]!) / (1 + Math.abs(expected[k]!)));
    assert.ok(worst < 1e-4, `${name}: gradient ${i} differs from cpu by ${worst}`);
  });
}

before(async () => {
  await selectBackend('tfjs:wasm');
});

const conv = (stride: number, pad: 'valid' | 'same') => (x: tf.Tensor, w: tf.Tensor) =>
  tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad);

test('Conv2D gradients, stride 1 valid', () =>
  assertSameGradients('conv 1 valid', conv(1, 'valid'), [
    [2, 7, 6, 3],
    [3, 3, 3, 4],
  ]));
test('Conv2D gradients, stride 1 same, 8+ input channels', () =>
  assertSameGradients('conv 1 same wide', conv(1, 'same'), [
    [2, 6, 5, 9],
    [3, 3, 9, 4],
  ]));
test('Conv2D gradients, stride 1 same', () =>
  assertSameGradients('conv 1 same', conv(1, 'same'), [
    [2, 7, 6, 3],
    [3, 3, 3, 4],
  ]));
test('Conv2D gradients, stride 2 same, even kernel', () =>
  assertSameGradients('conv 2 same', conv(2, 'same'), [
    [2, 8, 7, 2],
    [2, 2, 2, 3],
  ]));
test('Conv2D gradients, stride 2 valid with leftover rows', () =>
  assertSameGradients('conv 2 valid', conv(2, 'valid'), [
    [3, 9, 8, 2],
    [3, 3, 2, 5],
  ]));
test('Conv1D gradients (through conv2d)', () =>
  assertSameGradients('conv1d', (x, w) => tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, 1, 'same'), [
    [2, 9, 3],
    [3, 3, 4],
  ]));
test('Conv2DTranspose gradients', () =>
  assertSameGradients(
    'conv2dTranspose',
    (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 9, 9, 2], 2, 'same'),
    [
      [2, 5, 5, 3],
      [3, 3, 2, 3],
    ],
  ));
test('DepthwiseConv2D gradients (cpu fallback)', () =>
  assertSameGradients('depthwise', (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), [
    [2, 6, 6, 3],
    [3, 3, 3, 2],
  ]));
test('MaxPool gradient, 2x2 stride 2', () =>
  assertSameGradients('maxpool', (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), [[2, 6, 6, 3]]));
test('MaxPool gradient, 3x3 stride 2 same (overlapping windows)', () =>
  assertSameGradients('maxpool same', (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same'), [[2, 7, 7, 2]]));
test('AvgPool gradient, 2x2 stride 1 valid', () =>
  assertSameGradients('avgpool', (x) => tf.avgPool(x as tf.Tensor4D, 2, 1, 'valid'), [[2, 5, 5, 3]]));
test('AvgPool gradient, 3x3 stride 2 same', () =>
  assertSameGradients('avgpool same', (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same'), [[2, 7, 6, 2]]));
test('MatMul with transposes', () =>
  assertSameGradients('matmul', (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, true), [
    [5, 4],
    [3, 5],
  ]));
test('Embedding gather gradient (UnsortedSegmentSum on the wasm heap)', async () => {
  assert.ok(!cpuFallbackKernels.includes('UnsortedSegmentSum'));
  const ids = tf.tensor1d([1, 3, 1, 0], 'int32');
  await assertSameGradients('gather', (table) => tf.gather(table, ids), [[5, 3]]);
  // An Embedding's batch of sequences: ids of rank 2, rows repeated.
  const batch = tf.tensor2d(
    [
      [2, 0, 0, 7],
      [7, 7, 1, 0],
    ],
    [2, 4],
    'int32',
  );
  await assertSameGradients('gather 2-D ids', (table) => tf.gather(table, batch), [[8, 5]]);
});
test('Bias gradients (Sum over leading axes, in place on wasm)', () =>
  assertSameGradients('bias add', (x, b) => tf.add(x, b), [[4, 9, 8, 16], [16]]));
test('Sum over leading axes with keepDims and over other axes', async () => {
  const random = new Random(3);
  const h = randomHost([3, 40, 50], random);
  for (const [axis, keepDims] of [
    [[0, 1], true],
    [[0], false],
    [[1, 2], false],
    [[0, 2], false],
  ] as [number[], boolean][]) {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const r = tf.sum(tf.tensor(h.values, h.shape), axis, keepDims);
        return { shape: r.shape, values: r.dataSync() as Float32Array };
      });
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    assert.deepEqual(wasm.shape, cpu.shape, `sum over ${axis}`);
    for (let k = 0; k < cpu.values.length; k++)
      assert.ok(Math.abs(wasm.values[k]! - cpu.values[k]!) < 1e-4 * (1 + Math.abs(cpu.values[k]!)), `sum over ${axis}`);
  }
});
