// Layer wrappers: Bidirectional (a recurrent layer run forwards and backwards) and
// TimeDistributed (a layer applied to every step of a sequence).

import { arg, layer, oneOf, optional, required } from '../arg-types';
import { bind } from '../bind-layer';
import { baseConfig } from '../keras-config';
import { defineLayer } from '../define-layer';
import { formatShape } from '../shapes';
import { ShapeError, type ArgValue, type LayerContext, type LayerSpec } from '../types';
import { argOptionalString } from '../values';

type Inner = { spec: LayerSpec; args: Record<string, ArgValue> };

/** The inner name in the nested config: its own name= or Keras's prefix. */
function innerName(inner: Inner): string {
  return typeof inner.args.name === 'string' ? inner.args.name : inner.spec.kerasName;
}

function innerContext(ctx: LayerContext): Inner {
  return ctx.inner ?? bind(ctx.args.layer);
}

function checkRecurrent(inner: Inner): void {
  if (inner.spec.category !== 'recurrent') {
    throw new ShapeError(
      'shape-mismatch',
      `Bidirectional wraps a recurrent layer (SimpleRNN, LSTM or GRU), not ${inner.spec.name}; use Bidirectional(LSTM(...))`,
    );
  }
}

export const Bidirectional: LayerSpec = defineLayer({
  name: 'Bidirectional',
  category: 'recurrent',
  // keras-model: keras3-config.ts does not lay out the weights of nested sublayers.
  unsupported: ['pytorch', 'keras-model'],
  doc: 'Runs a recurrent layer over the sequence forwards and backwards and merges the two outputs (concatenated by default).',
  inputRanks: [2],
  args: [
    required('layer', layer, 'The recurrent layer to run in both directions, e.g. LSTM(64).'),
    arg(
      'merge_mode',
      optional(oneOf('concat', 'sum', 'mul', 'ave')),
      'concat',
      "How to combine the two directions: 'concat' (doubles the last axis), 'sum', 'mul', 'ave', or None (two outputs, which a Sequential model cannot pass on).",
    ),
  ],
  outputShape(ctx) {
    const inner = innerContext(ctx);
    checkRecurrent(inner);
    const out = inner.spec.outputShape({ args: inner.args, input: ctx.input });
    const mode = argOptionalString(ctx.args, 'merge_mode');
    if (mode === null) {
      throw new ShapeError(
        'shape-mismatch',
        `Bidirectional with merge_mode=None returns two tensors ${formatShape(out)} (forward and backward), which a Sequential model cannot pass on; use merge_mode='concat', 'sum', 'mul' or 'ave'`,
      );
    }
    if (mode !== 'concat') return out;
    const last = out[out.length - 1];
    return [...out.slice(0, -1), last === null ? null : 2 * last];
  },
  params(ctx) {
    const inner = innerContext(ctx);
    checkRecurrent(inner);
    const one = inner.spec.params({ args: inner.args, input: ctx.input });
    return { trainable: 2 * one.trainable, nonTrainable: 2 * one.nonTrainable };
  },
  toKeras(ctx, name) {
    const inner = innerContext(ctx);
    return {
      class_name: 'Bidirectional',
      config: {
        ...baseConfig(ctx.args, name),
        layer: inner.spec.toKeras({ args: inner.args, input: ctx.input }, innerName(inner)),
        merge_mode: ctx.args.merge_mode ?? null,
      },
    };
  },
});

/** Runs the inner rule on one step; shape errors say they happened inside TimeDistributed. */
function perStep<T>(ctx: LayerContext, inner: Inner, rule: (stepCtx: LayerContext) => T): T {
  try {
    return rule({ args: inner.args, input: ctx.input.slice(1) });
  } catch (e) {
    if (e instanceof ShapeError) {
      throw new ShapeError(
        e.code,
        `TimeDistributed applies ${inner.spec.name} to each step of shape ${formatShape(ctx.input.slice(1))}: ${e.message}`,
      );
    }
    throw e;
  }
}

export const TimeDistributed: LayerSpec = defineLayer({
  name: 'TimeDistributed',
  category: 'recurrent',
  // keras-model: keras3-config.ts does not lay out the weights of nested sublayers.
  unsupported: ['pytorch', 'keras-model'],
  doc: 'Applies a layer to every step of a sequence independently: TimeDistributed(Dense(8)) on (None, 10, 16) gives (None, 10, 8).',
  minInputRank: 2,
  args: [required('layer', layer, 'The layer to apply to each step, e.g. Dense(8) or Conv2D(16, 3).')],
  outputShape(ctx) {
    const inner = innerContext(ctx);
    return [ctx.input[0], ...perStep(ctx, inner, (step) => inner.spec.outputShape(step))];
  },
  params(ctx) {
    const inner = innerContext(ctx);
    return perStep(ctx, inner, (step) => inner.spec.params(step));
  },
  toKeras(ctx, name) {
    const inner = innerContext(ctx);
    return {
      class_name: 'TimeDistributed',
      config: {
        ...baseConfig(ctx.args, name),
        layer: inner.spec.toKeras({ args: inner.args, input: ctx.input.slice(1) }, innerName(inner)),
      },
    };
  },
});

export const WRAPPER_LAYERS: readonly LayerSpec[] = [Bidirectional, TimeDistributed];
