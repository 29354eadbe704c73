// InceptionV3 (Szegedy et al. 2016), as keras/src/applications/inception_v3.py builds it. Keras
// names only the concatenations (mixed0 … mixed10, mixed9_0/1) and the top; every conv2d_bn's
// Conv2D, BatchNormalization (scale=False) and Activation keeps Keras's auto name (conv2d_N,
// batch_normalization_N, activation_N in build order), which is why the branches below are
// built in Keras's order.
// Keras's model.summary() totals: 23,851,784 with the top (23,817,352 trainable, 34,432
// non-trainable), 21,802,784 without (21,768,352 / 34,432).

import type { ArgValue, Shape } from '../types';
import { defineApplication } from '../graph/define-application';
import { GraphBuilder, type LayerGraph } from '../graph/layer-graph';
import { classifierTop, unnamedPooling } from './top';

/** conv2d_bn: Conv2D (no bias), BatchNormalization without gamma, ReLU. */
function conv2dBn(
  g: GraphBuilder,
  x: string,
  filters: number,
  rows: number,
  cols: number,
  padding: 'same' | 'valid' = 'same',
  strides = 1,
): string {
  x = g.layer('Conv2D', { filters, kernel_size: [rows, cols], strides, padding, use_bias: false }, x);
  x = g.layer('BatchNormalization', { axis: 3, scale: false }, x);
  return g.layer('Activation', { activation: 'relu' }, x);
}

const avgPool3 = (g: GraphBuilder, x: string) =>
  g.layer('AveragePooling2D', { pool_size: 3, strides: 1, padding: 'same' }, x);
const maxPool3 = (g: GraphBuilder, x: string) => g.layer('MaxPooling2D', { pool_size: 3, strides: 2 }, x);
const concat = (g: GraphBuilder, xs: string[], name?: string) =>
  g.merge('Concatenate', xs, name ? { axis: 3, name } : { axis: 3 });

/** mixed 0–2 (35×35): 1×1, 5×5, double 3×3 and pooled branches. */
function mixed35(g: GraphBuilder, x: string, poolFilters: number, name: string): string {
  const b1 = conv2dBn(g, x, 64, 1, 1);
  let b5 = conv2dBn(g, x, 48, 1, 1);
  b5 = conv2dBn(g, b5, 64, 5, 5);
  let b3 = conv2dBn(g, x, 64, 1, 1);
  b3 = conv2dBn(g, b3, 96, 3, 3);
  b3 = conv2dBn(g, b3, 96, 3, 3);
  const bp = conv2dBn(g, avgPool3(g, x), poolFilters, 1, 1);
  return concat(g, [b1, b5, b3, bp], name);
}

/** mixed 4–7 (17×17): factorised 7×7 branches of `mid` channels. */
function mixed17(g: GraphBuilder, x: string, mid: number, name: string): string {
  const b1 = conv2dBn(g, x, 192, 1, 1);
  let b7 = conv2dBn(g, x, mid, 1, 1);
  b7 = conv2dBn(g, b7, mid, 1, 7);
  b7 = conv2dBn(g, b7, 192, 7, 1);
  let b7d = conv2dBn(g, x, mid, 1, 1);
  b7d = conv2dBn(g, b7d, mid, 7, 1);
  b7d = conv2dBn(g, b7d, mid, 1, 7);
  b7d = conv2dBn(g, b7d, mid, 7, 1);
  b7d = conv2dBn(g, b7d, 192, 1, 7);
  const bp = conv2dBn(g, avgPool3(g, x), 192, 1, 1);
  return concat(g, [b1, b7, b7d, bp], name);
}

function inceptionV3(args: Record<string, ArgValue>, _input: Shape): LayerGraph {
  const g = new GraphBuilder('inception_v3');
  let x = conv2dBn(g, g.input, 32, 3, 3, 'valid', 2);
  x = conv2dBn(g, x, 32, 3, 3, 'valid');
  x = conv2dBn(g, x, 64, 3, 3);
  x = maxPool3(g, x);
  x = conv2dBn(g, x, 80, 1, 1, 'valid');
  x = conv2dBn(g, x, 192, 3, 3, 'valid');
  x = maxPool3(g, x);

  x = mixed35(g, x, 32, 'mixed0');
  x = mixed35(g, x, 64, 'mixed1');
  x = mixed35(g, x, 64, 'mixed2');

  // mixed 3: 17×17×768
  {
    const b3 = conv2dBn(g, x, 384, 3, 3, 'valid', 2);
    let b3d = conv2dBn(g, x, 64, 1, 1);
    b3d = conv2dBn(g, b3d, 96, 3, 3);
    b3d = conv2dBn(g, b3d, 96, 3, 3, 'valid', 2);
    x = concat(g, [b3, b3d, maxPool3(g, x)], 'mixed3');
  }

  x = mixed17(g, x, 128, 'mixed4');
  x = mixed17(g, x, 160, 'mixed5');
  x = mixed17(g, x, 160, 'mixed6');
  x = mixed17(g, x, 192, 'mixed7');

  // mixed 8: 8×8×1280
  {
    let b3 = conv2dBn(g, x, 192, 1, 1);
    b3 = conv2dBn(g, b3, 320, 3, 3, 'valid', 2);
    let b7 = conv2dBn(g, x, 192, 1, 1);
    b7 = conv2dBn(g, b7, 192, 1, 7);
    b7 = conv2dBn(g, b7, 192, 7, 1);
    b7 = conv2dBn(g, b7, 192, 3, 3, 'valid', 2);
    x = concat(g, [b3, b7, maxPool3(g, x)], 'mixed8');
  }

  // mixed 9, 10: 8×8×2048, the 3×3 branches split into 1×3 and 3×1.
  for (let i = 0; i < 2; i++) {
    const b1 = conv2dBn(g, x, 320, 1, 1);
    const b3in = conv2dBn(g, x, 384, 1, 1);
    const b3 = concat(g, [conv2dBn(g, b3in, 384, 1, 3), conv2dBn(g, b3in, 384, 3, 1)], `mixed9_${i}`);
    let b3d = conv2dBn(g, x, 448, 1, 1);
    b3d = conv2dBn(g, b3d, 384, 3, 3);
    const b3dOut = concat(g, [conv2dBn(g, b3d, 384, 1, 3), conv2dBn(g, b3d, 384, 3, 1)]);
    const bp = conv2dBn(g, avgPool3(g, x), 192, 1, 1);
    x = concat(g, [b1, b3, b3dOut, bp], `mixed${9 + i}`);
  }

  return g.build(args.include_top !== false ? classifierTop(g, x, args) : unnamedPooling(g, x, args));
}

export const INCEPTION_V3_APPLICATIONS = [
  defineApplication({
    name: 'InceptionV3',
    kerasName: 'inception_v3',
    doc: 'InceptionV3 (Keras Applications, Szegedy et al. 2016): factorised Inception modules, as one nested layer (`inception_v3 (Functional)`). Default input 299×299, at least 75×75. Weights only from a local file.',
    defaultInput: [299, 299, 3],
    minSize: 75,
    weightsFiles: {
      top: 'inception_v3_weights_tf_dim_ordering_tf_kernels.h5',
      notop: 'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
    },
    build: inceptionV3,
  }),
];
