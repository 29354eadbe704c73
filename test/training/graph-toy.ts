// A toy layer graph for the engines' tests of layer-graph applications: small enough for the unit
// tier, and using every graph op (Add, Multiply's (1, 1, C) broadcast, Concatenate, LayerScale,
// CustomScaleLayer) with a BatchNormalization inside, nested in a Sequential model as the
// lowering nests an application.
import { join } from 'node:path';
import { optimizerArgs } from '../../language/catalog';
import { foldGraph, functionalConfig, GraphBuilder } from '../../language/catalog/graph/layer-graph';
import type { KerasLayerConfig } from '../../language/catalog/types';
import { buildModel, kerasOrderedWeights } from '../../training/engines/tfjs/model';
import type { RunSpec, TensorFile } from '../../training/protocol';
import { kerasLayer } from '../helpers/keras-defaults';
import { rng, writeTensor } from './torch/helpers';

export const INPUT = [8, 8, 3];
export const CLASSES = 4;

/** Every graph op once: a residual Add, a squeeze-and-excitation Multiply, Concatenate, LayerScale, CustomScaleLayer. */
export function toyGraph() {
  const g = new GraphBuilder('toy');
  let a = g.layer('Conv2D', { filters: 4, kernel_size: 3, padding: 'same', name: 'a_conv' }, g.input);
  a = g.layer('BatchNormalization', { axis: 3, epsilon: 1.001e-5, name: 'a_bn' }, a);
  a = g.layer('Activation', { activation: 'relu', name: 'a_relu' }, a);
  const b = g.layer('Conv2D', { filters: 4, kernel_size: 1, name: 'b_conv' }, g.input);
  const sum = g.merge('Add', [a, b], { name: 'sum' });
  let gate = g.layer('GlobalAveragePooling2D', { name: 'se_squeeze' }, sum);
  gate = g.layer('Reshape', { target_shape: [1, 1, 4], name: 'se_reshape' }, gate);
  gate = g.layer('Conv2D', { filters: 4, kernel_size: 1, activation: 'sigmoid', name: 'se_expand' }, gate);
  const excited = g.merge('Multiply', [sum, gate], { name: 'se_excite' });
  const joined = g.merge('Concatenate', [excited, b], { name: 'joined' });
  const scaled = g.merge('LayerScale', [joined], { init_values: 0.5, projection_dim: 8, name: 'scale' });
  return g.build(g.merge('CustomScaleLayer', [joined, scaled], { scale: 0.25, name: 'residual' }));
}

export function toyModel(trainable: boolean) {
  const folded = foldGraph(toyGraph(), INPUT, trainable);
  const nested = functionalConfig(folded, 'toy', trainable);
  // The lowering puts the model's input shape on its first layer.
  nested.config = { ...nested.config, batch_input_shape: [null, ...INPUT] };
  const layers: KerasLayerConfig[] = [
    nested,
    kerasLayer('GlobalAveragePooling2D', { name: 'gap' }),
    kerasLayer('Dense', { name: 'dense', units: CLASSES, activation: 'softmax' }),
  ];
  const head = 8 * CLASSES + CLASSES;
  const params = {
    total: folded.params.trainable + folded.params.nonTrainable + head,
    trainable: folded.params.trainable + head,
    nonTrainable: folded.params.nonTrainable,
  };
  return { model: { class_name: 'Sequential' as const, config: { name: 'toy_model', layers } }, params, folded };
}

export function spec(dir: string, trainable: boolean, backend: string): RunSpec {
  const { model, params } = toyModel(trainable);
  const n = 48;
  const r = rng(5);
  const x = Float32Array.from({ length: n * 8 * 8 * 3 }, () => r() * 2 - 1);
  const y = Int32Array.from({ length: n }, (_, i) => i % CLASSES);
  return {
    model,
    modelName: 'toy_model',
    sourceFile: join(dir, 'toy.model'),
    compile: {
      loss: 'categorical_crossentropy',
      optimizer: { name: 'SGD', args: optimizerArgs('SGD', { learning_rate: 0.1 }) },
      metrics: ['accuracy'],
    },
    data: {
      source: 'toy',
      train: {
        x: writeTensor(dir, 'x.bin', 'float32', [n, ...INPUT], x),
        y: writeTensor(dir, 'y.bin', 'int32', [n], y),
      },
      test: {
        x: writeTensor(dir, 'x.bin', 'float32', [n, ...INPUT], x),
        y: writeTensor(dir, 'y.bin', 'int32', [n], y),
      },
      validationSplit: 0,
      rescale: 1,
      classes: Array.from({ length: CLASSES }, (_, i) => `c${i}`),
      labelEncoding: 'onehot',
      shuffle: false,
      isImage: false,
    },
    fit: { epochs: 1, batchSize: 16, seed: 1, callbacks: [], backend, mixedPrecision: false, devices: 1, nnodes: 1 },
    expectedParams: params,
    runDir: join(dir, 'run'),
  } as RunSpec;
}

/** TF.js's initial weights of the model, in Keras order, as tensor files (what both engines load). */
export async function initialWeights(
  s: RunSpec,
  dir: string,
): Promise<{ tensors: TensorFile[]; values: Float32Array[] }> {
  const model = await buildModel(s, 1);
  const values: Float32Array[] = [];
  const tensors = kerasOrderedWeights(model).map((w, i) => {
    const v = Float32Array.from(w.read().dataSync() as Float32Array);
    values.push(v);
    return writeTensor(dir, `w${i}.bin`, 'float32', w.shape as number[], v);
  });
  model.dispose();
  return { tensors, values };
}

export const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
