// Activation layers: ReLU, LeakyReLU, PReLU, ELU, Softmax. Only PReLU has weights: one alpha per
// input element, except along shared_axes (axes counted from 1, after the batch axis).

import { arg, float, int, listOf, optional, union } from '../arg-types';
import { constraintArg, initializerArg, regularizerArg } from '../common-args';
import { defineLayer } from '../define-layer';
import { NO_PYTORCH_EXPORT } from '../support';
import { formatShape, knownDim, normalizeAxis } from '../shapes';
import { ShapeError, type LayerSpec } from '../types';
import { argIntList, argNumber } from '../values';

export const ReLU: LayerSpec = defineLayer({
  name: 'ReLU',
  category: 'activation',
  doc: 'Rectified linear unit: x above threshold, negative_slope · (x - threshold) below, capped at max_value.',
  args: [
    arg('max_value', optional(float(0)), null, 'Largest output value (None: no cap).'),
    arg('negative_slope', float(0), 0.0, 'Slope below the threshold.'),
    arg('threshold', float(), 0.0, 'Inputs below this are damped.'),
  ],
  outputShape: (ctx) => ctx.input,
});

export const LeakyReLU: LayerSpec = defineLayer({
  name: 'LeakyReLU',
  category: 'activation',
  doc: 'Leaky relu: x for x >= 0, negative_slope · x otherwise.',
  args: [
    arg('negative_slope', float(0), 0.3, 'Slope for negative inputs (Keras 2 called it alpha).', {
      deprecatedAliases: ['alpha'],
    }),
  ],
  outputShape: (ctx) => ctx.input,
});

export const PReLU: LayerSpec = defineLayer({
  name: 'PReLU',
  category: 'activation',
  unsupported: NO_PYTORCH_EXPORT,
  doc: 'Parametric relu: like LeakyReLU, but the slope alpha is learned per element (or shared along shared_axes).',
  args: [
    initializerArg('alpha_initializer', 'zeros', 'slopes'),
    regularizerArg('alpha_regularizer', 'slopes'),
    constraintArg('alpha_constraint', 'slopes'),
    arg(
      'shared_axes',
      optional(union(int(1), listOf(int(1)))),
      null,
      'Axes along which one alpha is shared, e.g. (1, 2) for one slope per channel of an image.',
    ),
  ],
  outputShape(ctx) {
    for (const a of argIntList(ctx.args, 'shared_axes') ?? []) {
      if (a > ctx.input.length) {
        throw new ShapeError(
          'shape-rank',
          `PReLU shared_axes ${a} is out of range for the input ${formatShape(ctx.input)}; use axes 1 to ${ctx.input.length}`,
        );
      }
    }
    return ctx.input;
  },
  params(ctx) {
    const shared = new Set(argIntList(ctx.args, 'shared_axes') ?? []);
    let count = 1;
    ctx.input.forEach((_, i) => {
      if (!shared.has(i + 1)) count *= knownDim('PReLU', ctx.input, i, `axis ${i + 1} (not in shared_axes)`);
    });
    return { trainable: count, nonTrainable: 0 };
  },
});

export const ELU: LayerSpec = defineLayer({
  name: 'ELU',
  category: 'activation',
  doc: 'Exponential linear unit: x for x > 0, alpha · (exp(x) - 1) otherwise.',
  args: [arg('alpha', float(), 1.0, 'Scale for the negative part.')],
  outputShape: (ctx) => ctx.input,
});

export const Softmax: LayerSpec = defineLayer({
  name: 'Softmax',
  category: 'activation',
  doc: 'Softmax over an axis (the last by default): outputs are positive and sum to 1.',
  args: [arg('axis', int(), -1, 'The axis to normalise over (-1: the last).')],
  outputShape(ctx) {
    normalizeAxis('Softmax', argNumber(ctx.args, 'axis'), ctx.input);
    return ctx.input;
  },
});

export const ACTIVATION_LAYERS: readonly LayerSpec[] = [ReLU, LeakyReLU, PReLU, ELU, Softmax];
