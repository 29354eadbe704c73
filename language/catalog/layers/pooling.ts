// Pooling: Max/AveragePooling1D/2D/3D (strides default to pool_size, as in Keras) and
// GlobalMax/GlobalAveragePooling1D/2D/3D (reduce every spatial axis; keepdims keeps them as 1).

import { arg, bool, intTuple, oneOfAnyCase, optional } from '../arg-types';
import { dataFormatArg, HYPERPARAMETER } from '../common-args';
import type { ConvPadding } from '../conv-utils';
import { defineLayer } from '../define-layer';
import { NO_PYTORCH_EXPORT } from '../support';
import { axesPhrase, intOrTuplePhrase } from '../phrases';
import type { LayerContext, LayerSpec } from '../types';
import { argBool, argOptionalTuple, argString, argTuple } from '../values';
import { slideWindow } from './windows';

type Rank = 1 | 2 | 3;

/** Keras: strides=None means strides=pool_size. */
function poolStrides(ctx: LayerContext, rank: Rank): number[] {
  return argOptionalTuple(ctx.args, 'strides', rank) ?? argTuple(ctx.args, 'pool_size', rank);
}

function poolLayer(kind: 'Max' | 'Average', rank: Rank): LayerSpec {
  const name = `${kind}Pooling${rank}D`;
  return defineLayer({
    name,
    category: 'pooling',
    unsupported: rank === 3 ? NO_PYTORCH_EXPORT : [],
    doc: `${kind === 'Max' ? 'Max' : 'Average'} pooling over windows of pool_size along ${axesPhrase(rank)}; each channel separately.`,
    inputRanks: [rank + 1],
    args: [
      arg(
        'pool_size',
        intTuple(rank),
        rank === 1 ? 2 : Array<number>(rank).fill(2),
        `Size of the pooling window: ${intOrTuplePhrase(rank)}.`,
        HYPERPARAMETER,
      ),
      arg(
        'strides',
        optional(intTuple(rank)),
        null,
        'Step of the window; None means pool_size (non-overlapping windows).',
        HYPERPARAMETER,
      ),
      arg(
        'padding',
        oneOfAnyCase('valid', 'same'),
        'valid',
        "'valid': no padding, partial windows are dropped; 'same': pad so that the output is ceil(input / strides).",
        HYPERPARAMETER,
      ),
      dataFormatArg,
    ],
    outputShape(ctx) {
      const spatial = slideWindow(ctx.input.slice(0, rank), {
        layer: name,
        windowName: 'pool_size',
        window: argTuple(ctx.args, 'pool_size', rank),
        strides: poolStrides(ctx, rank),
        padding: argString(ctx.args, 'padding') as ConvPadding,
      });
      return [...spatial, ctx.input[rank]];
    },
    // Keras writes the resolved strides into the config.
    kerasConfig: (ctx) => ({ strides: poolStrides(ctx, rank) }),
  });
}

function globalPoolLayer(kind: 'Max' | 'Average', rank: Rank): LayerSpec {
  return defineLayer({
    name: `Global${kind}Pooling${rank}D`,
    category: 'pooling',
    unsupported: rank === 3 ? NO_PYTORCH_EXPORT : [],
    doc: `Global ${kind === 'Max' ? 'max' : 'average'} pooling: one value per channel over the whole of ${axesPhrase(rank)}.`,
    inputRanks: [rank + 1],
    args: [
      dataFormatArg,
      arg('keepdims', bool, false, 'Keep the spatial axes with length 1 instead of dropping them.'),
    ],
    outputShape: (ctx) => {
      const channels = ctx.input[rank];
      return argBool(ctx.args, 'keepdims') ? [...Array<number>(rank).fill(1), channels] : [channels];
    },
  });
}

export const MaxPooling1D = poolLayer('Max', 1);
export const MaxPooling2D = poolLayer('Max', 2);
export const MaxPooling3D = poolLayer('Max', 3);
export const AveragePooling1D = poolLayer('Average', 1);
export const AveragePooling2D = poolLayer('Average', 2);
export const AveragePooling3D = poolLayer('Average', 3);
export const GlobalMaxPooling1D = globalPoolLayer('Max', 1);
export const GlobalMaxPooling2D = globalPoolLayer('Max', 2);
export const GlobalMaxPooling3D = globalPoolLayer('Max', 3);
export const GlobalAveragePooling1D = globalPoolLayer('Average', 1);
export const GlobalAveragePooling2D = globalPoolLayer('Average', 2);
export const GlobalAveragePooling3D = globalPoolLayer('Average', 3);

export const POOLING_LAYERS: readonly LayerSpec[] = [
  MaxPooling1D,
  MaxPooling2D,
  MaxPooling3D,
  AveragePooling1D,
  AveragePooling2D,
  AveragePooling3D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  GlobalMaxPooling3D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalAveragePooling3D,
];
