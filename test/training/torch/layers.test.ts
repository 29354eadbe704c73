// Every layer class the engine builds: output shape and parameter counts against numbers
// derived by hand from Keras's definitions (model.summary() of the same config).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layerClassesFor } from '../../../server/src/language/catalog';
import type { KerasLayerConfig } from '../../../server/src/language/catalog/types';
import { SKIP, layer, pythonEval, runPython, tempDir } from './helpers';

interface Case {
  what: string;
  input: number[];
  layer: KerasLayerConfig;
  shape: number[];
  params: number;
  nonTrainable?: number;
}

const L = layer;
const lstm = (units: number, extra: Record<string, unknown> = {}) => L('LSTM', { name: 'lstm', units, ...extra });

const CASES: Case[] = [
  { what: 'Dense 784->10', input: [784], layer: L('Dense', { units: 10, activation: 'softmax' }), shape: [10], params: 7850 },
  { what: 'Dense on the last axis of a rank-2 input', input: [3, 4], layer: L('Dense', { units: 5 }), shape: [3, 5], params: 25 },
  { what: 'Dense without bias', input: [6], layer: L('Dense', { units: 2, use_bias: false }), shape: [2], params: 12 },
  { what: 'Conv2D 3x3', input: [28, 28, 1], layer: L('Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }), shape: [26, 26, 32], params: 320 },
  { what: "Conv2D same, stride 2, odd size", input: [7, 7, 3], layer: L('Conv2D', { filters: 8, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }), shape: [4, 4, 8], params: 224 },
  { what: 'Conv2D groups=2', input: [10, 10, 4], layer: L('Conv2D', { filters: 4, kernel_size: 3, groups: 2 }), shape: [8, 8, 4], params: 76 },
  { what: 'Conv2D dilation 2', input: [10, 10, 1], layer: L('Conv2D', { filters: 2, kernel_size: 3, dilation_rate: 2 }), shape: [6, 6, 2], params: 20 },
  { what: 'Conv1D causal', input: [20, 3], layer: L('Conv1D', { filters: 16, kernel_size: 5, padding: 'causal' }), shape: [20, 16], params: 256 },
  { what: 'Conv1D valid stride 2', input: [21, 3], layer: L('Conv1D', { filters: 4, kernel_size: [3], strides: [2] }), shape: [10, 4], params: 40 },
  { what: 'Conv3D', input: [5, 6, 7, 1], layer: L('Conv3D', { filters: 2, kernel_size: [3, 3, 3] }), shape: [3, 4, 5, 2], params: 56 },
  { what: 'Conv2DTranspose same stride 2', input: [5, 5, 4], layer: L('Conv2DTranspose', { filters: 6, kernel_size: 3, strides: 2, padding: 'same' }), shape: [10, 10, 6], params: 222 },
  { what: 'Conv2DTranspose valid stride 2', input: [5, 5, 4], layer: L('Conv2DTranspose', { filters: 6, kernel_size: 3, strides: 2 }), shape: [11, 11, 6], params: 222 },
  { what: 'Conv2DTranspose kernel smaller than stride', input: [3, 3, 1], layer: L('Conv2DTranspose', { filters: 2, kernel_size: 1, strides: 2 }), shape: [6, 6, 2], params: 4 },
  { what: 'SeparableConv2D', input: [10, 10, 3], layer: L('SeparableConv2D', { filters: 8, kernel_size: 3 }), shape: [8, 8, 8], params: 59 },
  { what: 'DepthwiseConv2D multiplier 2', input: [10, 10, 3], layer: L('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 2 }), shape: [8, 8, 6], params: 60 },
  { what: 'MaxPooling2D valid', input: [7, 7, 3], layer: L('MaxPooling2D', { pool_size: [2, 2] }), shape: [3, 3, 3], params: 0 },
  { what: 'MaxPooling2D same', input: [7, 7, 3], layer: L('MaxPooling2D', { pool_size: [2, 2], padding: 'same' }), shape: [4, 4, 3], params: 0 },
  { what: 'MaxPooling1D', input: [9, 4], layer: L('MaxPooling1D', { pool_size: 2 }), shape: [4, 4], params: 0 },
  { what: 'MaxPooling3D', input: [4, 4, 4, 2], layer: L('MaxPooling3D', {}), shape: [2, 2, 2, 2], params: 0 },
  { what: 'AveragePooling1D same', input: [9, 4], layer: L('AveragePooling1D', { pool_size: 2, padding: 'same' }), shape: [5, 4], params: 0 },
  { what: 'AveragePooling2D strides 1', input: [5, 5, 2], layer: L('AveragePooling2D', { pool_size: 3, strides: 1 }), shape: [3, 3, 2], params: 0 },
  { what: 'AveragePooling3D same', input: [3, 3, 3, 1], layer: L('AveragePooling3D', { pool_size: 2, padding: 'same' }), shape: [2, 2, 2, 1], params: 0 },
  { what: 'GlobalMaxPooling1D', input: [10, 3], layer: L('GlobalMaxPooling1D', {}), shape: [3], params: 0 },
  { what: 'GlobalAveragePooling1D', input: [10, 3], layer: L('GlobalAveragePooling1D', {}), shape: [3], params: 0 },
  { what: 'GlobalAveragePooling2D', input: [5, 5, 7], layer: L('GlobalAveragePooling2D', {}), shape: [7], params: 0 },
  { what: 'GlobalMaxPooling2D keepdims', input: [5, 5, 7], layer: L('GlobalMaxPooling2D', { keepdims: true }), shape: [1, 1, 7], params: 0 },
  { what: 'GlobalMaxPooling3D', input: [2, 2, 2, 4], layer: L('GlobalMaxPooling3D', {}), shape: [4], params: 0 },
  { what: 'GlobalAveragePooling3D', input: [2, 2, 2, 4], layer: L('GlobalAveragePooling3D', {}), shape: [4], params: 0 },
  { what: 'Flatten', input: [3, 4, 5], layer: L('Flatten', {}), shape: [60], params: 0 },
  { what: 'Reshape with -1', input: [60], layer: L('Reshape', { target_shape: [4, -1] }), shape: [4, 15], params: 0 },
  { what: 'Permute', input: [3, 4], layer: L('Permute', { dims: [2, 1] }), shape: [4, 3], params: 0 },
  { what: 'RepeatVector', input: [5], layer: L('RepeatVector', { n: 3 }), shape: [3, 5], params: 0 },
  { what: 'Embedding', input: [12], layer: L('Embedding', { input_dim: 100, output_dim: 8 }), shape: [12, 8], params: 800 },
  { what: 'Dropout', input: [5], layer: L('Dropout', { rate: 0.5 }), shape: [5], params: 0 },
  { what: 'SpatialDropout1D', input: [6, 3], layer: L('SpatialDropout1D', { rate: 0.5 }), shape: [6, 3], params: 0 },
  { what: 'SpatialDropout2D', input: [4, 4, 3], layer: L('SpatialDropout2D', { rate: 0.5 }), shape: [4, 4, 3], params: 0 },
  { what: 'SpatialDropout3D', input: [2, 2, 2, 3], layer: L('SpatialDropout3D', { rate: 0.5 }), shape: [2, 2, 2, 3], params: 0 },
  { what: 'GaussianNoise', input: [5], layer: L('GaussianNoise', { stddev: 0.1 }), shape: [5], params: 0 },
  { what: 'GaussianDropout', input: [5], layer: L('GaussianDropout', { rate: 0.1 }), shape: [5], params: 0 },
  { what: 'Activation', input: [5], layer: L('Activation', { activation: 'gelu' }), shape: [5], params: 0 },
  { what: 'Reshape with one -1', input: [56], layer: L('Reshape', { target_shape: [4, -1, 7] }), shape: [4, 2, 7], params: 0 }, // Keras: 56 / (4 · 7)
  { what: 'ReLU', input: [5], layer: L('ReLU', { max_value: 6 }), shape: [5], params: 0 },
  { what: 'LeakyReLU (Keras 2 alpha)', input: [5], layer: L('LeakyReLU', { alpha: 0.1 }), shape: [5], params: 0 },
  { what: 'ELU', input: [5], layer: L('ELU', {}), shape: [5], params: 0 },
  { what: 'Softmax', input: [5], layer: L('Softmax', {}), shape: [5], params: 0 },
  { what: 'PReLU', input: [4, 5], layer: L('PReLU', {}), shape: [4, 5], params: 20 },
  { what: 'PReLU shared axis 1', input: [4, 5], layer: L('PReLU', { shared_axes: [1] }), shape: [4, 5], params: 5 },
  { what: 'BatchNormalization', input: [6, 6, 8], layer: L('BatchNormalization', {}), shape: [6, 6, 8], params: 32, nonTrainable: 16 },
  { what: 'LayerNormalization', input: [10], layer: L('LayerNormalization', {}), shape: [10], params: 20 },
  { what: 'UpSampling1D', input: [5, 3], layer: L('UpSampling1D', { size: 2 }), shape: [10, 3], params: 0 },
  { what: 'UpSampling2D', input: [3, 4, 2], layer: L('UpSampling2D', { size: [2, 2] }), shape: [6, 8, 2], params: 0 },
  { what: 'UpSampling2D bilinear', input: [3, 4, 2], layer: L('UpSampling2D', { size: [2, 3], interpolation: 'bilinear' }), shape: [6, 12, 2], params: 0 },
  { what: 'UpSampling3D', input: [2, 2, 2, 1], layer: L('UpSampling3D', {}), shape: [4, 4, 4, 1], params: 0 },
  { what: 'ZeroPadding1D', input: [5, 3], layer: L('ZeroPadding1D', { padding: 2 }), shape: [9, 3], params: 0 },
  { what: 'ZeroPadding1D (before, after)', input: [5, 3], layer: L('ZeroPadding1D', { padding: [1, 3] }), shape: [9, 3], params: 0 },
  { what: 'ZeroPadding2D asymmetric', input: [5, 5, 1], layer: L('ZeroPadding2D', { padding: [[1, 2], [3, 4]] }), shape: [8, 12, 1], params: 0 },
  { what: 'ZeroPadding3D', input: [2, 2, 2, 1], layer: L('ZeroPadding3D', { padding: 1 }), shape: [4, 4, 4, 1], params: 0 },
  { what: 'Cropping1D', input: [10, 3], layer: L('Cropping1D', { cropping: [1, 2] }), shape: [7, 3], params: 0 },
  { what: 'Cropping2D', input: [10, 10, 3], layer: L('Cropping2D', { cropping: [[1, 1], [2, 2]] }), shape: [8, 6, 3], params: 0 },
  { what: 'Cropping3D', input: [4, 4, 4, 1], layer: L('Cropping3D', { cropping: 1 }), shape: [2, 2, 2, 1], params: 0 },
  { what: 'SimpleRNN', input: [10, 4], layer: L('SimpleRNN', { units: 8 }), shape: [8], params: 104 },
  { what: 'SimpleRNN relu, sequences', input: [10, 4], layer: L('SimpleRNN', { units: 8, activation: 'relu', return_sequences: true }), shape: [10, 8], params: 104 },
  { what: 'LSTM return_sequences', input: [10, 8], layer: lstm(16, { return_sequences: true }), shape: [10, 16], params: 1600 },
  { what: 'LSTM non-default activation (loop path)', input: [6, 3], layer: lstm(4, { activation: 'relu' }), shape: [4], params: 128 },
  { what: 'GRU reset_after', input: [10, 8], layer: L('GRU', { units: 16 }), shape: [16], params: 1248 },
  { what: 'Bidirectional LSTM concat', input: [5, 4], layer: L('Bidirectional', { layer: lstm(8) }), shape: [16], params: 832 },
  { what: 'Bidirectional GRU sum, sequences', input: [5, 4], layer: L('Bidirectional', { merge_mode: 'sum', layer: L('GRU', { units: 8, return_sequences: true }) }), shape: [5, 8], params: 2 * 3 * (4 * 8 + 64 + 16) },
  { what: 'TimeDistributed Dense', input: [5, 4], layer: L('TimeDistributed', { layer: L('Dense', { units: 3 }) }), shape: [5, 3], params: 15 },
  { what: 'TimeDistributed Conv2D', input: [3, 8, 8, 1], layer: L('TimeDistributed', { layer: L('Conv2D', { filters: 4, kernel_size: 3 }) }), shape: [3, 6, 6, 4], params: 40 },
  { what: 'frozen Dense (trainable=false)', input: [4], layer: L('Dense', { units: 2, trainable: false }), shape: [2], params: 10, nonTrainable: 10 },
];

const model = (c: Case) => ({
  class_name: 'Sequential',
  config: { name: 'm', layers: [L('InputLayer', { name: 'input', batch_shape: [null, ...c.input] }), { ...c.layer, config: { name: 'layer', ...c.layer.config } }] },
});

interface Described {
  error?: string;
  layers: { className: string; outputShape: (number | null)[]; params: number; trainable: number; nonTrainable: number }[];
  total: number;
  trainable: number;
  nonTrainable: number;
}

test('every layer class builds with Keras output shapes and parameter counts', { skip: SKIP }, () => {
  const dir = tempDir();
  const file = join(dir, 'models.json');
  writeFileSync(file, JSON.stringify(CASES.map(model)));
  const r = runPython(['--describe', file]);
  assert.equal(r.status, 0, r.stderr);
  const results = JSON.parse(r.stdout) as Described[];
  const classes = new Set<string>();
  CASES.forEach((c, i) => {
    const d = results[i]!;
    assert.equal(d.error, undefined, `${c.what}: ${d.error}`);
    const built = d.layers[1]!;
    classes.add(built.className);
    assert.deepEqual(built.outputShape, [null, ...c.shape], c.what);
    assert.equal(built.params, c.params, `${c.what}: params`);
    assert.equal(built.nonTrainable, c.nonTrainable ?? 0, `${c.what}: non-trainable`);
    assert.equal(d.total, c.params, `${c.what}: model total`);
  });
  // Each Keras class the catalog says the torch engine runs appears at least once above.
  const supported = layerClassesFor('torch');
  assert.deepEqual(supported.filter((s) => !classes.has(s)), []);
});

test("the engine's layer table is the catalog's torch support, plus InputLayer", { skip: SKIP }, () => {
  const engine = JSON.parse(pythonEval('import json\nfrom modelspec_torch.model import LAYERS\nprint(json.dumps(sorted(LAYERS)))')) as string[];
  assert.deepEqual(engine, ['InputLayer', ...layerClassesFor('torch')].sort());
});

test("'same' padding with stride 2 gives TF's ceil(n / 2) on odd sizes, for convs and pools", { skip: SKIP }, () => {
  const dir = tempDir();
  const file = join(dir, 'models.json');
  const cases: [KerasLayerConfig, number[], number[]][] = [];
  for (const [h, w] of [[7, 9], [5, 5], [11, 4], [1, 3]] as const) {
    const out = [Math.ceil(h / 2), Math.ceil(w / 2)];
    cases.push([L('Conv2D', { filters: 2, kernel_size: 3, strides: 2, padding: 'same' }), [h, w, 1], [...out, 2]]);
    cases.push([L('Conv2D', { filters: 2, kernel_size: 4, strides: 2, padding: 'same' }), [h, w, 1], [...out, 2]]);
    cases.push([L('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'same' }), [h, w, 1], [...out, 1]]);
    cases.push([L('AveragePooling2D', { pool_size: 2, padding: 'same' }), [h, w, 1], [...out, 1]]);
  }
  writeFileSync(file, JSON.stringify(cases.map(([lay, input]) => ({ class_name: 'Sequential', config: { name: 'm', layers: [L('InputLayer', { batch_shape: [null, ...input] }), lay] } }))));
  const r = runPython(['--describe', file]);
  assert.equal(r.status, 0, r.stderr);
  const results = JSON.parse(r.stdout) as Described[];
  cases.forEach(([lay, input, expected], i) => {
    assert.deepEqual(results[i]!.layers[1]!.outputShape, [null, ...expected], `${lay.class_name} ${JSON.stringify(lay.config)} on ${input}`);
  });
});

test("keras.activations.leaky_relu (negative_slope 0.2) and log_softmax (axis -1) compute Keras's formulas", { skip: SKIP }, () => {
  const out = JSON.parse(pythonEval([
    'import json, torch',
    'from modelspec_torch.activations import get_activation',
    'x = torch.tensor([[-2.0, 0.5, 3.0]])',
    "print(json.dumps([get_activation('leaky_relu')(x).tolist()[0], get_activation('log_softmax')(x).tolist()[0]]))",
  ].join('\n'))) as [number[], number[]];
  const x = [-2, 0.5, 3];
  const leaky = x.map((v) => (v > 0 ? v : 0.2 * v));
  const logSumExp = Math.log(x.reduce((sum, v) => sum + Math.exp(v), 0));
  out[0].forEach((v, i) => assert.ok(Math.abs(v - leaky[i]!) < 1e-6, `leaky_relu ${out[0]}`));
  out[1].forEach((v, i) => assert.ok(Math.abs(v - (x[i]! - logSumExp)) < 1e-5, `log_softmax ${out[1]}`));
});

test('an unknown layer and an impossible shape are reported, not crashed on', { skip: SKIP }, () => {
  const dir = tempDir();
  const file = join(dir, 'models.json');
  writeFileSync(file, JSON.stringify([
    { class_name: 'Sequential', config: { name: 'm', layers: [L('InputLayer', { batch_shape: [null, 4] }), L('Transformer', {})] } },
    { class_name: 'Sequential', config: { name: 'm', layers: [L('InputLayer', { batch_shape: [null, 2, 2, 1] }), L('Conv2D', { filters: 1, kernel_size: 3 })] } },
  ]));
  const r = runPython(['--describe', file]);
  const [unknown, tooSmall] = JSON.parse(r.stdout) as Described[];
  assert.match(unknown!.error!, /layer 'Transformer' is not supported/);
  assert.match(tooSmall!.error!, /Conv2D/);
});

test('a layer argument missing from the spec is an error naming the layer and the argument, not a Keras default', { skip: SKIP }, () => {
  // The engine holds no Keras default (the catalog's lowering writes every argument), so a
  // config without `strides` must not silently run with strides 1.
  const dir = tempDir();
  const file = join(dir, 'models.json');
  const conv = L('Conv2D', { name: 'conv', filters: 1, kernel_size: 3 });
  delete conv.config['strides'];
  writeFileSync(file, JSON.stringify([{ class_name: 'Sequential', config: { name: 'm', layers: [L('InputLayer', { batch_shape: [null, 5, 5, 1] }), conv] } }]));
  const r = runPython(['--describe', file]);
  assert.equal(r.status, 0, r.stderr);
  const [described] = JSON.parse(r.stdout) as Described[];
  assert.match(described!.error ?? '', /Conv2D 'conv'.*has no 'strides' argument/);
});
