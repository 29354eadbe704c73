// Preprocessing and augmentation layers (Keras 3, keras/src/layers/preprocessing/, read at
// keras-team/keras 3422977a). None has trainable weights; Normalization without mean/variance
// has three non-trainable ones (mean, variance, count: Normalization.build, the adapt branch),
// which a run fills from the training data as Keras's `adapt` does (training/data/adapt.ts,
// with `adaptPassage` below for the layers the data passes on its way). Every image layer takes (height, width, channels) and leaves the channels alone. The
// Random* layers are active in training only (Keras's `training` argument): identity at
// inference and evaluation.

import { arg, bool, float, int, listOf, oneOf, optional, required, seed, union } from '../arg-types';
import { dataFormatArg } from '../common-args';
import { defineLayer } from '../define-layer';
import { normalizeAxis, knownDim } from '../shapes';
import type { SupportTarget } from '../support';
import { ShapeError, type ArgSpec, type ArgValue, type LayerContext, type LayerSpec } from '../types';
import { argIntList, argNumber } from '../values';

/** The PyTorch script export has no counterpart for these (it refuses them with the catalog's message). */
const NO_SCRIPT: readonly SupportTarget[] = ['pytorch'];

const seedArg = arg('seed', seed, null, 'Random seed (default: fit.seed, so a seeded run repeats exactly).');
const fillModeArg = arg(
  'fill_mode',
  oneOf('reflect', 'wrap', 'constant', 'nearest'),
  'reflect',
  "How points outside the input are filled: 'reflect' (d c b a | a b c d | d c b a), 'wrap', 'constant' (fill_value) or 'nearest'.",
);
const interpolationArg = arg('interpolation', oneOf('bilinear', 'nearest'), 'bilinear', 'How pixels are sampled.');
const fillValueArg = arg('fill_value', float(), 0.0, "The value outside the input with fill_mode='constant'.");
const valueRangeArg = arg(
  'value_range',
  listOf(float()),
  [0, 255],
  'The (low, high) range of the input values; outputs are clipped to it.',
);

/** A factor: one number f for [-f, f], or a (low, high) pair. */
function factorArg(name: string, doc: string, min?: number, max?: number): ArgSpec {
  return required(name, union(float(min, max), listOf(float(min, max))), doc);
}

/** (height, width, channels) → (height, width, channels): the random image layers. */
const sameImage = (ctx: LayerContext) => ctx.input;

function sizeArgs(what: string): ArgSpec[] {
  return [required('height', int(1), `Height of the ${what}.`), required('width', int(1), `Width of the ${what}.`)];
}

/** (H, W, C) → (height, width, C). */
function resized(ctx: LayerContext) {
  return [argNumber(ctx.args, 'height'), argNumber(ctx.args, 'width'), ctx.input[2]!];
}

/** Keras 3's factor check: one number, or a pair of two (which Keras 3 sorts: (0.2, -0.1) is (-0.1, 0.2)). */
function checkFactor(layer: string, ctx: LayerContext, name: string): void {
  const value = ctx.args[name] as ArgValue | undefined;
  if (!Array.isArray(value)) return;
  if (value.length !== 2) {
    throw new ShapeError(
      'shape-mismatch',
      `${layer} ${name} must be one number f (for [-f, f]) or a pair (low, high); got ${value.length} numbers ${JSON.stringify(value)}`,
    );
  }
}

export const Rescaling: LayerSpec = defineLayer({
  name: 'Rescaling',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  doc: 'Multiplies the input by scale and adds offset: Rescaling(1/255) maps [0, 255] to [0, 1], Rescaling(1/127.5, offset=-1) to [-1, 1].',
  args: [
    required('scale', float(), 'The factor every value is multiplied by.'),
    arg('offset', float(), 0.0, 'Added after scaling.'),
  ],
  outputShape: (ctx) => ctx.input,
});

/** Normalization's kept axes (0-based, without the batch axis), sorted. */
function keptAxes(ctx: LayerContext): number[] {
  const axes = ctx.args.axis === null ? [] : (argIntList(ctx.args, 'axis') ?? []);
  return axes.map((a) => normalizeAxis('Normalization', a, ctx.input)).sort((a, b) => a - b);
}

export const Normalization: LayerSpec = defineLayer({
  name: 'Normalization',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  doc: "(x - mean) / sqrt(variance) per feature of `axis`. Without mean and variance the layer is adapted on the training data before training (Keras's `layer.adapt(x_train)`: the mean and population variance over every axis but `axis`), and the saved model keeps them as the weights mean, variance and count.",
  args: [
    arg(
      'axis',
      optional(union(int(), listOf(int()))),
      -1,
      'The axis or axes that keep their own mean and variance (-1: the last, e.g. one per channel); None: one mean and variance for everything.',
    ),
    arg(
      'mean',
      optional(union(float(), listOf(float()))),
      null,
      'The mean per kept feature (or one for all); None: adapted on the training data.',
    ),
    arg(
      'variance',
      optional(union(float(0), listOf(float(0)))),
      null,
      'The variance per kept feature (or one for all); None: adapted on the training data.',
    ),
    arg('invert', bool, false, 'Undo a normalisation instead: x · sqrt(variance) + mean.'),
  ],
  // The default config writes a None argument as its default; axis=None is a value of its own.
  kerasConfig: (ctx) => (ctx.args.axis === null ? { axis: null } : {}),
  outputShape(ctx) {
    const axes = keptAxes(ctx);
    const hasMean = ctx.args.mean !== null && ctx.args.mean !== undefined;
    const hasVariance = ctx.args.variance !== null && ctx.args.variance !== undefined;
    if (hasMean !== hasVariance) {
      throw new ShapeError(
        'shape-mismatch',
        'Normalization needs both mean and variance, or neither (then they are the adapt weights); add the missing one or remove both',
      );
    }
    for (const name of ['mean', 'variance']) {
      const value = ctx.args[name];
      if (!Array.isArray(value)) continue;
      const want = axes.reduce((n, a) => n * knownDim('Normalization', ctx.input, a, 'kept axis'), 1);
      if (value.length !== want) {
        throw new ShapeError(
          'shape-mismatch',
          `Normalization ${name} has ${value.length} values but the kept axes of the input have ${want} features; give ${want} values or one number`,
        );
      }
    }
    return ctx.input;
  },
  params(ctx) {
    if (ctx.args.mean !== null && ctx.args.mean !== undefined) return { trainable: 0, nonTrainable: 0 };
    const size = keptAxes(ctx).reduce((n, a) => n * knownDim('Normalization', ctx.input, a, 'kept axis'), 1);
    return { trainable: 0, nonTrainable: 2 * size + 1 }; // mean, variance, count (a scalar)
  },
});

/** A Normalization without mean and variance: Keras's adapt weights, which a run fills from the training data. */
export function isAdapted(className: string, args: Record<string, unknown>): boolean {
  return className === 'Normalization' && (args.mean === null || args.mean === undefined);
}

/** The Random* layers: they change the data in training only (Keras's `training` argument). */
const TRAINING_ONLY = new Set([
  'RandomFlip',
  'RandomRotation',
  'RandomZoom',
  'RandomTranslation',
  'RandomContrast',
  'RandomBrightness',
]);

/**
 * How the training data reaches an adapted Normalization through a layer before it. Keras adapts
 * on the data the user passes, which for `Sequential([..., norm])` is what the layers before it
 * output at inference: the Random* layers are the identity there, and Rescaling is a formula
 * data preparation computes. Any other layer (one with weights, a resize) would need the model
 * itself to run before training: undefined, and the checker asks for mean and variance instead.
 */
export function adaptPassage(className: string): 'identity' | 'rescaling' | undefined {
  if (className === 'InputLayer' || TRAINING_ONLY.has(className)) return 'identity';
  if (className === 'Rescaling') return 'rescaling';
  return undefined;
}

export const Resizing: LayerSpec = defineLayer({
  name: 'Resizing',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  argSupport: [
    { arg: 'pad_to_aspect_ratio', only: false, targets: ['tfjs', 'torch', 'onnx'] },
    { arg: 'antialias', only: false, targets: ['tfjs', 'torch', 'onnx'] },
  ],
  doc: 'Resizes images to (height, width) with the given interpolation; crop_to_aspect_ratio crops the largest centred window of the target aspect ratio first.',
  inputRanks: [3],
  args: [
    ...sizeArgs('output'),
    arg('interpolation', oneOf('bilinear', 'nearest'), 'bilinear', 'How pixels are sampled.'),
    arg(
      'crop_to_aspect_ratio',
      bool,
      false,
      'Crop to the target aspect ratio (centred) before resizing, so nothing is distorted.',
    ),
    arg('pad_to_aspect_ratio', bool, false, 'Pad (centred, fill_value) to the target aspect ratio before resizing.'),
    arg('fill_mode', oneOf('constant'), 'constant', "How pad_to_aspect_ratio fills: 'constant' only."),
    fillValueArg,
    arg('antialias', bool, false, 'Use an antialiasing filter when downsampling.'),
    dataFormatArg,
  ],
  outputShape: resized,
});

export const CenterCrop: LayerSpec = defineLayer({
  name: 'CenterCrop',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  doc: 'Crops the centre (height, width) of each image; an image smaller than that is first resized up, keeping its aspect ratio.',
  inputRanks: [3],
  args: [...sizeArgs('crop'), dataFormatArg],
  outputShape: resized,
});

export const RandomFlip: LayerSpec = defineLayer({
  name: 'RandomFlip',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  doc: 'In training, flips each image left-right and/or up-down with probability 1/2 each; identity at inference.',
  inputRanks: [3],
  args: [
    arg(
      'mode',
      oneOf('horizontal', 'vertical', 'horizontal_and_vertical'),
      'horizontal_and_vertical',
      "'horizontal' (left-right), 'vertical' (up-down) or both.",
    ),
    seedArg,
    dataFormatArg,
  ],
  outputShape: sameImage,
});

export const RandomRotation: LayerSpec = defineLayer({
  name: 'RandomRotation',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  doc: 'In training, rotates each image by a random angle of factor · 360° (factor=0.1: up to ±36°) about its centre; identity at inference.',
  inputRanks: [3],
  args: [
    // Keras 3's _FACTOR_BOUNDS (-1, 1).
    factorArg('factor', 'Fraction of a full turn: f for [-f, f], or (low, high); each in [-1, 1].', -1, 1),
    fillModeArg,
    interpolationArg,
    seedArg,
    fillValueArg,
    dataFormatArg,
  ],
  outputShape(ctx) {
    checkFactor('RandomRotation', ctx, 'factor');
    return ctx.input;
  },
});

export const RandomZoom: LayerSpec = defineLayer({
  name: 'RandomZoom',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  doc: 'In training, zooms each image by a random factor: height_factor=0.2 zooms out or in by up to 20% (positive: out, negative: in); identity at inference.',
  inputRanks: [3],
  args: [
    factorArg('height_factor', 'Vertical zoom: f for [-f, f], or (low, high); each in [-1, 1].', -1, 1),
    arg(
      'width_factor',
      optional(union(float(-1, 1), listOf(float(-1, 1)))),
      null,
      'Horizontal zoom, like height_factor; None keeps the aspect ratio (the height factor for both).',
    ),
    fillModeArg,
    interpolationArg,
    seedArg,
    fillValueArg,
    dataFormatArg,
  ],
  outputShape(ctx) {
    checkFactor('RandomZoom', ctx, 'height_factor');
    checkFactor('RandomZoom', ctx, 'width_factor');
    return ctx.input;
  },
});

export const RandomTranslation: LayerSpec = defineLayer({
  name: 'RandomTranslation',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  doc: 'In training, shifts each image by a random fraction of its height and width; identity at inference.',
  inputRanks: [3],
  args: [
    factorArg('height_factor', 'Vertical shift as a fraction of the height: f for [-f, f], or (low, high).', -1, 1),
    factorArg('width_factor', 'Horizontal shift as a fraction of the width: f for [-f, f], or (low, high).', -1, 1),
    fillModeArg,
    interpolationArg,
    seedArg,
    fillValueArg,
    dataFormatArg,
  ],
  outputShape(ctx) {
    checkFactor('RandomTranslation', ctx, 'height_factor');
    checkFactor('RandomTranslation', ctx, 'width_factor');
    return ctx.input;
  },
});

export const RandomContrast: LayerSpec = defineLayer({
  name: 'RandomContrast',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  doc: 'In training, scales each image about its per-channel mean by a random factor in [1 - lower, 1 + upper], clipped to value_range; identity at inference.',
  inputRanks: [3],
  args: [factorArg('factor', 'f for [1 - f, 1 + f], or (lower, upper); each in [0, 1].', 0, 1), valueRangeArg, seedArg],
  outputShape(ctx) {
    checkFactor('RandomContrast', ctx, 'factor');
    return ctx.input;
  },
});

export const RandomBrightness: LayerSpec = defineLayer({
  name: 'RandomBrightness',
  category: 'preprocessing',
  unsupported: NO_SCRIPT,
  doc: 'In training, adds a random delta of factor · (value_range width) to each image, clipped to value_range; identity at inference.',
  inputRanks: [3],
  args: [factorArg('factor', 'f for [-f, f], or (low, high); each in [-1, 1].', -1, 1), valueRangeArg, seedArg],
  outputShape(ctx) {
    checkFactor('RandomBrightness', ctx, 'factor');
    return ctx.input;
  },
});

export const PREPROCESSING_LAYERS: readonly LayerSpec[] = [
  Rescaling,
  Normalization,
  Resizing,
  CenterCrop,
  RandomFlip,
  RandomRotation,
  RandomZoom,
  RandomTranslation,
  RandomContrast,
  RandomBrightness,
];
