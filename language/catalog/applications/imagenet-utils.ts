// Helpers the MobileNet and EfficientNet sources share with Keras (imagenet_utils.correct_pad,
// mobilenet_v2._make_divisible / mobilenet_v3._depth / efficientnet.round_filters), written once.

import { arg, float } from '../arg-types';
import { foldGraph, type GraphBuilder } from '../graph/layer-graph';
import { correctPad as kerasCorrectPad } from '../graph/shaped-builder';
import type { ArgSpec, ArgValue, Shape } from '../types';

/**
 * imagenet_utils.correct_pad: the ZeroPadding2D before a stride-2 'valid' convolution, which
 * pads one less at the top and left when that side is even (so the result matches TF's 'same').
 * Keras reads the height and width of the tensor it pads; here the graph built so far is folded
 * to read them (an unknown size pads as an even one, as Keras does).
 */
export function correctPad(g: GraphBuilder, x: string, input: Shape, kernel: number): [number, number][] {
  return kerasCorrectPad(x === g.input ? input : foldGraph(g.build(x), input).output, kernel);
}

/**
 * mobilenet_v2._make_divisible (mobilenet_v3._depth, efficientnet's round_filters after the width
 * coefficient): the nearest multiple of `divisor`, never below it nor 10% below v.
 */
export function makeDivisible(v: number, divisor = 8): number {
  let next = Math.max(divisor, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (next < 0.9 * v) next += divisor;
  return next;
}

/** Keras's `alpha`, the width multiplier of the MobileNets. */
export function alphaArg(doc: string): ArgSpec {
  return arg('alpha', float(0, undefined, { minExclusive: true }), 1.0, doc);
}

/** A number argument of the already-bound (defaults applied) application arguments. */
export function num(args: Record<string, ArgValue>, name: string): number {
  const v = args[name];
  if (typeof v !== 'number') throw new Error(`application argument ${name} is not a number: ${String(v)}`);
  return v;
}

/**
 * MobileNet's and MobileNetV2's model name, `f"{prefix}_{alpha:0.2f}_{rows}"`: rows is the input
 * height Keras settles on (input_shape's, 224 with the top and no input_shape, else None), and
 * 224 when weights='imagenet' gets a size it has no weights for (Keras loads the 224 ones).
 */
export function mobileNetModelName(prefix: string, weightsSizes: readonly number[]) {
  return (args: Record<string, ArgValue>): string => {
    const alpha = typeof args.alpha === 'number' ? args.alpha : 1.0;
    const shape = Array.isArray(args.input_shape) ? args.input_shape : undefined;
    let rows = shape ? shape[0] : args.include_top !== false ? 224 : null;
    const cols = shape ? shape[1] : rows;
    if (args.weights === 'imagenet' && (rows !== cols || typeof rows !== 'number' || !weightsSizes.includes(rows)))
      rows = 224;
    return `${prefix}_${alpha.toFixed(2)}_${typeof rows === 'number' ? rows : 'None'}`;
  };
}
