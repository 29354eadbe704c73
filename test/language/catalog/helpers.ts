// Test helpers: run a stack of layer calls through the catalog the way the analyzer does
// (bind defaults, fold outputShape and params), and build nested layer arguments.

import {
  getLayer,
  withDefaults,
  type ArgValue,
  type CallArg,
  type LayerContext,
  type ParamCount,
  type Shape,
} from '../../../language/catalog';

export type Call = [layer: string, args?: Record<string, ArgValue>];

/** A layer's context: its args with defaults, on `input`. */
export function context(layer: string, args: Record<string, ArgValue>, input: Shape): LayerContext {
  const spec = getLayer(layer);
  if (!spec) throw new Error(`no layer ${layer}`);
  return { args: withDefaults(spec, args), input };
}

export function shapeOf(layer: string, args: Record<string, ArgValue>, input: Shape): Shape {
  return getLayer(layer)!.outputShape(context(layer, args, input));
}

export function paramsOf(layer: string, args: Record<string, ArgValue>, input: Shape): ParamCount {
  return getLayer(layer)!.params(context(layer, args, input));
}

/** Folds a stack over an input shape: every output shape, and the total counts. */
export function runModel(
  input: Shape,
  calls: Call[],
): { shapes: Shape[]; output: Shape; trainable: number; nonTrainable: number; total: number } {
  let shape = input;
  const shapes: Shape[] = [];
  let trainable = 0;
  let nonTrainable = 0;
  for (const [layer, args = {}] of calls) {
    const spec = getLayer(layer)!;
    const ctx = context(layer, args, shape);
    const p = spec.params(ctx);
    trainable += p.trainable;
    nonTrainable += p.nonTrainable;
    shape = spec.outputShape(ctx);
    shapes.push(shape);
  }
  return { shapes, output: shape, trainable, nonTrainable, total: trainable + nonTrainable };
}

/** A nested call value, e.g. call('LSTM', { units: 64 }). */
export function call(name: string, args: Record<string, ArgValue> = {}): CallArg {
  return { call: name, args };
}
