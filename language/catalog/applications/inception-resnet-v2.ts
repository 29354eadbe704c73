// InceptionResNetV2 (Szegedy et al. 2017), as keras/src/applications/inception_resnet_v2.py
// builds it: a stem, 10 block35, 20 block17 and 10 block8 Inception-ResNet blocks whose residual
// is added scaled (the CustomScaleLayer graph op), with the reduction blocks mixed_6a/mixed_7a
// between. Keras names the blocks' concatenations, projections and activations; the conv2d_bn
// layers inside the branches keep Keras's auto names, so the branches are built in Keras's order.
// Keras's model.summary() totals: 55,873,736 with the top (55,813,192 trainable, 60,544
// non-trainable), 54,336,736 without.

import type { ArgValue, Shape } from '../types';
import { defineApplication } from '../graph/define-application';
import type { LayerGraph } from '../graph/layer-graph';
import { shapedGraphBuilder, type ShapedGraphBuilder } from '../graph/shaped-builder';
import { classifierTop, unnamedPooling } from './top';

interface ConvBnOptions {
  strides?: number;
  padding?: 'same' | 'valid';
  activation?: string | null;
  useBias?: boolean;
  name?: string;
}

/** conv2d_bn: Conv2D, then BatchNormalization (scale=False) unless it has a bias, then the activation. */
function conv2dBn(
  g: ShapedGraphBuilder,
  x: string,
  filters: number,
  kernel: number | [number, number],
  { strides = 1, padding = 'same', activation = 'relu', useBias = false, name }: ConvBnOptions = {},
): string {
  x = g.layer(
    'Conv2D',
    { filters, kernel_size: kernel, strides, padding, use_bias: useBias, ...(name ? { name } : {}) },
    x,
  );
  if (!useBias)
    x = g.layer('BatchNormalization', { axis: 3, scale: false, ...(name ? { name: `${name}_bn` } : {}) }, x);
  if (activation !== null) x = g.layer('Activation', { activation, ...(name ? { name: `${name}_ac` } : {}) }, x);
  return x;
}

type BlockType = 'block35' | 'block17' | 'block8';

/** inception_resnet_block: branches, concatenated, projected back to x's channels, x + scale · up. */
function inceptionResnetBlock(
  g: ShapedGraphBuilder,
  x: string,
  scale: number,
  blockType: BlockType,
  blockIdx: number,
  activation: string | null = 'relu',
): string {
  let branches: string[];
  if (blockType === 'block35') {
    const b0 = conv2dBn(g, x, 32, 1);
    const b1 = conv2dBn(g, conv2dBn(g, x, 32, 1), 32, 3);
    let b2 = conv2dBn(g, x, 32, 1);
    b2 = conv2dBn(g, b2, 48, 3);
    b2 = conv2dBn(g, b2, 64, 3);
    branches = [b0, b1, b2];
  } else if (blockType === 'block17') {
    const b0 = conv2dBn(g, x, 192, 1);
    let b1 = conv2dBn(g, x, 128, 1);
    b1 = conv2dBn(g, b1, 160, [1, 7]);
    b1 = conv2dBn(g, b1, 192, [7, 1]);
    branches = [b0, b1];
  } else {
    const b0 = conv2dBn(g, x, 192, 1);
    let b1 = conv2dBn(g, x, 192, 1);
    b1 = conv2dBn(g, b1, 224, [1, 3]);
    b1 = conv2dBn(g, b1, 256, [3, 1]);
    branches = [b0, b1];
  }
  const blockName = `${blockType}_${blockIdx}`;
  const mixed = g.merge('Concatenate', branches, { axis: 3, name: `${blockName}_mixed` });
  const up = conv2dBn(g, mixed, g.channels(x), 1, { activation: null, useBias: true, name: `${blockName}_conv` });
  x = g.merge('CustomScaleLayer', [x, up], { scale });
  return activation === null ? x : g.layer('Activation', { activation, name: `${blockName}_ac` }, x);
}

function inceptionResnetV2(args: Record<string, ArgValue>, input: Shape): LayerGraph {
  const g = shapedGraphBuilder('inception_resnet_v2', input);
  const valid = { padding: 'valid' } as const;
  const stride2 = { strides: 2, padding: 'valid' } as const;
  // Stem: 35×35×192
  let x = conv2dBn(g, g.input, 32, 3, stride2);
  x = conv2dBn(g, x, 32, 3, valid);
  x = conv2dBn(g, x, 64, 3);
  x = g.layer('MaxPooling2D', { pool_size: 3, strides: 2 }, x);
  x = conv2dBn(g, x, 80, 1, valid);
  x = conv2dBn(g, x, 192, 3, valid);
  x = g.layer('MaxPooling2D', { pool_size: 3, strides: 2 }, x);

  // Mixed 5b (Inception-A): 35×35×320
  {
    const b0 = conv2dBn(g, x, 96, 1);
    const b1 = conv2dBn(g, conv2dBn(g, x, 48, 1), 64, 5);
    let b2 = conv2dBn(g, x, 64, 1);
    b2 = conv2dBn(g, b2, 96, 3);
    b2 = conv2dBn(g, b2, 96, 3);
    const pool = g.layer('AveragePooling2D', { pool_size: 3, strides: 1, padding: 'same' }, x);
    const bp = conv2dBn(g, pool, 64, 1);
    x = g.merge('Concatenate', [b0, b1, b2, bp], { axis: 3, name: 'mixed_5b' });
  }
  for (let i = 1; i <= 10; i++) x = inceptionResnetBlock(g, x, 0.17, 'block35', i);

  // Mixed 6a (Reduction-A): 17×17×1088
  {
    const b0 = conv2dBn(g, x, 384, 3, stride2);
    let b1 = conv2dBn(g, x, 256, 1);
    b1 = conv2dBn(g, b1, 256, 3);
    b1 = conv2dBn(g, b1, 384, 3, stride2);
    const bp = g.layer('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'valid' }, x);
    x = g.merge('Concatenate', [b0, b1, bp], { axis: 3, name: 'mixed_6a' });
  }
  for (let i = 1; i <= 20; i++) x = inceptionResnetBlock(g, x, 0.1, 'block17', i);

  // Mixed 7a (Reduction-B): 8×8×2080
  {
    const b0 = conv2dBn(g, conv2dBn(g, x, 256, 1), 384, 3, stride2);
    const b1 = conv2dBn(g, conv2dBn(g, x, 256, 1), 288, 3, stride2);
    let b2 = conv2dBn(g, x, 256, 1);
    b2 = conv2dBn(g, b2, 288, 3);
    b2 = conv2dBn(g, b2, 320, 3, stride2);
    const bp = g.layer('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'valid' }, x);
    x = g.merge('Concatenate', [b0, b1, b2, bp], { axis: 3, name: 'mixed_7a' });
  }
  for (let i = 1; i <= 9; i++) x = inceptionResnetBlock(g, x, 0.2, 'block8', i);
  x = inceptionResnetBlock(g, x, 1.0, 'block8', 10, null);

  // Final convolution block: 8×8×1536
  x = conv2dBn(g, x, 1536, 1, { name: 'conv_7b' });

  return g.build(args.include_top !== false ? classifierTop(g, x, args) : unnamedPooling(g, x, args));
}

export const INCEPTION_RESNET_V2_APPLICATIONS = [
  defineApplication({
    name: 'InceptionResNetV2',
    kerasName: 'inception_resnet_v2',
    doc: 'InceptionResNetV2 (Keras Applications, Szegedy et al. 2017): Inception modules with scaled residual connections, as one nested layer (`inception_resnet_v2 (Functional)`). Default input 299×299, at least 75×75. Weights only from a local file.',
    defaultInput: [299, 299, 3],
    minSize: 75,
    weightsFiles: {
      top: 'inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5',
      notop: 'inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5',
    },
    build: inceptionResnetV2,
  }),
];
