// EfficientNetB0–B7 (Tan and Le 2019), as keras/src/applications/efficientnet.py builds them: one
// builder, scaled by Keras's width and depth coefficients, with Keras's layer names (a Keras
// weights file loads by name). The stem is Rescaling(1/255) and a Normalization whose mean,
// variance and count Keras counts as 7 non-trainable weights.
// Keras's counts with the top (model.summary() and keras.io/api/applications' table):
//   B0 5,330,571 (5,288,548 trainable, 42,023 non-trainable)   B1 7,856,239 (7,794,184 / 62,055)
//   B2 9,177,569   B3 12,320,535   B4 19,466,823   B5 30,562,527   B6 43,265,143
//   B7 66,658,687 (66,347,960 / 310,727)
// and without the top B0 4,049,571 (4,007,548 / 42,023).

import { defineApplication } from '../graph/define-application';
import { GraphBuilder, type LayerGraph } from '../graph/layer-graph';
import type { ArgValue, CallArg, LayerSpec, Shape } from '../types';
import { correctPad, makeDivisible } from './imagenet-utils';
import { poolingTop } from './top';

/** DEFAULT_BLOCKS_ARGS: one row per stage. */
const BLOCKS: readonly {
  kernel: number;
  repeats: number;
  filtersIn: number;
  filtersOut: number;
  expandRatio: number;
  strides: number;
}[] = [
  { kernel: 3, repeats: 1, filtersIn: 32, filtersOut: 16, expandRatio: 1, strides: 1 },
  { kernel: 3, repeats: 2, filtersIn: 16, filtersOut: 24, expandRatio: 6, strides: 2 },
  { kernel: 5, repeats: 2, filtersIn: 24, filtersOut: 40, expandRatio: 6, strides: 2 },
  { kernel: 3, repeats: 3, filtersIn: 40, filtersOut: 80, expandRatio: 6, strides: 2 },
  { kernel: 5, repeats: 3, filtersIn: 80, filtersOut: 112, expandRatio: 6, strides: 1 },
  { kernel: 5, repeats: 4, filtersIn: 112, filtersOut: 192, expandRatio: 6, strides: 2 },
  { kernel: 3, repeats: 1, filtersIn: 192, filtersOut: 320, expandRatio: 6, strides: 1 },
];
/** Every block has squeeze-and-excitation at se_ratio 0.25 and an identity skip (id_skip=True). */
const SE_RATIO = 0.25;
const DROP_CONNECT_RATE = 0.2;
const ACTIVATION = 'swish';

const CONV_KERNEL_INITIALIZER: CallArg = {
  call: 'VarianceScaling',
  args: { scale: 2.0, mode: 'fan_out', distribution: 'truncated_normal' },
};
const DENSE_KERNEL_INITIALIZER: CallArg = {
  call: 'VarianceScaling',
  args: { scale: 1.0 / 3.0, mode: 'fan_out', distribution: 'uniform' },
};
const BN = { axis: 3 };

interface BlockArgs {
  dropRate: number;
  name: string;
  filtersIn: number;
  filtersOut: number;
  kernel: number;
  strides: number;
  expandRatio: number;
}

/** block(): expansion, depthwise, squeeze-and-excitation, projection, and the skip with drop-connect. */
function block(g: GraphBuilder, input: Shape, inputs: string, b: BlockArgs): string {
  const { name } = b;
  const filters = b.filtersIn * b.expandRatio;
  let x = inputs;
  if (b.expandRatio !== 1) {
    x = g.layer(
      'Conv2D',
      {
        filters,
        kernel_size: 1,
        padding: 'same',
        use_bias: false,
        kernel_initializer: CONV_KERNEL_INITIALIZER,
        name: `${name}expand_conv`,
      },
      x,
    );
    x = g.layer('BatchNormalization', { ...BN, name: `${name}expand_bn` }, x);
    x = g.layer('Activation', { activation: ACTIVATION, name: `${name}expand_activation` }, x);
  }
  if (b.strides === 2) {
    x = g.layer('ZeroPadding2D', { padding: correctPad(g, x, input, b.kernel), name: `${name}dwconv_pad` }, x);
  }
  x = g.layer(
    'DepthwiseConv2D',
    {
      kernel_size: b.kernel,
      strides: b.strides,
      padding: b.strides === 2 ? 'valid' : 'same',
      use_bias: false,
      depthwise_initializer: CONV_KERNEL_INITIALIZER,
      name: `${name}dwconv`,
    },
    x,
  );
  x = g.layer('BatchNormalization', { ...BN, name: `${name}bn` }, x);
  x = g.layer('Activation', { activation: ACTIVATION, name: `${name}activation` }, x);
  const filtersSe = Math.max(1, Math.trunc(b.filtersIn * SE_RATIO));
  let se = g.layer('GlobalAveragePooling2D', { name: `${name}se_squeeze` }, x);
  se = g.layer('Reshape', { target_shape: [1, 1, filters], name: `${name}se_reshape` }, se);
  se = g.layer(
    'Conv2D',
    {
      filters: filtersSe,
      kernel_size: 1,
      padding: 'same',
      activation: ACTIVATION,
      kernel_initializer: CONV_KERNEL_INITIALIZER,
      name: `${name}se_reduce`,
    },
    se,
  );
  se = g.layer(
    'Conv2D',
    {
      filters,
      kernel_size: 1,
      padding: 'same',
      activation: 'sigmoid',
      kernel_initializer: CONV_KERNEL_INITIALIZER,
      name: `${name}se_expand`,
    },
    se,
  );
  x = g.merge('Multiply', [x, se], { name: `${name}se_excite` });
  x = g.layer(
    'Conv2D',
    {
      filters: b.filtersOut,
      kernel_size: 1,
      padding: 'same',
      use_bias: false,
      kernel_initializer: CONV_KERNEL_INITIALIZER,
      name: `${name}project_conv`,
    },
    x,
  );
  x = g.layer('BatchNormalization', { ...BN, name: `${name}project_bn` }, x);
  if (b.strides === 1 && b.filtersIn === b.filtersOut) {
    // Drop-connect: one mask value per sample (noise_shape (None, 1, 1, 1)).
    if (b.dropRate > 0) {
      x = g.layer('Dropout', { rate: b.dropRate, noise_shape: [null, 1, 1, 1], name: `${name}drop` }, x);
    }
    x = g.merge('Add', [x, inputs], { name: `${name}add` });
  }
  return x;
}

interface Scaling {
  width: number;
  depth: number;
  dropoutRate: number;
}

function efficientNet(kerasName: string, s: Scaling) {
  return (args: Record<string, ArgValue>, input: Shape): LayerGraph => {
    const roundFilters = (filters: number) => makeDivisible(filters * s.width, 8);
    const roundRepeats = (repeats: number) => Math.ceil(s.depth * repeats);
    const g = new GraphBuilder(kerasName);
    let x = g.layer('Rescaling', { scale: 1.0 / 255.0 }, g.input);
    x = g.layer('Normalization', { axis: 3 }, x);
    // Not yet here: with weights='imagenet' Keras adds Rescaling([1 / sqrt(0.229), 1 / sqrt(0.224),
    // 1 / sqrt(0.225)]) (IMAGENET_STDDEV_RGB) after the Normalization. It has no weights (counts and
    // weight names are unchanged) but needs a per-channel Rescaling scale, which the catalog and
    // the engines take only as one number so far.
    x = g.layer('ZeroPadding2D', { padding: correctPad(g, x, input, 3), name: 'stem_conv_pad' }, x);
    x = g.layer(
      'Conv2D',
      {
        filters: roundFilters(32),
        kernel_size: 3,
        strides: 2,
        padding: 'valid',
        use_bias: false,
        kernel_initializer: CONV_KERNEL_INITIALIZER,
        name: 'stem_conv',
      },
      x,
    );
    x = g.layer('BatchNormalization', { ...BN, name: 'stem_bn' }, x);
    x = g.layer('Activation', { activation: ACTIVATION, name: 'stem_activation' }, x);
    const blocks = BLOCKS.reduce((n, b) => n + roundRepeats(b.repeats), 0);
    let done = 0;
    BLOCKS.forEach((stage, i) => {
      const filtersOut = roundFilters(stage.filtersOut);
      for (let j = 0; j < roundRepeats(stage.repeats); j++) {
        x = block(g, input, x, {
          dropRate: (DROP_CONNECT_RATE * done) / blocks,
          name: `block${i + 1}${String.fromCharCode(97 + j)}_`,
          filtersIn: j > 0 ? filtersOut : roundFilters(stage.filtersIn),
          filtersOut,
          kernel: stage.kernel,
          strides: j > 0 ? 1 : stage.strides,
          expandRatio: stage.expandRatio,
        });
        done++;
      }
    });
    x = g.layer(
      'Conv2D',
      {
        filters: roundFilters(1280),
        kernel_size: 1,
        padding: 'same',
        use_bias: false,
        kernel_initializer: CONV_KERNEL_INITIALIZER,
        name: 'top_conv',
      },
      x,
    );
    x = g.layer('BatchNormalization', { ...BN, name: 'top_bn' }, x);
    x = g.layer('Activation', { activation: ACTIVATION, name: 'top_activation' }, x);
    if (args.include_top === false) return g.build(poolingTop(g, x, args));
    x = g.layer('GlobalAveragePooling2D', { name: 'avg_pool' }, x);
    if (s.dropoutRate > 0) x = g.layer('Dropout', { rate: s.dropoutRate, name: 'top_dropout' }, x);
    x = g.layer(
      'Dense',
      {
        units: args.classes ?? 1000,
        activation: args.classifier_activation ?? null,
        kernel_initializer: DENSE_KERNEL_INITIALIZER,
        name: 'predictions',
      },
      x,
    );
    return g.build(x);
  };
}

function application(variant: number, width: number, depth: number, size: number, dropoutRate: number): LayerSpec {
  const name = `EfficientNetB${variant}`;
  const kerasName = name.toLowerCase();
  return defineApplication({
    name,
    kerasName,
    doc: `${name} (Keras Applications, Tan and Le 2019): MobileNetV2-style blocks with squeeze-and-excitation, scaled to width ${width} and depth ${depth} of B0, for ${size}×${size} images, as one nested layer (\`${kerasName} (Functional)\`). It rescales [0, 255] pixels itself. Weights only from a local file.`,
    defaultInput: [size, size, 3],
    minSize: 32,
    weightsFiles: { top: `${kerasName}.h5`, notop: `${kerasName}_notop.h5` },
    build: efficientNet(kerasName, { width, depth, dropoutRate }),
  });
}

/** (width, depth, default size, dropout) as EfficientNetB0()…B7() pass them. */
export const EFFICIENTNET_APPLICATIONS: readonly LayerSpec[] = [
  application(0, 1.0, 1.0, 224, 0.2),
  application(1, 1.0, 1.1, 240, 0.2),
  application(2, 1.1, 1.2, 260, 0.3),
  application(3, 1.2, 1.4, 300, 0.3),
  application(4, 1.4, 1.8, 380, 0.4),
  application(5, 1.6, 2.2, 456, 0.4),
  application(6, 1.8, 2.6, 528, 0.5),
  application(7, 2.0, 3.1, 600, 0.5),
];
