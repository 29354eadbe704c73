// The sliding-window rule convolutions and poolings share: each spatial axis shrinks as Keras's
// conv_output_length says, and a window larger than its input is a 'shape-nonpositive' error that
// names the sizes and the fix.

import { convOutputLength, dilatedKernel, type ConvPadding } from '../conv-utils';
import { formatSizes, formatTuple } from '../shapes';
import { ShapeError } from '../types';

export interface WindowArgs {
  layer: string;
  /** 'kernel_size' or 'pool_size': the argument named in messages. */
  windowName: string;
  window: number[];
  strides: number[];
  padding: ConvPadding;
  dilation?: number[];
}

/** The output lengths of the spatial axes (the input without its channel axis). */
export function slideWindow(spatial: readonly (number | null)[], w: WindowArgs): (number | null)[] {
  const dilation = w.dilation ?? w.window.map(() => 1);
  const out = spatial.map((len, i) => convOutputLength(len, w.window[i], w.padding, w.strides[i], dilation[i]));
  if (out.some((n) => n !== null && n <= 0)) {
    const reach = w.window.map((k, i) => dilatedKernel(k, dilation[i]));
    const dilated = dilation.some((d) => d > 1) ? ` and dilation_rate ${formatTuple(dilation)}` : '';
    const need = spatial.length === 1 ? `${reach[0]} steps` : `${formatSizes(reach)} input`;
    const got = spatial.length === 1 ? `${spatial[0]}` : formatSizes(spatial);
    const smaller = w.windowName === 'pool_size' ? 'a smaller pool_size' : 'a smaller kernel';
    throw new ShapeError(
      'shape-nonpositive',
      `Use padding='same' or ${smaller} on ${w.layer}: with ${w.windowName} ${formatTuple(w.window)}${dilated} and padding '${w.padding}' it needs at least ${need}, but gets ${got}`,
    );
  }
  return out;
}
