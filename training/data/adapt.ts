// Keras's `Normalization.adapt(x_train)`, done by the run before training: for each Normalization
// without mean and variance, the mean and the population variance (numpy's np.mean / np.var, as
// Keras 3's adapt computes them on an array) of the training split over every axis but the
// layer's `axis`. Computed once here from the prepared tensor file, so both engines, the saved
// model.json and every export made from it carry the same numbers (RunSpec.adapted).
//
// The data is what reaches the layer at inference: the training split (without the validation
// part that validation_split takes from its end), times the data block's rescale, through the
// layers before it, which `adaptPassage` (the catalog) limits to Rescaling and the Random*
// layers (the identity outside training); the checker refuses a Normalization after any other
// (language/analysis/adapt-check.ts). Augmentation (ImageDataGenerator) is not applied: it acts
// on training batches, after adapting.

import { adaptPassage, isAdapted } from '../../language/catalog';
import type { KerasModelConfig } from '../../language/lowering';
import { readTensorFile } from '../engines/tfjs/tensor-files';
import type { AdaptedWeights, PreparedData } from '../protocol';

type LoweredLayer = KerasModelConfig['config']['layers'][number];

/**
 * The adapted weights of every Normalization of `model` that has no mean and variance.
 * `pretrainedLayers`: the first layers (InputLayer not counted) that start from a saved model's
 * weights, whose Normalization keeps the statistics it was saved with.
 */
export function adaptNormalization(
  model: KerasModelConfig,
  data: PreparedData,
  pretrainedLayers = 0,
): AdaptedWeights[] {
  const layers = model.config.layers;
  const targets = layers
    .map((layer, i) => ({ layer, i }))
    .filter(({ layer, i }) => isAdapted(layer.class_name, layer.config) && layerNumber(layers, i) >= pretrainedLayers);
  if (targets.length === 0) return [];

  const x = readTensorFile(data.train.x);
  const [total, ...sampleShape] = x.shape as [number, ...number[]];
  // Keras's validation_split: the last fraction validates, the first floor(n · (1 - split)) train.
  const rows = !data.validation && data.validationSplit > 0 ? Math.floor(total * (1 - data.validationSplit)) : total;
  const size = sampleShape.reduce((a, b) => a * b, 1);
  return targets.map(({ layer, i }) => {
    // The data block's rescale, then each layer before it: together one a · x + b.
    const affine = layers
      .slice(0, i)
      .map((before) => passageOf(before, layer))
      .reduce(([a, b], [scale, offset]) => [a * scale, b * scale + offset], [data.rescale, 0]);
    return statistics(layer, x.data, rows, size, sampleShape, affine);
  });
}

/** The layer's place among the model's layers as the engines count them (InputLayer is none). */
function layerNumber(layers: readonly LoweredLayer[], i: number): number {
  return layers.slice(0, i).filter((l) => l.class_name !== 'InputLayer').length;
}

/** What a layer before the Normalization does to each value at inference, as (scale, offset). */
function passageOf(before: LoweredLayer, norm: LoweredLayer): [number, number] {
  const passage = adaptPassage(before.class_name);
  if (passage === 'identity') return [1, 0];
  if (passage === 'rescaling') return [Number(before.config.scale), Number(before.config.offset)];
  // The checker reports this (normalization-not-adaptable); a RunSpec built around it is a bug.
  throw new Error(
    `${String(norm.config.name)}: cannot adapt it on the training data through ${String(before.config.name)} (${before.class_name}); give it mean= and variance=`,
  );
}

/** Mean and population variance per kept feature, in float64 (two passes, as numpy's np.var). */
function statistics(
  layer: LoweredLayer,
  values: ArrayLike<number>,
  rows: number,
  size: number,
  sampleShape: number[],
  [a, b]: [number, number],
): AdaptedWeights {
  const value = (v: number) => a * v + b;
  const rank = sampleShape.length + 1; // with the batch axis
  const axis = layer.config.axis;
  const axes = axis === null || axis === undefined ? [] : Array.isArray(axis) ? axis : [axis];
  const kept = [...new Set(axes.map((a) => Number(a)).map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  if (kept.some((a) => a < 1 || a >= rank)) {
    throw new Error(
      `${String(layer.config.name)}: axis ${JSON.stringify(axis)} is not an axis of its input (${sampleShape.join(', ')}); the checker should have said so`,
    );
  }
  const shape = kept.map((a) => sampleShape[a - 1]!);
  const features = shape.reduce((a, b) => a * b, 1);
  // The feature each value of a sample belongs to: its index along the kept axes, row-major.
  const featureOf = new Int32Array(size);
  const strides = sampleShape.map((_, k) => sampleShape.slice(k + 1).reduce((a, b) => a * b, 1));
  for (let j = 0; j < size; j++) {
    let f = 0;
    for (const a of kept) f = f * sampleShape[a - 1]! + (Math.floor(j / strides[a - 1]!) % sampleShape[a - 1]!);
    featureOf[j] = f;
  }
  const per = (rows * size) / features; // values reduced into each feature
  const sum = new Float64Array(features);
  for (let n = 0; n < rows; n++) {
    const base = n * size;
    for (let j = 0; j < size; j++) sum[featureOf[j]!]! += value(values[base + j]!);
  }
  const mean = Array.from(sum, (s) => s / per);
  const squares = new Float64Array(features);
  for (let n = 0; n < rows; n++) {
    const base = n * size;
    for (let j = 0; j < size; j++) {
      const f = featureOf[j]!;
      const d = value(values[base + j]!) - mean[f]!;
      squares[f]! += d * d;
    }
  }
  return {
    layer: String(layer.config.name),
    shape,
    mean,
    variance: Array.from(squares, (s) => s / per),
    // Keras 3's adapt never assigns count: the weight exists "for backwards compatibility with
    // older saved models" (normalization.py, build) and stays 0.
    count: 0,
  };
}
