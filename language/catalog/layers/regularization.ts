// Regularization layers that leave the shape alone: SpatialDropout1D/2D/3D (drop whole channels),
// GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization. Dropout itself lives with
// the core layers.

import { arg, float, fraction, int, listOf, optional, required, seed } from '../arg-types';
import { dataFormatArg, HYPERPARAMETER } from '../common-args';
import { defineLayer } from '../define-layer';
import { NO_PYTORCH_EXPORT } from '../support';
import type { LayerSpec } from '../types';

const seedArg = arg('seed', seed, null, 'Random seed.');

function spatialDropout(rank: 1 | 2 | 3): LayerSpec {
  return defineLayer({
    name: `SpatialDropout${rank}D`,
    category: 'regularization',
    unsupported: rank === 3 ? NO_PYTORCH_EXPORT : [],
    doc: `Like Dropout, but drops entire channels (feature maps) of a ${rank}D input instead of single elements.`,
    inputRanks: [rank + 1],
    args: [
      required('rate', fraction, 'Fraction of the channels to drop, in [0, 1).', HYPERPARAMETER),
      ...(rank === 1 ? [] : [dataFormatArg]),
      seedArg,
    ],
    outputShape: (ctx) => ctx.input,
  });
}

export const SpatialDropout1D = spatialDropout(1);
export const SpatialDropout2D = spatialDropout(2);
export const SpatialDropout3D = spatialDropout(3);

export const GaussianNoise: LayerSpec = defineLayer({
  name: 'GaussianNoise',
  category: 'regularization',
  doc: 'Adds zero-centred Gaussian noise with standard deviation stddev during training; does nothing at inference.',
  args: [required('stddev', float(0), 'Standard deviation of the noise.'), seedArg],
  outputShape: (ctx) => ctx.input,
});

export const GaussianDropout: LayerSpec = defineLayer({
  name: 'GaussianDropout',
  category: 'regularization',
  unsupported: NO_PYTORCH_EXPORT,
  doc: 'Multiplies inputs by 1-centred Gaussian noise with stddev sqrt(rate / (1 - rate)) during training.',
  args: [required('rate', fraction, 'Drop probability, as for Dropout, in [0, 1).', HYPERPARAMETER), seedArg],
  outputShape: (ctx) => ctx.input,
});

// keras/src/layers/regularization/alpha_dropout.py: in training, dropped values become
// alpha_p = -alpha · scale (SELU's saturation), then a · x + b keeps the mean and variance.
export const AlphaDropout: LayerSpec = defineLayer({
  name: 'AlphaDropout',
  category: 'regularization',
  unsupported: NO_PYTORCH_EXPORT,
  argSupport: [{ arg: 'noise_shape', only: null, targets: ['tfjs', 'torch', 'onnx'] }],
  doc: "Dropout for SELU networks: in training, sets inputs to SELU's negative saturation with probability rate and rescales so that the mean and variance stay the same.",
  args: [
    required('rate', fraction, 'Drop probability, as for Dropout, in [0, 1).', HYPERPARAMETER),
    arg(
      'noise_shape',
      optional(listOf(optional(int(1)))),
      null,
      'Shape of the binary mask (None: one value per input element).',
    ),
    seedArg,
  ],
  outputShape: (ctx) => ctx.input,
});

// keras/src/layers/regularization/activity_regularization.py: the identity, with an
// L1L2(l1, l2) activity regularizer, so l1·Σ|x| + l2·Σx² over the batch joins the loss (in
// training and evaluation, as every activity regularizer). Its config has l1 and l2 only.
export const ActivityRegularization: LayerSpec = defineLayer({
  name: 'ActivityRegularization',
  category: 'regularization',
  // The PyTorch script has no activity regularizers: it would train without the penalty.
  unsupported: NO_PYTORCH_EXPORT,
  doc: 'Passes its input through unchanged and adds l1·Σ|x| + l2·Σx² of it (over the batch) to the training loss.',
  args: [
    arg(
      'l1',
      float(0),
      0.0,
      'L1 factor: l1 times the sum of the absolute values is added to the loss.',
      HYPERPARAMETER,
    ),
    arg('l2', float(0), 0.0, 'L2 factor: l2 times the sum of the squares is added to the loss.', HYPERPARAMETER),
  ],
  outputShape: (ctx) => ctx.input,
});

export const REGULARIZATION_LAYERS: readonly LayerSpec[] = [
  ActivityRegularization,
  AlphaDropout,
  SpatialDropout1D,
  SpatialDropout2D,
  SpatialDropout3D,
  GaussianNoise,
  GaussianDropout,
];
