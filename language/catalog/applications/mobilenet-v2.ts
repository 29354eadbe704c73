// MobileNetV2 (Sandler et al. 2018: inverted residuals and linear bottlenecks), as
// keras/src/applications/mobilenet_v2.py builds it, with Keras's layer names (a Keras weights
// file loads by name). Keras's counts (model.summary()): 3,538,984 with the top (3,504,872
// trainable, 34,112 non-trainable), 2,257,984 without (2,223,872 / 34,112); alpha=0.35 without
// the top, pooling='max': 410,208 (396,128 / 14,080).

import { defineApplication } from '../graph/define-application';
import { GraphBuilder, type LayerGraph } from '../graph/layer-graph';
import type { ArgValue, Shape } from '../types';
import { alphaArg, correctPad, makeDivisible, mobileNetModelName, num } from './imagenet-utils';
import { unnamedPooling } from './top';

const BN = { axis: -1, epsilon: 1e-3, momentum: 0.999 };

/** _inverted_res_block: 1×1 expansion (not on block 0), 3×3 depthwise, linear 1×1 projection. */
function invertedResBlock(
  g: GraphBuilder,
  input: Shape,
  x: string,
  inChannels: number,
  b: { expansion: number; stride: number; alpha: number; filters: number; id: number },
): { x: string; channels: number } {
  const pointwise = makeDivisible(Math.trunc(b.filters * b.alpha), 8);
  const inputs = x;
  let prefix = `block_${b.id}_`;
  if (b.id) {
    x = g.layer(
      'Conv2D',
      { filters: b.expansion * inChannels, kernel_size: 1, padding: 'same', use_bias: false, name: `${prefix}expand` },
      x,
    );
    x = g.layer('BatchNormalization', { ...BN, name: `${prefix}expand_BN` }, x);
    x = g.layer('ReLU', { max_value: 6.0, name: `${prefix}expand_relu` }, x);
  } else {
    prefix = 'expanded_conv_';
  }
  if (b.stride === 2) x = g.layer('ZeroPadding2D', { padding: correctPad(g, x, input, 3), name: `${prefix}pad` }, x);
  x = g.layer(
    'DepthwiseConv2D',
    {
      kernel_size: 3,
      strides: b.stride,
      use_bias: false,
      padding: b.stride === 1 ? 'same' : 'valid',
      name: `${prefix}depthwise`,
    },
    x,
  );
  x = g.layer('BatchNormalization', { ...BN, name: `${prefix}depthwise_BN` }, x);
  x = g.layer('ReLU', { max_value: 6.0, name: `${prefix}depthwise_relu` }, x);
  x = g.layer(
    'Conv2D',
    { filters: pointwise, kernel_size: 1, padding: 'same', use_bias: false, name: `${prefix}project` },
    x,
  );
  x = g.layer('BatchNormalization', { ...BN, name: `${prefix}project_BN` }, x);
  if (inChannels === pointwise && b.stride === 1) x = g.merge('Add', [inputs, x], { name: `${prefix}add` });
  return { x, channels: pointwise };
}

/** Keras's name, mobilenetv2_{alpha:.2f}_{rows} (ImageNet weights exist for these sizes). */
const modelName = mobileNetModelName('mobilenetv2', [96, 128, 160, 192, 224]);

/** (filters, stride, expansion) of blocks 0–16, as MobileNetV2() lists them. */
const BLOCKS: readonly [filters: number, stride: number, expansion: number][] = [
  [16, 1, 1],
  [24, 2, 6],
  [24, 1, 6],
  [32, 2, 6],
  [32, 1, 6],
  [32, 1, 6],
  [64, 2, 6],
  [64, 1, 6],
  [64, 1, 6],
  [64, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [160, 2, 6],
  [160, 1, 6],
  [160, 1, 6],
  [320, 1, 6],
];

function mobileNetV2(args: Record<string, ArgValue>, input: Shape): LayerGraph {
  const alpha = num(args, 'alpha');
  const g = new GraphBuilder(modelName(args));
  const first = makeDivisible(32 * alpha, 8);
  let x = g.layer(
    'Conv2D',
    { filters: first, kernel_size: 3, strides: 2, padding: 'same', use_bias: false, name: 'Conv1' },
    g.input,
  );
  x = g.layer('BatchNormalization', { ...BN, name: 'bn_Conv1' }, x);
  x = g.layer('ReLU', { max_value: 6.0, name: 'Conv1_relu' }, x);
  let channels = first;
  BLOCKS.forEach(([filters, stride, expansion], id) => {
    ({ x, channels } = invertedResBlock(g, input, x, channels, { expansion, stride, alpha, filters, id }));
  });
  const last = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = g.layer('Conv2D', { filters: last, kernel_size: 1, use_bias: false, name: 'Conv_1' }, x);
  x = g.layer('BatchNormalization', { ...BN, name: 'Conv_1_bn' }, x);
  x = g.layer('ReLU', { max_value: 6.0, name: 'out_relu' }, x);
  if (args.include_top !== false) {
    // Keras leaves this pooling unnamed (global_average_pooling2d).
    x = g.layer('GlobalAveragePooling2D', {}, x);
    x = g.layer(
      'Dense',
      { units: args.classes ?? 1000, activation: args.classifier_activation ?? null, name: 'predictions' },
      x,
    );
    return g.build(x);
  }
  return g.build(unnamedPooling(g, x, args));
}

export const MobileNetV2 = defineApplication({
  name: 'MobileNetV2',
  kerasName: 'mobilenetv2_1.00_224',
  doc: 'MobileNetV2 (Keras Applications, Sandler et al. 2018): inverted residual blocks with linear bottlenecks, as one nested layer (`mobilenetv2_1.00_224 (Functional)`). `alpha` scales the width. Weights only from a local file.',
  defaultInput: [224, 224, 3],
  minSize: 32,
  args: [
    'input_shape',
    alphaArg(
      'Width multiplier: < 1 narrows, > 1 widens every layer (ImageNet weights exist for 0.35, 0.5, 0.75, 1.0, 1.3, 1.4).',
    ),
    'include_top',
    'weights',
    'pooling',
    'classes',
    'classifier_activation',
  ],
  weightsFiles: {
    top: 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5',
    notop: 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5',
  },
  modelName,
  build: mobileNetV2,
});
