// Normalization: BatchNormalization, LayerNormalization, UnitNormalization and GroupNormalization.
// BatchNormalization on C channels: gamma and beta are trainable (C each, if scale/center),
// moving_mean and moving_variance are not (C each): 4·C in all, 2·C non-trainable.
// LayerNormalization: gamma and beta over the normalised axes (the last one by default).

import { arg, bool, float, int, listOf, union } from '../arg-types';
import { constraintArg, HYPERPARAMETER, initializerArg, regularizerArg } from '../common-args';
import { defineLayer } from '../define-layer';
import { formatShape, knownDim, normalizeAxis } from '../shapes';
import { ShapeError, type LayerContext, type LayerSpec } from '../types';
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

/** GroupNormalization's groups on `channels`: Keras's -1 is one group per channel. */
function groupsOf(ctx: LayerContext, channels: number | null): number {
  const groups = argNumber(ctx.args, 'groups');
  if (groups === 0 || groups < -1) {
    throw new ShapeError(
      'shape-mismatch',
      `GroupNormalization groups must be a positive integer or -1 (one group per channel), got ${groups}; use a divisor of the channels`,
    );
  }
  if (channels === null) return groups;
  const g = groups === -1 ? channels : groups;
  if (g > channels || channels % g !== 0) {
    const divisors = Array.from({ length: channels }, (_, i) => i + 1).filter((d) => channels % d === 0);
    const shown = divisors.length > 8 ? [...divisors.slice(0, 4), '…', ...divisors.slice(-3)] : divisors;
    // The fix offered: the largest divisor not above the groups asked for.
    const nearest = Math.max(...divisors.filter((d) => d <= g));
    throw new ShapeError(
      'shape-mismatch',
      `Set GroupNormalization groups to a divisor of ${channels} (${shown.join(', ')}), or -1 for one group per channel: ` +
        `groups=${g} does not divide the ${channels} channels of axis ${argNumber(ctx.args, 'axis')} of the input ${formatShape(ctx.input)}`,
      { name: 'groups', value: String(nearest) },
    );
  }
  return g;
}

// keras/src/layers/normalization/group_normalization.py: the channels of `axis` are split into
// `groups`; each sample's group is normalised over its channels and every other non-batch axis
// (ops.moments, variance without Bessel's correction), then scaled by gamma and shifted by beta,
// one of each per channel.
export const GroupNormalization: LayerSpec = defineLayer({
  name: 'GroupNormalization',
  category: 'normalization',
  // TF.js's LayerNormalization, whose weights the TF.js layer builds, keeps no constraints; the
  // PyTorch script's GroupNorm (pytorch_helpers.py) normalises the last axis only.
  argSupport: [
    { arg: 'beta_constraint', only: null, targets: ['tfjs'] },
    { arg: 'gamma_constraint', only: null, targets: ['tfjs'] },
    { arg: 'axis', only: -1, targets: ['pytorch'] },
  ],
  doc: "Splits the channels into `groups` and normalises each sample's group to zero mean and unit variance (over the group's channels and every other axis), then scales by gamma and shifts by beta per channel. groups=1 is close to LayerNormalization; groups=-1 is InstanceNormalization.",
  args: [
    arg(
      'groups',
      int(-1),
      32,
      'Number of channel groups; must divide the number of channels. -1: one group per channel (instance normalization).',
      HYPERPARAMETER,
    ),
    arg('axis', int(), -1, 'The channel axis (counting the batch axis as 0; -1 is the last).'),
    arg(
      'epsilon',
      float(0, undefined, { minExclusive: true }),
      1e-3,
      'Small float added to the variance to avoid dividing by zero.',
    ),
    arg('center', bool, true, 'Add the learned offset beta.'),
    arg('scale', bool, true, 'Multiply by the learned gamma.'),
    initializerArg('beta_initializer', 'zeros', 'beta weight'),
    initializerArg('gamma_initializer', 'ones', 'gamma weight'),
    regularizerArg('beta_regularizer', 'beta weight'),
    regularizerArg('gamma_regularizer', 'gamma weight'),
    constraintArg('beta_constraint', 'beta weight'),
    constraintArg('gamma_constraint', 'gamma weight'),
  ],
  outputShape(ctx) {
    const axis = normalizeAxis('GroupNormalization', argNumber(ctx.args, 'axis'), ctx.input);
    groupsOf(ctx, ctx.input[axis] ?? null);
    return ctx.input;
  },
  params(ctx) {
    const axis = normalizeAxis('GroupNormalization', argNumber(ctx.args, 'axis'), ctx.input);
    const channels = knownDim('GroupNormalization', ctx.input, axis, 'channel axis');
    groupsOf(ctx, channels);
    const learned = (argBool(ctx.args, 'center') ? 1 : 0) + (argBool(ctx.args, 'scale') ? 1 : 0);
    return { trainable: learned * channels, nonTrainable: 0 };
  },
});

export const NORMALIZATION_LAYERS: readonly LayerSpec[] = [
  BatchNormalization,
  LayerNormalization,
  UnitNormalization,
  GroupNormalization,
];
