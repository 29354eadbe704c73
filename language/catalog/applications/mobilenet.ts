// MobileNet (Howard et al. 2017: depthwise separable convolutions), as
// keras/src/applications/mobilenet.py builds it, with Keras's layer names (a Keras weights file
// loads by name). Keras's counts (model.summary()): 4,253,864 with the top (4,231,976 trainable,
// 21,888 non-trainable), 3,228,864 without (3,206,976 / 21,888).

import { arg, float, int } from '../arg-types';
import { defineApplication } from '../graph/define-application';
import { GraphBuilder, type LayerGraph } from '../graph/layer-graph';
import type { ArgValue, Shape } from '../types';
import { alphaArg, mobileNetModelName, num } from './imagenet-utils';
import { unnamedPooling } from './top';

/** _depthwise_conv_block: 3×3 depthwise (padded ((0, 1), (0, 1)) when strided), then 1×1 pointwise. */
function depthwiseConvBlock(
  g: GraphBuilder,
  x: string,
  pointwise: number,
  alpha: number,
  depthMultiplier: number,
  strides: number,
  id: number,
): string {
  if (strides !== 1) {
    x = g.layer(
      'ZeroPadding2D',
      {
        padding: [
          [0, 1],
          [0, 1],
        ],
        name: `conv_pad_${id}`,
      },
      x,
    );
  }
  x = g.layer(
    'DepthwiseConv2D',
    {
      kernel_size: 3,
      padding: strides === 1 ? 'same' : 'valid',
      depth_multiplier: depthMultiplier,
      strides,
      use_bias: false,
      name: `conv_dw_${id}`,
    },
    x,
  );
  x = g.layer('BatchNormalization', { axis: -1, name: `conv_dw_${id}_bn` }, x);
  x = g.layer('ReLU', { max_value: 6.0, name: `conv_dw_${id}_relu` }, x);
  x = g.layer(
    'Conv2D',
    {
      filters: Math.trunc(pointwise * alpha),
      kernel_size: 1,
      padding: 'same',
      use_bias: false,
      strides: 1,
      name: `conv_pw_${id}`,
    },
    x,
  );
  x = g.layer('BatchNormalization', { axis: -1, name: `conv_pw_${id}_bn` }, x);
  return g.layer('ReLU', { max_value: 6.0, name: `conv_pw_${id}_relu` }, x);
}

/** Keras's name, mobilenet_{alpha:.2f}_{rows} (ImageNet weights exist for these sizes). */
const modelName = mobileNetModelName('mobilenet', [128, 160, 192, 224]);

/** (pointwise filters, stride) of blocks 1–13, as MobileNet() lists them. */
const BLOCKS: readonly [filters: number, stride: number][] = [
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
  [256, 1],
  [512, 2],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [1024, 2],
  [1024, 1],
];

function mobileNet(args: Record<string, ArgValue>, _input: Shape): LayerGraph {
  const alpha = num(args, 'alpha');
  const depthMultiplier = num(args, 'depth_multiplier');
  const g = new GraphBuilder(modelName(args));
  // _conv_block
  let x = g.layer(
    'Conv2D',
    { filters: Math.trunc(32 * alpha), kernel_size: 3, padding: 'same', use_bias: false, strides: 2, name: 'conv1' },
    g.input,
  );
  x = g.layer('BatchNormalization', { axis: -1, name: 'conv1_bn' }, x);
  x = g.layer('ReLU', { max_value: 6.0, name: 'conv1_relu' }, x);
  BLOCKS.forEach(([filters, stride], i) => {
    x = depthwiseConvBlock(g, x, filters, alpha, depthMultiplier, stride, i + 1);
  });
  if (args.include_top === false) return g.build(unnamedPooling(g, x, args));
  const classes = num(args, 'classes');
  x = g.layer('GlobalAveragePooling2D', { keepdims: true }, x);
  x = g.layer('Dropout', { rate: num(args, 'dropout'), name: 'dropout' }, x);
  x = g.layer('Conv2D', { filters: classes, kernel_size: 1, padding: 'same', name: 'conv_preds' }, x);
  x = g.layer('Reshape', { target_shape: [classes], name: 'reshape_2' }, x);
  return g.build(g.layer('Activation', { activation: args.classifier_activation ?? 'linear', name: 'predictions' }, x));
}

export const MobileNet = defineApplication({
  name: 'MobileNet',
  kerasName: 'mobilenet_1.00_224',
  doc: 'MobileNet (Keras Applications, Howard et al. 2017): depthwise separable convolutions, as one nested layer (`mobilenet_1.00_224 (Functional)`). `alpha` scales the width, `depth_multiplier` the depthwise channels. Weights only from a local file.',
  defaultInput: [224, 224, 3],
  minSize: 32,
  args: [
    'input_shape',
    alphaArg(
      'Width multiplier: < 1 narrows, > 1 widens every layer (ImageNet weights exist for 0.25, 0.5, 0.75, 1.0).',
    ),
    arg('depth_multiplier', int(1), 1, 'Depthwise channels per input channel (the resolution multiplier).'),
    arg(
      'dropout',
      float(0, 1, { maxExclusive: true }),
      1e-3,
      'Dropout rate before the top classifier (with include_top).',
    ),
    'include_top',
    'weights',
    'pooling',
    'classes',
    'classifier_activation',
  ],
  // Keras names the files after alpha and the input size (mobilenet_5_0_160_tf.h5); these are
  // the default's, alpha=1.0 at 224×224.
  weightsFiles: { top: 'mobilenet_1_0_224_tf.h5', notop: 'mobilenet_1_0_224_tf_no_top.h5' },
  modelName,
  build: mobileNet,
});
