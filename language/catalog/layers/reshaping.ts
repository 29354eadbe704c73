// Reshaping: Flatten, Reshape (with -1), Permute, RepeatVector, UpSampling1D/2D/3D,
// ZeroPadding1D/2D/3D, Cropping1D/2D/3D. None of these has weights.

import { arg, int, intTuple, listOf, oneOf, required, targetShape } from '../arg-types';
import { dataFormatArg } from '../common-args';
import { defineLayer } from '../define-layer';
import { NO_PYTORCH_EXPORT } from '../support';
import { axesPhrase } from '../phrases';
import { formatShape, formatTuple, product } from '../shapes';
import { ShapeError, type ArgValue, type LayerSpec, type Shape } from '../types';
import { argIntList, argNumber, argTuple, toPairs, toShape } from '../values';

export const Flatten: LayerSpec = defineLayer({
  name: 'Flatten',
  category: 'reshaping',
  doc: 'Flattens each sample to one axis: (None, 13, 13, 64) becomes (None, 10816). Usually sits between convolutions and Dense.',
  args: [dataFormatArg],
  outputShape: (ctx) => [product(ctx.input)],
});

export const Reshape: LayerSpec = defineLayer({
  name: 'Reshape',
  category: 'reshaping',
  doc: 'Reshapes each sample to target_shape (without the batch axis); one dimension may be -1 to be inferred.',
  args: [
    required(
      'target_shape',
      targetShape,
      'The new shape without the batch axis, e.g. (28, 28, 1); one entry may be -1.',
    ),
  ],
  outputShape(ctx) {
    const target = toShape(ctx.args.target_shape, 'target_shape');
    const shown = `Reshape to ${formatTuple(target)}`;
    const inferred = target.filter((d) => d === -1).length;
    if (inferred > 1) {
      throw new ShapeError(
        'shape-mismatch',
        `${shown} has ${inferred} entries of -1, but only one can be inferred; give the others explicit sizes`,
      );
    }
    if (target.some((d) => d === null || (d !== -1 && d < 1))) {
      throw new ShapeError(
        'shape-nonpositive',
        `${shown} has a size that is not positive; every size must be at least 1, or -1 for one inferred size`,
      );
    }
    const sizes = target as number[];
    const known = sizes.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const count = product(ctx.input);
    if (count === null) return sizes.map((d) => (d === -1 ? null : d)); // an unknown input size: nothing to check
    if (inferred === 1) {
      if (count % known !== 0) {
        throw new ShapeError(
          'shape-mismatch',
          `${shown} needs the input's element count to be a multiple of ${known}, but the input ${formatShape(ctx.input)} has ${count}; change the other sizes so they divide ${count}`,
        );
      }
      return sizes.map((d) => (d === -1 ? count / known : d));
    }
    if (known !== count) {
      throw new ShapeError(
        'shape-mismatch',
        `${shown} needs ${known} elements but the input ${formatShape(ctx.input)} has ${count}; make the sizes multiply to ${count}, or use -1 for one of them`,
      );
    }
    return sizes;
  },
});

export const Permute: LayerSpec = defineLayer({
  name: 'Permute',
  category: 'reshaping',
  doc: 'Permutes the axes of each sample: Permute((2, 1)) swaps the first two. Axes count from 1 (the batch axis is not included).',
  args: [required('dims', listOf(int(1)), 'The new order of the axes, a permutation of 1..rank, e.g. (2, 1).')],
  outputShape(ctx) {
    const dims = argIntList(ctx.args, 'dims') ?? [];
    const rank = ctx.input.length;
    const wanted = Array.from({ length: rank }, (_, i) => i + 1);
    if (dims.length !== rank) {
      throw new ShapeError(
        'shape-rank',
        `Permute dims ${formatTuple(dims)} has ${dims.length} axes but the input ${formatShape(ctx.input)} has ${rank}; give a permutation of ${formatTuple(wanted)}`,
      );
    }
    if ([...dims].sort((a, b) => a - b).some((d, i) => d !== i + 1)) {
      throw new ShapeError(
        'shape-mismatch',
        `Permute dims ${formatTuple(dims)} is not a permutation of ${formatTuple(wanted)}; use each axis exactly once`,
      );
    }
    return dims.map((d) => ctx.input[d - 1]);
  },
});

export const RepeatVector: LayerSpec = defineLayer({
  name: 'RepeatVector',
  category: 'reshaping',
  doc: 'Repeats a vector n times: (None, 32) becomes (None, n, 32).',
  inputRanks: [1],
  args: [required('n', int(1), 'Number of repetitions.')],
  outputShape: (ctx) => [argNumber(ctx.args, 'n'), ctx.input[0]],
});

type Rank = 1 | 2 | 3;
const AXIS_NAMES: Record<Rank, string[]> = { 1: ['steps'], 2: ['height', 'width'], 3: ['depth', 'height', 'width'] };

function upSampling(rank: Rank): LayerSpec {
  const args = [
    arg(
      'size',
      rank === 1 ? int(1) : intTuple(rank),
      rank === 1 ? 2 : Array<number>(rank).fill(2),
      `Repetitions along ${axesPhrase(rank)}.`,
    ),
    ...(rank === 1 ? [] : [dataFormatArg]),
    ...(rank === 2
      ? [arg('interpolation', oneOf('nearest', 'bilinear'), 'nearest', 'How new pixels are filled in.')]
      : []),
  ];
  return defineLayer({
    name: `UpSampling${rank}D`,
    category: 'reshaping',
    unsupported: rank === 3 ? NO_PYTORCH_EXPORT : [],
    doc: `Repeats each ${rank === 1 ? 'step' : 'row and column'} size times along ${axesPhrase(rank)}: a simple upsampling.`,
    inputRanks: [rank + 1],
    args,
    outputShape(ctx) {
      const size = argTuple(ctx.args, 'size', rank);
      return [...ctx.input.slice(0, rank).map((d, i) => (d === null ? null : d * size[i])), ctx.input[rank]];
    },
  });
}

function pairsDefault(rank: Rank, before: number, after: number): ArgValue {
  return rank === 1 ? [before, after] : Array.from({ length: rank }, () => [before, after]);
}

function zeroPadding(rank: Rank): LayerSpec {
  const name = `ZeroPadding${rank}D`;
  return defineLayer({
    name,
    category: 'reshaping',
    unsupported: rank === 2 ? [] : NO_PYTORCH_EXPORT,
    doc: `Adds rows of zeros around each sample along ${axesPhrase(rank)}.`,
    inputRanks: [rank + 1],
    args: [
      arg(
        'padding',
        { kind: 'padding', dims: rank },
        rank === 1 ? 1 : rank === 2 ? [1, 1] : pairsDefault(3, 1, 1),
        rank === 1
          ? 'Zeros added at the start and end: an int or (start, end).'
          : `An int, ${rank} ints (symmetric per axis), or ${rank} (before, after) pairs.`,
      ),
      ...(rank === 1 ? [] : [dataFormatArg]),
    ],
    outputShape(ctx) {
      const pads = toPairs(ctx.args.padding, rank);
      return [
        ...ctx.input.slice(0, rank).map((d, i) => (d === null ? null : d + pads[i][0] + pads[i][1])),
        ctx.input[rank],
      ];
    },
  });
}

function cropping(rank: Rank): LayerSpec {
  const name = `Cropping${rank}D`;
  return defineLayer({
    name,
    category: 'reshaping',
    unsupported: NO_PYTORCH_EXPORT,
    doc: `Crops each sample along ${axesPhrase(rank)}, removing (before, after) entries per axis.`,
    inputRanks: [rank + 1],
    args: [
      arg(
        'cropping',
        { kind: 'padding', dims: rank },
        rank === 1 ? [1, 1] : pairsDefault(rank, rank === 2 ? 0 : 1, rank === 2 ? 0 : 1),
        rank === 1
          ? 'Entries removed at the start and end: an int or (start, end).'
          : `An int, ${rank} ints (symmetric per axis), or ${rank} (before, after) pairs.`,
      ),
      ...(rank === 1 ? [] : [dataFormatArg]),
    ],
    outputShape(ctx) {
      const crops = toPairs(ctx.args.cropping, rank);
      const out: Shape = ctx.input.slice(0, rank).map((d, i) => {
        if (d === null) return null;
        const left = d - crops[i][0] - crops[i][1];
        if (left <= 0) {
          throw new ShapeError(
            'shape-nonpositive',
            `${name} removes ${crops[i][0]} + ${crops[i][1]} from ${AXIS_NAMES[rank][i]} ${d}, leaving ${left}; crop less than ${d} in total on that axis`,
          );
        }
        return left;
      });
      return [...out, ctx.input[rank]];
    },
  });
}

export const UpSampling1D = upSampling(1);
export const UpSampling2D = upSampling(2);
export const UpSampling3D = upSampling(3);
export const ZeroPadding1D = zeroPadding(1);
export const ZeroPadding2D = zeroPadding(2);
export const ZeroPadding3D = zeroPadding(3);
export const Cropping1D = cropping(1);
export const Cropping2D = cropping(2);
export const Cropping3D = cropping(3);

export const RESHAPING_LAYERS: readonly LayerSpec[] = [
  Flatten,
  Reshape,
  Permute,
  RepeatVector,
  UpSampling1D,
  UpSampling2D,
  UpSampling3D,
  ZeroPadding1D,
  ZeroPadding2D,
  ZeroPadding3D,
  Cropping1D,
  Cropping2D,
  Cropping3D,
];
