// NASNetMobile (Zoph et al. 2018), as keras/src/applications/nasnet.py builds it: NASNet-A with
// penultimate_filters 1056, 4 normal cells per stage, a 32-filter stem, skip_reduction False and
// filter_multiplier 2. The cells read the shapes of their inputs while building (the previous
// cell's output is adjusted when its width differs, `p.shape[-2] != ip.shape[-2]`, or its
// channels do; strided separable convolutions pad with imagenet_utils.correct_pad), so the graph
// is built with a ShapedGraphBuilder. Keras's names (and its auto names for the unnamed
// activations, paddings, croppings and adds) follow build order.
// Keras's model.summary() totals: 5,326,716 with the top (5,289,978 trainable, 36,738
// non-trainable); without the top 4,269,716 (the 1056 × 1000 + 1000 predictions removed).

import { formatShape } from '../shapes';
import { ShapeError, type ArgValue, type Shape } from '../types';
import { defineApplication } from '../graph/define-application';
import type { LayerGraph } from '../graph/layer-graph';
import { correctPad, shapedGraphBuilder, type ShapedGraphBuilder } from '../graph/shaped-builder';
import { unnamedPooling } from './top';

/** NASNet's BatchNormalization everywhere: channels last, Keras's momentum and epsilon. */
const BN = { axis: -1, momentum: 0.9997, epsilon: 1e-3 };
const HE = { kernel_initializer: 'he_normal' };

type G = ShapedGraphBuilder;
const relu = (g: G, x: string, name?: string) =>
  g.layer('Activation', { activation: 'relu', ...(name ? { name } : {}) }, x);

/** _separable_conv_block: ReLU, SeparableConv2D (strided ones after correct_pad), BN, ReLU, SeparableConv2D, BN. */
function separableConvBlock(
  g: G,
  ip: string,
  filters: number,
  kernel: number,
  strides: number,
  blockId: string,
): string {
  let x = relu(g, ip);
  let padding = 'same';
  if (strides === 2) {
    x = g.layer(
      'ZeroPadding2D',
      { padding: correctPad(g.shape(x), kernel), name: `separable_conv_1_pad_${blockId}` },
      x,
    );
    padding = 'valid';
  }
  x = g.layer(
    'SeparableConv2D',
    { filters, kernel_size: kernel, strides, padding, use_bias: false, name: `separable_conv_1_${blockId}` },
    x,
  );
  x = g.layer('BatchNormalization', { ...BN, name: `separable_conv_1_bn_${blockId}` }, x);
  x = relu(g, x);
  x = g.layer(
    'SeparableConv2D',
    { filters, kernel_size: kernel, padding: 'same', use_bias: false, name: `separable_conv_2_${blockId}` },
    x,
  );
  return g.layer('BatchNormalization', { ...BN, name: `separable_conv_2_bn_${blockId}` }, x);
}

/** _adjust_block: makes the previous cell's output p match this cell's input ip in size and channels. */
function adjustBlock(g: G, p: string | null, ip: string, filters: number, blockId: string): string {
  if (p === null) return ip;
  // Keras compares the width (axis -2) only; an unknown width equals an unknown one.
  if (g.shape(p).at(-2) !== g.shape(ip).at(-2)) {
    p = relu(g, p, `adjust_relu_1_${blockId}`);
    let p1 = g.layer(
      'AveragePooling2D',
      { pool_size: 1, strides: 2, padding: 'valid', name: `adjust_avg_pool_1_${blockId}` },
      p,
    );
    p1 = g.layer(
      'Conv2D',
      {
        filters: Math.floor(filters / 2),
        kernel_size: 1,
        padding: 'same',
        use_bias: false,
        ...HE,
        name: `adjust_conv_1_${blockId}`,
      },
      p1,
    );
    let p2 = g.layer(
      'ZeroPadding2D',
      {
        padding: [
          [0, 1],
          [0, 1],
        ],
      },
      p,
    );
    p2 = g.layer(
      'Cropping2D',
      {
        cropping: [
          [1, 0],
          [1, 0],
        ],
      },
      p2,
    );
    p2 = g.layer(
      'AveragePooling2D',
      { pool_size: 1, strides: 2, padding: 'valid', name: `adjust_avg_pool_2_${blockId}` },
      p2,
    );
    p2 = g.layer(
      'Conv2D',
      {
        filters: Math.floor(filters / 2),
        kernel_size: 1,
        padding: 'same',
        use_bias: false,
        ...HE,
        name: `adjust_conv_2_${blockId}`,
      },
      p2,
    );
    const joined = g.merge('Concatenate', [p1, p2], { axis: -1 });
    return g.layer('BatchNormalization', { ...BN, name: `adjust_bn_${blockId}` }, joined);
  }
  if (g.channels(p) !== filters) {
    p = relu(g, p);
    p = g.layer(
      'Conv2D',
      {
        filters,
        kernel_size: 1,
        strides: 1,
        padding: 'same',
        use_bias: false,
        ...HE,
        name: `adjust_conv_projection_${blockId}`,
      },
      p,
    );
    return g.layer('BatchNormalization', { ...BN, name: `adjust_bn_${blockId}` }, p);
  }
  return p;
}

/** The 1×1 convolution of ip every cell starts with. */
function squeeze(g: G, ip: string, filters: number, kind: 'normal' | 'reduction', blockId: string): string {
  const h = g.layer(
    'Conv2D',
    {
      filters,
      kernel_size: 1,
      strides: 1,
      padding: 'same',
      use_bias: false,
      ...HE,
      name: `${kind}_conv_1_${blockId}`,
    },
    relu(g, ip),
  );
  return g.layer('BatchNormalization', { ...BN, name: `${kind}_bn_1_${blockId}` }, h);
}

const avgPool = (g: G, x: string, strides: number, padding: string, name: string) =>
  g.layer('AveragePooling2D', { pool_size: 3, strides, padding, name }, x);

/** _normal_a_cell: five combinations of h (this cell's input) and p (the previous one's), concatenated with p. */
function normalCell(g: G, ip: string, p: string | null, filters: number, blockId: string): [string, string] {
  const pa = adjustBlock(g, p, ip, filters, blockId);
  const h = squeeze(g, ip, filters, 'normal', blockId);
  const x1 = g.merge(
    'Add',
    [
      separableConvBlock(g, h, filters, 5, 1, `normal_left1_${blockId}`),
      separableConvBlock(g, pa, filters, 3, 1, `normal_right1_${blockId}`),
    ],
    { name: `normal_add_1_${blockId}` },
  );
  const x2 = g.merge(
    'Add',
    [
      separableConvBlock(g, pa, filters, 5, 1, `normal_left2_${blockId}`),
      separableConvBlock(g, pa, filters, 3, 1, `normal_right2_${blockId}`),
    ],
    { name: `normal_add_2_${blockId}` },
  );
  const x3 = g.merge('Add', [avgPool(g, h, 1, 'same', `normal_left3_${blockId}`), pa], {
    name: `normal_add_3_${blockId}`,
  });
  const x4 = g.merge(
    'Add',
    [avgPool(g, pa, 1, 'same', `normal_left4_${blockId}`), avgPool(g, pa, 1, 'same', `normal_right4_${blockId}`)],
    { name: `normal_add_4_${blockId}` },
  );
  const x5 = g.merge('Add', [separableConvBlock(g, h, filters, 3, 1, `normal_left5_${blockId}`), h], {
    name: `normal_add_5_${blockId}`,
  });
  const x = g.merge('Concatenate', [pa, x1, x2, x3, x4, x5], { axis: -1, name: `normal_concat_${blockId}` });
  return [x, ip];
}

/** _reduction_a_cell: halves the size; four strided combinations of h and p, concatenated. */
function reductionCell(g: G, ip: string, p: string | null, filters: number, blockId: string): [string, string] {
  const pa = adjustBlock(g, p, ip, filters, blockId);
  const h = squeeze(g, ip, filters, 'reduction', blockId);
  const h3 = g.layer('ZeroPadding2D', { padding: correctPad(g.shape(h), 3), name: `reduction_pad_1_${blockId}` }, h);
  const x1 = g.merge(
    'Add',
    [
      separableConvBlock(g, h, filters, 5, 2, `reduction_left1_${blockId}`),
      separableConvBlock(g, pa, filters, 7, 2, `reduction_right1_${blockId}`),
    ],
    { name: `reduction_add_1_${blockId}` },
  );
  const x2 = g.merge(
    'Add',
    [
      g.layer('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'valid', name: `reduction_left2_${blockId}` }, h3),
      separableConvBlock(g, pa, filters, 7, 2, `reduction_right2_${blockId}`),
    ],
    { name: `reduction_add_2_${blockId}` },
  );
  const x3 = g.merge(
    'Add',
    [
      avgPool(g, h3, 2, 'valid', `reduction_left3_${blockId}`),
      separableConvBlock(g, pa, filters, 5, 2, `reduction_right3_${blockId}`),
    ],
    { name: `reduction_add3_${blockId}` },
  );
  const x4 = g.merge('Add', [x2, avgPool(g, x1, 1, 'same', `reduction_left4_${blockId}`)]);
  const x5 = g.merge(
    'Add',
    [
      separableConvBlock(g, x1, filters, 3, 1, `reduction_left4_${blockId}`),
      g.layer('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'valid', name: `reduction_right5_${blockId}` }, h3),
    ],
    { name: `reduction_add4_${blockId}` },
  );
  const x = g.merge('Concatenate', [x2, x3, x4, x5], { axis: -1, name: `reduction_concat_${blockId}` });
  return [x, ip];
}

/** NASNet(): NASNetMobile's configuration; NASNetLarge would be (4032, 6, 96, skip_reduction True). */
const PENULTIMATE_FILTERS = 1056;
const NUM_BLOCKS = 4;
const STEM_BLOCK_FILTERS = 32;
const SKIP_REDUCTION = false;
const FILTER_MULTIPLIER = 2;

function nasnet(args: Record<string, ArgValue>, input: Shape): LayerGraph {
  // Keras refuses None sizes only with ImageNet weights, but its cells compare widths while
  // building: with None the previous cell is never reduced and the adds fail at run time.
  if (input[0] === null || input[1] === null) {
    throw new ShapeError(
      'shape-unknown',
      `NASNetMobile needs a fixed input height and width (its cells compare sizes while building), but gets ${formatShape(input)}; give the input shape fixed sizes, e.g. (224, 224, 3)`,
    );
  }
  const g = shapedGraphBuilder('nasnet_mobile', input);
  const filters = Math.floor(PENULTIMATE_FILTERS / 24);
  let x = g.layer(
    'Conv2D',
    {
      filters: STEM_BLOCK_FILTERS,
      kernel_size: 3,
      strides: 2,
      padding: 'valid',
      use_bias: false,
      name: 'stem_conv1',
      ...HE,
    },
    g.input,
  );
  x = g.layer('BatchNormalization', { ...BN, name: 'stem_bn1' }, x);
  let p: string | null = null;
  [x, p] = reductionCell(g, x, p, Math.floor(filters / FILTER_MULTIPLIER ** 2), 'stem_1');
  [x, p] = reductionCell(g, x, p, Math.floor(filters / FILTER_MULTIPLIER), 'stem_2');
  for (let i = 0; i < NUM_BLOCKS; i++) [x, p] = normalCell(g, x, p, filters, `${i}`);
  let p0: string;
  [x, p0] = reductionCell(g, x, p, filters * FILTER_MULTIPLIER, `reduce_${NUM_BLOCKS}`);
  p = SKIP_REDUCTION ? p : p0;
  for (let i = 0; i < NUM_BLOCKS; i++) {
    [x, p] = normalCell(g, x, p, filters * FILTER_MULTIPLIER, `${NUM_BLOCKS + i + 1}`);
  }
  [x, p0] = reductionCell(g, x, p, filters * FILTER_MULTIPLIER ** 2, `reduce_${2 * NUM_BLOCKS}`);
  p = SKIP_REDUCTION ? p : p0;
  for (let i = 0; i < NUM_BLOCKS; i++) {
    [x, p] = normalCell(g, x, p, filters * FILTER_MULTIPLIER ** 2, `${2 * NUM_BLOCKS + i + 1}`);
  }
  x = relu(g, x);
  if (args.include_top !== false) {
    x = g.layer('GlobalAveragePooling2D', {}, x);
    x = g.layer(
      'Dense',
      { units: args.classes ?? 1000, activation: args.classifier_activation ?? null, name: 'predictions' },
      x,
    );
  } else {
    x = unnamedPooling(g, x, args);
  }
  return g.build(x);
}

export const NASNET_APPLICATIONS = [
  defineApplication({
    name: 'NASNetMobile',
    kerasName: 'nasnet_mobile',
    doc: 'NASNetMobile (Keras Applications, Zoph et al. 2018): the mobile NASNet-A found by neural architecture search, as one nested layer (`nasnet_mobile (Functional)`). Default input 224×224, at least 32×32. Weights only from a local file.',
    defaultInput: [224, 224, 3],
    minSize: 32,
    // Keras's own order: input_shape comes first.
    args: ['input_shape', 'include_top', 'weights', 'pooling', 'classes', 'classifier_activation'],
    // keras.utils.get_file's fname (the URL's file is NASNet-mobile.h5 / NASNet-mobile-no-top.h5).
    weightsFiles: { top: 'nasnet_mobile.h5', notop: 'nasnet_mobile_no_top.h5' },
    build: nasnet,
  }),
];
