// Builds the TF.js model from the run's Keras JSON, checks its parameter counts against the
// checker's (Keras's) numbers, and loads optional initial weights.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { AdaptedWeights, InitialWeights, LayerWeights, RunSpec } from '../../protocol';
import { registerActivityRegularizers } from './activity';
import { toTfjsTopology } from './keras-json';
import { registerKerasLayers } from './layers';
import { readTensorFile } from './tensor-files';

export interface ParamCounts {
  total: number;
  trainable: number;
  nonTrainable: number;
}

export function countParams(model: tfl.LayersModel): ParamCounts {
  const size = (ws: tfl.LayerVariable[]) =>
    ws.reduce((a, w) => a + w.shape.reduce((x: number, y) => x * (y ?? 1), 1), 0);
  const trainable = size(model.trainableWeights);
  const nonTrainable = size(model.nonTrainableWeights);
  return { total: trainable + nonTrainable, trainable, nonTrainable };
}

export async function buildModel(spec: Pick<RunSpec, 'model'>, seed?: number): Promise<tfl.LayersModel> {
  registerKerasLayers();
  const topology = toTfjsTopology(spec.model, seed);
  // modelFromJSON reads Keras's snake_case JSON, converting keys and class names itself.
  const model = await tfl.models.modelFromJSON({ modelTopology: topology } as unknown as tfl.ModelAndWeightsConfig);
  registerActivityRegularizers(model, spec.model);
  return model;
}

/** Throws a message naming each layer's count when TF.js's counts differ from Keras's. */
export function checkParams(model: tfl.LayersModel, expected: ParamCounts): void {
  const got = countParams(model);
  if (
    got.total === expected.total &&
    got.trainable === expected.trainable &&
    got.nonTrainable === expected.nonTrainable
  )
    return;
  const perLayer = model.layers.map((l) => `${l.name} (${l.getClassName()}): ${l.countParams()}`).join('; ');
  throw new Error(
    `parameter counts differ from Keras: TF.js built ${got.total} (trainable ${got.trainable}, non-trainable ${got.nonTrainable}), ` +
      `Keras expects ${expected.total} (trainable ${expected.trainable}, non-trainable ${expected.nonTrainable}). Layers: ${perLayer}`,
  );
}

/**
 * The model's weights in Keras's get_weights() order: layer by layer, each layer's own order
 * (BatchNormalization: gamma, beta, moving_mean, moving_variance). TF.js's model.weights lists
 * all trainable weights first, which differs as soon as a layer has non-trainable ones.
 */
export function kerasOrderedWeights(model: tfl.LayersModel): tfl.LayerVariable[] {
  return model.layers.flatMap(layerWeights);
}

/**
 * One layer's weights in Keras's order. A nested model (a layer-graph application such as
 * ResNet50) lists its layers' weights layer by layer, in its config's layer order: its own
 * `weights` would put every trainable weight first, as the outer model's do.
 */
export function layerWeights(layer: tfl.layers.Layer): tfl.LayerVariable[] {
  return layer instanceof tfl.LayersModel ? layer.layers.flatMap(layerWeights) : layer.weights;
}

/**
 * Sets weights from Keras-ordered float32 tensors: all the model's, or those of its first
 * `layers` layers (a Pretrained model's part). Errors name where the weights came from.
 */
export function loadInitialWeights(model: tfl.LayersModel, initial: InitialWeights): void {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const weights = (initial.layers === undefined ? layers : layers.slice(0, initial.layers)).flatMap(layerWeights);
  const source = initial.source ?? 'initialWeights';
  if (initial.tensors.length !== weights.length) {
    const what = initial.layers === undefined ? 'the model has' : `its first ${initial.layers} layers have`;
    throw new Error(
      `cannot load the weights of ${source}: ${initial.tensors.length} tensors given, ${what} ${weights.length} weights`,
    );
  }
  const tensors = initial.tensors.map((f, i) => {
    const w = weights[i]!;
    const host = readTensorFile(f);
    if (host.shape.join(',') !== w.shape.join(',')) {
      throw new Error(
        `cannot load the weights of ${source}: tensor ${i} has shape [${host.shape}], ${w.originalName} needs [${w.shape}]`,
      );
    }
    return tf.tensor(host.data, host.shape, 'float32');
  });
  weights.forEach((w, i) => w.write(tensors[i]!));
  tf.dispose(tensors);
}

/** spec.layerWeights: one layer's Keras-ordered tensors (an application's weights file), checked by shape. */
export function loadLayerWeights(model: tfl.LayersModel, part: LayerWeights): void {
  const layer = model.layers.find((l) => l.name === part.layer);
  if (!layer) throw new Error(`cannot load ${part.source}: the model has no layer '${part.layer}'`);
  const weights = layerWeights(layer);
  if (part.tensors.length !== weights.length) {
    throw new Error(
      `cannot load ${part.source} into '${part.layer}': ${part.tensors.length} tensors given, the layer has ${weights.length} weights`,
    );
  }
  weights.forEach((w, i) => {
    const host = readTensorFile(part.tensors[i]!);
    if (host.shape.join(',') !== w.shape.join(',')) {
      throw new Error(
        `cannot load ${part.source}: ${w.originalName} of '${part.layer}' has shape [${w.shape}], the file's has [${host.shape}]`,
      );
    }
    const t = tf.tensor(host.data, host.shape, 'float32');
    w.write(t);
    t.dispose();
  });
}

/**
 * Sets each adapted Normalization's weights (mean, variance, count: Keras 3's order), computed
 * from the training data by the run (training/data/adapt.ts).
 */
export function loadAdaptedWeights(model: tfl.LayersModel, adapted: readonly AdaptedWeights[]): void {
  for (const a of adapted) {
    const layer = model.layers.find((l) => l.name === a.layer);
    const weights = layer?.weights.map((w) => w.originalName.split('/').pop());
    if (!layer || weights?.join(',') !== 'mean,variance,count') {
      throw new Error(
        `cannot set the adapted statistics of ${a.layer}: the model has no Normalization of that name with adapt weights (it has ${weights?.join(', ') ?? 'no such layer'})`,
      );
    }
    const tensors = [
      tf.tensor(a.mean, a.shape, 'float32'),
      tf.tensor(a.variance, a.shape, 'float32'),
      tf.scalar(a.count),
    ];
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
}

export function inputShapeOf(model: tfl.LayersModel): number[] {
  const s = model.inputs[0]!.shape.slice(1);
  if (s.some((d) => d == null))
    throw new Error(`model: the input shape (${s.join(', ')}) must be fully known to train`);
  return s as number[];
}

export function outputShapeOf(model: tfl.LayersModel): number[] {
  return model.outputs[0]!.shape.slice(1).map((d) => d ?? 1);
}

/** Regularization penalties of every layer (Sequential's own calculateLosses() misses them). */
export function regularizationLosses(model: tfl.LayersModel): tf.Scalar[] {
  return model.layers.flatMap((l) => l.calculateLosses());
}
