// MobileNetV3Small and MobileNetV3Large (Howard et al. 2019), as keras/src/applications/
// mobilenet_v3.py builds them, with Keras's layer names (a Keras weights file loads by name).
// Keras's raw tensor arithmetic becomes catalog layers: hard_sigmoid, written
// `ReLU(6.0)(x + 3.0) * (1.0 / 6.0)`, is Activation('hard_sigmoid') (Keras 3's hard_sigmoid is
// relu6(x + 3) / 6: keras/src/backend/tensorflow/nn.py, tables/activations.ts), and hard_swish (Keras 3's Activation('hard_swish'),
// x · hard_sigmoid(x)) is that activation and a Multiply. Neither has weights, so the counts and
// the weight names are Keras's. Keras's counts (model.summary()):
//   MobileNetV3Small 2,554,968 with the top (2,542,856 trainable, 12,112 non-trainable),
//                    939,120 without (output (7, 7, 576) at 224×224)
//   MobileNetV3Large 5,507,432 with the top (5,483,032 / 24,400),
//                    2,996,352 without (output (7, 7, 960) at 224×224)

import { arg, bool, float } from '../arg-types';
import { defineApplication } from '../graph/define-application';
import { GraphBuilder, type LayerGraph } from '../graph/layer-graph';
import type { ArgValue, LayerSpec, Shape } from '../types';
import { alphaArg, correctPad, makeDivisible, num } from './imagenet-utils';
import { poolingTop } from './top';

const BN = { axis: -1, epsilon: 1e-3, momentum: 0.999 };

/** An activation of the network: relu (a ReLU layer) or hard_swish (hard_sigmoid times x). */
type Act = (g: GraphBuilder, x: string) => string;
const relu: Act = (g, x) => g.layer('ReLU', {}, x);
const hardSigmoid: Act = (g, x) => g.layer('Activation', { activation: 'hard_sigmoid' }, x);
const hardSwish: Act = (g, x) => g.merge('Multiply', [x, hardSigmoid(g, x)]);

/** _se_block: squeeze (1×1 pooled), reduce, relu, expand, hard_sigmoid gate. */
function seBlock(g: GraphBuilder, inputs: string, filters: number, seRatio: number, prefix: string): string {
  let x = g.layer('GlobalAveragePooling2D', { keepdims: true, name: `${prefix}squeeze_excite_avg_pool` }, inputs);
  x = g.layer(
    'Conv2D',
    {
      filters: makeDivisible(filters * seRatio),
      kernel_size: 1,
      padding: 'same',
      name: `${prefix}squeeze_excite_conv`,
    },
    x,
  );
  x = g.layer('ReLU', { name: `${prefix}squeeze_excite_relu` }, x);
  x = g.layer('Conv2D', { filters, kernel_size: 1, padding: 'same', name: `${prefix}squeeze_excite_conv_1` }, x);
  x = hardSigmoid(g, x);
  return g.merge('Multiply', [inputs, x], { name: `${prefix}squeeze_excite_mul` });
}

interface Block {
  expansion: number;
  filters: number;
  kernel: number;
  stride: number;
  seRatio: number | null;
  act: Act;
  id: number;
}

/** _inverted_res_block: expansion (not on block 0), depthwise, optional SE, projection, residual. */
function invertedResBlock(
  g: GraphBuilder,
  input: Shape,
  x: string,
  inFilters: number,
  b: Block,
): { x: string; channels: number } {
  const shortcut = x;
  let prefix = 'expanded_conv_';
  const expanded = makeDivisible(inFilters * b.expansion);
  if (b.id) {
    prefix = `expanded_conv_${b.id}_`;
    x = g.layer(
      'Conv2D',
      { filters: expanded, kernel_size: 1, padding: 'same', use_bias: false, name: `${prefix}expand` },
      x,
    );
    x = g.layer('BatchNormalization', { ...BN, name: `${prefix}expand_bn` }, x);
    x = b.act(g, x);
  }
  if (b.stride === 2) {
    x = g.layer('ZeroPadding2D', { padding: correctPad(g, x, input, b.kernel), name: `${prefix}depthwise_pad` }, x);
  }
  x = g.layer(
    'DepthwiseConv2D',
    {
      kernel_size: b.kernel,
      strides: b.stride,
      padding: b.stride === 1 ? 'same' : 'valid',
      use_bias: false,
      name: `${prefix}depthwise`,
    },
    x,
  );
  x = g.layer('BatchNormalization', { ...BN, name: `${prefix}depthwise_bn` }, x);
  x = b.act(g, x);
  // Keras passes _depth(infilters * expansion) even on block 0, where nothing was expanded.
  if (b.seRatio) x = seBlock(g, x, expanded, b.seRatio, prefix);
  x = g.layer(
    'Conv2D',
    { filters: b.filters, kernel_size: 1, padding: 'same', use_bias: false, name: `${prefix}project` },
    x,
  );
  x = g.layer('BatchNormalization', { ...BN, name: `${prefix}project_bn` }, x);
  if (b.stride === 1 && inFilters === b.filters) x = g.merge('Add', [shortcut, x], { name: `${prefix}add` });
  return { x, channels: b.filters };
}

/**
 * One row of a stack_fn: (expansion, filters before alpha, kernel ('k': 5, or 3 when
 * minimalistic), stride, squeeze-and-excitation, activation ('hs': hard_swish, or relu when
 * minimalistic)), as MobileNetV3Small/Large call _inverted_res_block.
 */
type Row = [expansion: number, filters: number, kernel: 3 | 'k', stride: 1 | 2, se: boolean, act: 'relu' | 'hs'];

const SMALL: readonly Row[] = [
  [1, 16, 3, 2, true, 'relu'],
  [72.0 / 16, 24, 3, 2, false, 'relu'],
  [88.0 / 24, 24, 3, 1, false, 'relu'],
  [4, 40, 'k', 2, true, 'hs'],
  [6, 40, 'k', 1, true, 'hs'],
  [6, 40, 'k', 1, true, 'hs'],
  [3, 48, 'k', 1, true, 'hs'],
  [3, 48, 'k', 1, true, 'hs'],
  [6, 96, 'k', 2, true, 'hs'],
  [6, 96, 'k', 1, true, 'hs'],
  [6, 96, 'k', 1, true, 'hs'],
];

const LARGE: readonly Row[] = [
  [1, 16, 3, 1, false, 'relu'],
  [4, 24, 3, 2, false, 'relu'],
  [3, 24, 3, 1, false, 'relu'],
  [3, 40, 'k', 2, true, 'relu'],
  [3, 40, 'k', 1, true, 'relu'],
  [3, 40, 'k', 1, true, 'relu'],
  [6, 80, 3, 2, false, 'hs'],
  [2.5, 80, 3, 1, false, 'hs'],
  [2.3, 80, 3, 1, false, 'hs'],
  [2.3, 80, 3, 1, false, 'hs'],
  [6, 112, 3, 1, true, 'hs'],
  [6, 112, 3, 1, true, 'hs'],
  [6, 160, 'k', 2, true, 'hs'],
  [6, 160, 'k', 1, true, 'hs'],
  [6, 160, 'k', 1, true, 'hs'],
];

function mobileNetV3(kerasName: string, rows: readonly Row[], lastPoint: number) {
  return (args: Record<string, ArgValue>, input: Shape): LayerGraph => {
    const alpha = num(args, 'alpha');
    const minimalistic = args.minimalistic === true;
    // MobileNetV3(): minimalistic drops the 5×5 kernels, hard_swish and squeeze-and-excitation.
    const kernel = minimalistic ? 3 : 5;
    const act: Act = minimalistic ? relu : hardSwish;
    const seRatio = minimalistic ? null : 0.25;
    const g = new GraphBuilder(kerasName);
    let x = g.input;
    if (args.include_preprocessing !== false) x = g.layer('Rescaling', { scale: 1.0 / 127.5, offset: -1.0 }, x);
    x = g.layer(
      'Conv2D',
      { filters: 16, kernel_size: 3, strides: 2, padding: 'same', use_bias: false, name: 'conv' },
      x,
    );
    x = g.layer('BatchNormalization', { ...BN, name: 'conv_bn' }, x);
    x = act(g, x);
    let channels = 16;
    rows.forEach(([expansion, filters, k, stride, se, a], id) => {
      ({ x, channels } = invertedResBlock(g, input, x, channels, {
        expansion,
        filters: makeDivisible(filters * alpha),
        kernel: k === 'k' ? kernel : k,
        stride,
        seRatio: se ? seRatio : null,
        act: a === 'relu' ? relu : act,
        id,
      }));
    });
    const lastConv = makeDivisible(channels * 6);
    const lastPointCh = alpha > 1.0 ? makeDivisible(lastPoint * alpha) : lastPoint;
    x = g.layer('Conv2D', { filters: lastConv, kernel_size: 1, padding: 'same', use_bias: false, name: 'conv_1' }, x);
    x = g.layer('BatchNormalization', { ...BN, name: 'conv_1_bn' }, x);
    x = act(g, x);
    if (args.include_top === false) return g.build(poolingTop(g, x, args));
    x = g.layer('GlobalAveragePooling2D', { keepdims: true }, x);
    x = g.layer('Conv2D', { filters: lastPointCh, kernel_size: 1, padding: 'same', use_bias: true, name: 'conv_2' }, x);
    x = act(g, x);
    const dropout = num(args, 'dropout_rate');
    if (dropout > 0) x = g.layer('Dropout', { rate: dropout }, x);
    x = g.layer('Conv2D', { filters: num(args, 'classes'), kernel_size: 1, padding: 'same', name: 'logits' }, x);
    x = g.layer('Flatten', {}, x);
    return g.build(
      g.layer('Activation', { activation: args.classifier_activation ?? 'linear', name: 'predictions' }, x),
    );
  };
}

function application(size: 'Small' | 'Large', rows: readonly Row[], lastPoint: number): LayerSpec {
  const name = `MobileNetV3${size}`;
  const type = size.toLowerCase();
  return defineApplication({
    name,
    // Keras 3 names the model after the function.
    kerasName: name,
    doc: `${name} (Keras Applications, Howard et al. 2019): inverted residual blocks with squeeze-and-excitation and hard-swish, as one nested layer (\`${name} (Functional)\`). It rescales [0, 255] pixels itself (include_preprocessing). Any input size from 32×32. Weights only from a local file.`,
    // Keras's MobileNetV3 takes any size: its input is (None, None, 3) unless input_shape says.
    defaultInput: [null, null, 3],
    minSize: 32,
    args: [
      'input_shape',
      alphaArg(
        'Width multiplier: < 1 narrows, > 1 widens every layer (ImageNet weights exist for 0.75 and 1.0; minimalistic: 1.0).',
      ),
      arg(
        'minimalistic',
        bool,
        false,
        'Without squeeze-and-excitation, hard-swish and 5×5 convolutions (for edge devices).',
      ),
      'include_top',
      'weights',
      'classes',
      'pooling',
      arg(
        'dropout_rate',
        float(0, 1, { maxExclusive: true }),
        0.2,
        'Dropout rate before the last layer of the top (0: no Dropout layer).',
      ),
      'classifier_activation',
      arg(
        'include_preprocessing',
        bool,
        true,
        'Rescale the input from [0, 255] to [-1, 1] inside the model (a Rescaling layer).',
      ),
    ],
    weightsFiles: {
      top: `weights_mobilenet_v3_${type}_224_1.0_float.h5`,
      notop: `weights_mobilenet_v3_${type}_224_1.0_float_no_top_v2.h5`,
    },
    build: mobileNetV3(name, rows, lastPoint),
  });
}

export const MOBILENET_V3_APPLICATIONS: readonly LayerSpec[] = [
  application('Small', SMALL, 1024),
  application('Large', LARGE, 1280),
];
