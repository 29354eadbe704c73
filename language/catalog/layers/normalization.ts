// Normalization: BatchNormalization and LayerNormalization.
// BatchNormalization on C channels: gamma and beta are trainable (C each, if scale/center),
// moving_mean and moving_variance are not (C each): 4·C in all, 2·C non-trainable.
// LayerNormalization: gamma and beta over the normalised axes (the last one by default).

import { arg, bool, float, int, listOf, union } from '../arg-types';
import { constraintArg, initializerArg, regularizerArg } from '../common-args';
import { defineLayer } from '../define-layer';
import { knownDim, normalizeAxis } from '../shapes';
import type { LayerSpec } from '../types';
import { argBool, argIntList, argNumber } from '../values';

export const BatchNormalization: LayerSpec = defineLayer({
  name: 'BatchNormalization',
  category: 'normalization',
  doc: 'Normalises each channel to zero mean and unit variance using batch statistics in training and moving averages at inference; then scales by gamma and shifts by beta.',
  args: [
    arg('axis', int(), -1, 'The channel axis to normalise per (counting the batch axis as 0; -1 is the last).'),
    arg('momentum', float(0, 1), 0.99, 'Momentum of the moving mean and variance.'),
    arg(
      'epsilon',
      float(0, undefined, { minExclusive: true }),
      1e-3,
      'Small float added to the variance to avoid dividing by zero.',
    ),
    arg('center', bool, true, 'Add the learned offset beta.'),
    arg('scale', bool, true, 'Multiply by the learned gamma.'),
    arg(
      'synchronized',
      bool,
      false,
      "In data-parallel training (fit devices > 1), compute the batch statistics over every replica's samples (the global batch) rather than each replica's own.",
    ),
    initializerArg('beta_initializer', 'zeros', 'beta weight'),
    initializerArg('gamma_initializer', 'ones', 'gamma weight'),
    initializerArg('moving_mean_initializer', 'zeros', 'moving mean'),
    initializerArg('moving_variance_initializer', 'ones', 'moving variance'),
    regularizerArg('beta_regularizer', 'beta weight'),
    regularizerArg('gamma_regularizer', 'gamma weight'),
    constraintArg('beta_constraint', 'beta weight'),
    constraintArg('gamma_constraint', 'gamma weight'),
  ],
  outputShape(ctx) {
    normalizeAxis('BatchNormalization', argNumber(ctx.args, 'axis'), ctx.input);
    return ctx.input;
  },
  params(ctx) {
    const axis = normalizeAxis('BatchNormalization', argNumber(ctx.args, 'axis'), ctx.input);
    const channels = knownDim('BatchNormalization', ctx.input, axis, 'normalised axis');
    const learned = (argBool(ctx.args, 'center') ? 1 : 0) + (argBool(ctx.args, 'scale') ? 1 : 0);
    return { trainable: learned * channels, nonTrainable: 2 * channels };
  },
});

export const LayerNormalization: LayerSpec = defineLayer({
  name: 'LayerNormalization',
  category: 'normalization',
  doc: 'Normalises each sample over the given axes (the last by default) to zero mean and unit variance, then scales by gamma and shifts by beta.',
  args: [
    arg(
      'axis',
      union(int(), listOf(int())),
      -1,
      'Axis or axes to normalise over (counting the batch axis as 0; -1 is the last).',
    ),
    arg(
      'epsilon',
      float(0, undefined, { minExclusive: true }),
      1e-3,
      'Small float added to the variance to avoid dividing by zero.',
    ),
    arg('center', bool, true, 'Add the learned offset beta.'),
    arg('scale', bool, true, 'Multiply by the learned gamma.'),
    arg(
      'rms_scaling',
      bool,
      false,
      'Scale by gamma and the inverse root mean square only (center and scale are ignored).',
    ),
    initializerArg('beta_initializer', 'zeros', 'beta weight'),
    initializerArg('gamma_initializer', 'ones', 'gamma weight'),
    regularizerArg('beta_regularizer', 'beta weight'),
    regularizerArg('gamma_regularizer', 'gamma weight'),
    constraintArg('beta_constraint', 'beta weight'),
    constraintArg('gamma_constraint', 'gamma weight'),
  ],
  outputShape(ctx) {
    for (const a of argIntList(ctx.args, 'axis') ?? []) normalizeAxis('LayerNormalization', a, ctx.input);
    return ctx.input;
  },
  params(ctx) {
    const axes = (argIntList(ctx.args, 'axis') ?? []).map((a) => normalizeAxis('LayerNormalization', a, ctx.input));
    const size = axes.reduce((n, a) => n * knownDim('LayerNormalization', ctx.input, a, 'normalised axis'), 1);
    // Keras: gamma if scale or rms_scaling; beta if center and not rms_scaling.
    const rms = argBool(ctx.args, 'rms_scaling');
    const gamma = argBool(ctx.args, 'scale') || rms ? size : 0;
    const beta = argBool(ctx.args, 'center') && !rms ? size : 0;
    return { trainable: gamma + beta, nonTrainable: 0 };
  },
});

// keras/src/layers/normalization/unit_normalization.py: ops.normalize(x, axis, order=2,
// epsilon=1e-12), i.e. x · rsqrt(max(sum(x²), 1e-24)); no weights.
export const UnitNormalization: LayerSpec = defineLayer({
  name: 'UnitNormalization',
  category: 'normalization',
  unsupported: ['pytorch'],
  doc: 'Scales each sample to unit L2 norm over the given axes (the last by default).',
  args: [
    arg(
      'axis',
      union(int(), listOf(int())),
      -1,
      'Axis or axes to normalise over (counting the batch axis as 0; -1 is the last).',
    ),
  ],
  outputShape(ctx) {
    for (const a of argIntList(ctx.args, 'axis') ?? []) normalizeAxis('UnitNormalization', a, ctx.input);
    return ctx.input;
  },
});

export const NORMALIZATION_LAYERS: readonly LayerSpec[] = [BatchNormalization, LayerNormalization, UnitNormalization];
