// Convolutions: Conv1D/2D/3D, Conv1D/2D/3DTranspose, SeparableConv1D/2D, DepthwiseConv2D (channels_last).
// Weights, as Keras builds them:
//   ConvND:          kernel k1·…·kN · (C / groups) · filters, bias filters
//   ConvNDTranspose: kernel k1·…·kN · filters · C, bias filters
//   SeparableConvND: depthwise k1·…·kN · C · depth_multiplier, pointwise C · depth_multiplier · filters, bias filters
//   DepthwiseConv2D: depthwise kh·kw · C · depth_multiplier, bias C · depth_multiplier

import { arg, int, intTuple, oneOfAnyCase, optional, required } from '../arg-types';
import {
  activationArg,
  activityRegularizerArg,
  constraintArg,
  dataFormatArg,
  HYPERPARAMETER,
  initializerArg,
  kernelBiasArgs,
  regularizerArg,
  useBiasArg,
} from '../common-args';
import { deconvOutputLength, type ConvPadding } from '../conv-utils';
import { defineLayer } from '../define-layer';
import { NO_PYTORCH_EXPORT } from '../support';
import { intOrTuplePhrase } from '../phrases';
import { formatShape, formatTuple, knownDim } from '../shapes';
import { ShapeError, type ArgSpec, type LayerContext, type LayerSpec } from '../types';
import { argBool, argNumber, argOptionalTuple, argString, argTuple } from '../values';
import { slideWindow } from './windows';

function kernelArg(rank: number): ArgSpec {
  return required(
    'kernel_size',
    intTuple(rank),
    `Size of the convolution window: ${intOrTuplePhrase(rank)}.`,
    HYPERPARAMETER,
  );
}
function stridesArg(rank: number): ArgSpec {
  return arg(
    'strides',
    intTuple(rank),
    rank === 1 ? 1 : Array<number>(rank).fill(1),
    'Step of the window along each spatial axis.',
    HYPERPARAMETER,
  );
}
function dilationArg(rank: number): ArgSpec {
  return arg(
    'dilation_rate',
    intTuple(rank),
    rank === 1 ? 1 : Array<number>(rank).fill(1),
    'Spacing between kernel elements (atrous convolution).',
    HYPERPARAMETER,
  );
}
function paddingArg(causal: boolean): ArgSpec {
  const values = causal ? ['valid', 'same', 'causal'] : ['valid', 'same'];
  const doc =
    "'valid': no padding, the output shrinks; 'same': zero-pad so that the output is ceil(input / stride)" +
    (causal ? "; 'causal': pad on the left only (for sequences)." : '.');
  return arg('padding', oneOfAnyCase(...values), 'valid', doc, HYPERPARAMETER);
}
const filtersArg = required('filters', int(1), 'Number of output channels (filters).', HYPERPARAMETER);
const depthMultiplierArg = arg('depth_multiplier', int(1), 1, 'Number of depthwise output channels per input channel.');

interface Window {
  kernel: number[];
  strides: number[];
  dilation: number[];
  padding: ConvPadding;
}

/** Reads the window arguments and rejects what Keras's constructor rejects. */
function readWindow(layer: string, ctx: LayerContext, rank: number): Window {
  const w: Window = {
    kernel: argTuple(ctx.args, 'kernel_size', rank),
    strides: argTuple(ctx.args, 'strides', rank),
    dilation: argTuple(ctx.args, 'dilation_rate', rank),
    padding: argString(ctx.args, 'padding') as ConvPadding,
  };
  if (Math.max(...w.strides) > 1 && Math.max(...w.dilation) > 1) {
    throw new ShapeError(
      'shape-mismatch',
      `${layer} cannot combine strides ${formatTuple(w.strides)} with dilation_rate ${formatTuple(w.dilation)} (Keras rejects strides > 1 with dilation_rate > 1); set one of them to 1`,
    );
  }
  return w;
}

function convSpatial(layer: string, ctx: LayerContext, rank: number): (number | null)[] {
  const w = readWindow(layer, ctx, rank);
  return slideWindow(ctx.input.slice(0, rank), {
    layer,
    windowName: 'kernel_size',
    window: w.kernel,
    strides: w.strides,
    padding: w.padding,
    dilation: w.dilation,
  });
}

const product = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

function convLayer(rank: 1 | 2 | 3): LayerSpec {
  const unsupported = rank === 3 ? NO_PYTORCH_EXPORT : [];
  const name = `Conv${rank}D`;
  const checkGroups = (ctx: LayerContext, channels: number | null) => {
    const groups = argNumber(ctx.args, 'groups');
    const filters = argNumber(ctx.args, 'filters');
    if (filters % groups !== 0) {
      throw new ShapeError(
        'shape-mismatch',
        `${name} with groups=${groups} needs filters divisible by ${groups}, but filters=${filters}; change filters or groups`,
      );
    }
    if (channels !== null && channels % groups !== 0) {
      throw new ShapeError(
        'shape-mismatch',
        `${name} with groups=${groups} needs input channels divisible by ${groups}, but the input ${formatShape(ctx.input)} has ${channels} channels; change groups`,
      );
    }
  };
  return defineLayer({
    name,
    category: 'convolution',
    unsupported,
    doc: `${rank}D convolution: slides \`filters\` kernels over the ${rank === 1 ? 'steps of a sequence' : rank === 2 ? 'height and width of an image' : 'depth, height and width of a volume'}; input (${rank === 1 ? 'steps' : rank === 2 ? 'height, width' : 'depth, height, width'}, channels).`,
    inputRanks: [rank + 1],
    args: [
      filtersArg,
      kernelArg(rank),
      stridesArg(rank),
      paddingArg(rank === 1),
      dataFormatArg,
      dilationArg(rank),
      arg(
        'groups',
        int(1),
        1,
        'Number of channel groups convolved separately; input channels and filters must divide by it.',
      ),
      activationArg(),
      useBiasArg,
      ...kernelBiasArgs(),
    ],
    outputShape(ctx) {
      checkGroups(ctx, ctx.input[rank]);
      return [...convSpatial(name, ctx, rank), argNumber(ctx.args, 'filters')];
    },
    params(ctx) {
      const channels = knownDim(name, ctx.input, -1, 'channel axis');
      checkGroups(ctx, channels);
      const filters = argNumber(ctx.args, 'filters');
      const kernel = product(argTuple(ctx.args, 'kernel_size', rank));
      const weights = kernel * (channels / argNumber(ctx.args, 'groups')) * filters;
      return { trainable: weights + (argBool(ctx.args, 'use_bias') ? filters : 0), nonTrainable: 0 };
    },
  });
}

export const Conv1D = convLayer(1);
export const Conv2D = convLayer(2);
export const Conv3D = convLayer(3);

/**
 * Conv1DTranspose, Conv2DTranspose, Conv3DTranspose (keras/src/layers/convolutional/
 * base_conv_transpose.py): kernel k1·…·kN · filters · C, bias filters; each spatial axis is
 * Keras's deconv_output_length, with output_padding when given.
 */
function convTransposeLayer(rank: 1 | 2 | 3): LayerSpec {
  const name = `Conv${rank}DTranspose`;
  return defineLayer({
    name,
    category: 'convolution',
    unsupported: NO_PYTORCH_EXPORT,
    doc:
      `Transposed ${rank}D convolution ("deconvolution"): goes the opposite way of Conv${rank}D, e.g. upsampling ` +
      `by its strides; input (${rank === 1 ? 'steps' : rank === 2 ? 'height, width' : 'depth, height, width'}, channels).`,
    inputRanks: [rank + 1],
    args: [
      filtersArg,
      kernelArg(rank),
      stridesArg(rank),
      paddingArg(false),
      arg(
        'output_padding',
        optional(intTuple(rank, 0)),
        null,
        'Extra steps added to one side of the output along each axis; each must be less than its stride. None: inferred.',
      ),
      dataFormatArg,
      dilationArg(rank),
      activationArg(),
      useBiasArg,
      ...kernelBiasArgs(),
    ],
    outputShape(ctx) {
      const w = readWindow(name, ctx, rank);
      const outputPadding = argOptionalTuple(ctx.args, 'output_padding', rank);
      if (outputPadding?.some((p, i) => p >= w.strides[i])) {
        throw new ShapeError(
          'shape-mismatch',
          `${name} output_padding ${formatTuple(outputPadding)} must be less than strides ${formatTuple(w.strides)} on each axis; lower output_padding`,
        );
      }
      const spatial = w.kernel.map((k, i) =>
        deconvOutputLength(ctx.input[i], k, w.padding, outputPadding?.[i] ?? null, w.strides[i], w.dilation[i]),
      );
      return [...spatial, argNumber(ctx.args, 'filters')];
    },
    params(ctx) {
      const channels = knownDim(name, ctx.input, -1, 'channel axis');
      const filters = argNumber(ctx.args, 'filters');
      const kernel = product(argTuple(ctx.args, 'kernel_size', rank));
      return {
        trainable: kernel * filters * channels + (argBool(ctx.args, 'use_bias') ? filters : 0),
        nonTrainable: 0,
      };
    },
  });
}

export const Conv1DTranspose = convTransposeLayer(1);
export const Conv2DTranspose = convTransposeLayer(2);
export const Conv3DTranspose = convTransposeLayer(3);

/**
 * SeparableConv1D and SeparableConv2D (keras/src/layers/convolutional/base_separable_conv.py):
 * depthwise k1·…·kN · C · depth_multiplier, pointwise C · depth_multiplier · filters, bias filters.
 */
function separableLayer(rank: 1 | 2): LayerSpec {
  const name = `SeparableConv${rank}D`;
  return defineLayer({
    name,
    category: 'convolution',
    unsupported: NO_PYTORCH_EXPORT,
    doc:
      `Depthwise separable ${rank}D convolution: a depthwise convolution per channel, then a pointwise ` +
      `(kernel 1) convolution mixing channels into \`filters\`; input (${rank === 1 ? 'steps' : 'height, width'}, channels).`,
    inputRanks: [rank + 1],
    args: [
      filtersArg,
      kernelArg(rank),
      stridesArg(rank),
      paddingArg(false),
      dataFormatArg,
      dilationArg(rank),
      depthMultiplierArg,
      activationArg(),
      useBiasArg,
      initializerArg('depthwise_initializer', 'glorot_uniform', 'depthwise kernel'),
      initializerArg('pointwise_initializer', 'glorot_uniform', 'pointwise kernel'),
      initializerArg('bias_initializer', 'zeros', 'bias vector'),
      regularizerArg('depthwise_regularizer', 'depthwise kernel'),
      regularizerArg('pointwise_regularizer', 'pointwise kernel'),
      regularizerArg('bias_regularizer', 'bias vector'),
      activityRegularizerArg,
      constraintArg('depthwise_constraint', 'depthwise kernel'),
      constraintArg('pointwise_constraint', 'pointwise kernel'),
      constraintArg('bias_constraint', 'bias vector'),
    ],
    outputShape: (ctx) => [...convSpatial(name, ctx, rank), argNumber(ctx.args, 'filters')],
    params(ctx) {
      const channels = knownDim(name, ctx.input, -1, 'channel axis');
      const filters = argNumber(ctx.args, 'filters');
      const multiplier = argNumber(ctx.args, 'depth_multiplier');
      const depthwise = product(argTuple(ctx.args, 'kernel_size', rank)) * channels * multiplier;
      const pointwise = channels * multiplier * filters;
      return { trainable: depthwise + pointwise + (argBool(ctx.args, 'use_bias') ? filters : 0), nonTrainable: 0 };
    },
  });
}

export const SeparableConv1D = separableLayer(1);
export const SeparableConv2D = separableLayer(2);

export const DepthwiseConv2D: LayerSpec = defineLayer({
  name: 'DepthwiseConv2D',
  category: 'convolution',
  unsupported: NO_PYTORCH_EXPORT,
  doc: 'Depthwise 2D convolution: each input channel gets its own `depth_multiplier` kernels; channels are not mixed.',
  inputRanks: [3],
  args: [
    kernelArg(2),
    stridesArg(2),
    paddingArg(false),
    depthMultiplierArg,
    dataFormatArg,
    dilationArg(2),
    activationArg(),
    useBiasArg,
    initializerArg('depthwise_initializer', 'glorot_uniform', 'depthwise kernel'),
    initializerArg('bias_initializer', 'zeros', 'bias vector'),
    regularizerArg('depthwise_regularizer', 'depthwise kernel'),
    regularizerArg('bias_regularizer', 'bias vector'),
    activityRegularizerArg,
    constraintArg('depthwise_constraint', 'depthwise kernel'),
    constraintArg('bias_constraint', 'bias vector'),
  ],
  outputShape(ctx) {
    const channels = ctx.input[2];
    const multiplier = argNumber(ctx.args, 'depth_multiplier');
    return [...convSpatial('DepthwiseConv2D', ctx, 2), channels === null ? null : channels * multiplier];
  },
  params(ctx) {
    const channels = knownDim('DepthwiseConv2D', ctx.input, -1, 'channel axis');
    const outChannels = channels * argNumber(ctx.args, 'depth_multiplier');
    const depthwise = product(argTuple(ctx.args, 'kernel_size', 2)) * outChannels;
    return { trainable: depthwise + (argBool(ctx.args, 'use_bias') ? outChannels : 0), nonTrainable: 0 };
  },
});

export const CONVOLUTION_LAYERS: readonly LayerSpec[] = [
  Conv1D,
  Conv2D,
  Conv3D,
  Conv1DTranspose,
  Conv2DTranspose,
  Conv3DTranspose,
  SeparableConv1D,
  SeparableConv2D,
  DepthwiseConv2D,
];
