// ConvNeXtTiny (Liu et al. 2022), as keras/src/applications/convnext.py builds it (depths 3, 3,
// 9, 3; projection dims 96, 192, 384, 768; drop_path_rate 0, layer scale 1e-6). Every layer is
// named from the model's name (`convnext_tiny_stage_0_block_0_depthwise_conv`, …), so `name=`
// renames them as Keras does.
// Differences of form, not of numbers: Keras wraps the stem and each downsampling block in a
// nested Sequential (`convnext_tiny_stem`, `convnext_tiny_downsampling_block_0`, …); here their
// layers are nodes of the one graph, with Keras's inner names. The block's residual `inputs +
// x` is Keras's ops.add, an auto-named `add` node. With drop_path_rate 0 Keras uses
// Activation('linear') (`…_identity`) where StochasticDepth would be, so no graph op is needed.
// include_preprocessing's Normalization has a fixed ImageNet mean and variance, which Keras 3
// keeps as constants, not weights: it adds no parameters.
// Keras's totals: 28,589,128 parameters with the top, all trainable (torchvision's
// convnext_tiny prints the same: 28,589,128 / 28,589,128 / 0); without the top 27,820,128
// (the head's Dense, 768 × 1000 + 1000, removed; the LayerNormalization Keras adds after the
// optional pooling keeps 1,536).

import { arg, bool } from '../arg-types';
import type { ArgValue, Shape } from '../types';
import { defineApplication } from '../graph/define-application';
import { GraphBuilder, type LayerGraph } from '../graph/layer-graph';
import { unnamedPooling } from './top';

const DEPTHS = [3, 3, 9, 3];
const PROJECTION_DIMS = [96, 192, 384, 768];
const LAYER_SCALE_INIT = 1e-6;
const LN = { epsilon: 1e-6 };

/** ConvNeXtBlock: 7×7 depthwise (groups = channels), LayerNorm, 4× expansion with GELU, layer scale, residual. */
function convnextBlock(g: GraphBuilder, inputs: string, dim: number, name: string): string {
  let x = g.layer(
    'Conv2D',
    { filters: dim, kernel_size: 7, padding: 'same', groups: dim, name: `${name}_depthwise_conv` },
    inputs,
  );
  x = g.layer('LayerNormalization', { ...LN, name: `${name}_layernorm` }, x);
  x = g.layer('Dense', { units: 4 * dim, name: `${name}_pointwise_conv_1` }, x);
  x = g.layer('Activation', { activation: 'gelu', name: `${name}_gelu` }, x);
  x = g.layer('Dense', { units: dim, name: `${name}_pointwise_conv_2` }, x);
  x = g.merge('LayerScale', [x], { init_values: LAYER_SCALE_INIT, projection_dim: dim, name: `${name}_layer_scale` });
  x = g.layer('Activation', { activation: 'linear', name: `${name}_identity` }, x);
  return g.merge('Add', [inputs, x]);
}

/** PreStem: ImageNet-1k mean and variance on the 0–255 scale (only for 3-channel inputs, as Keras). */
const IMAGENET_MEAN = [0.485 * 255, 0.456 * 255, 0.406 * 255];
const IMAGENET_VARIANCE = [(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2];

function convnext(args: Record<string, ArgValue>, input: Shape): LayerGraph {
  const name = typeof args.name === 'string' ? args.name : 'convnext_tiny';
  const g = new GraphBuilder(name);
  let x = g.input;
  if (args.include_preprocessing !== false && input[2] === 3) {
    x = g.layer(
      'Normalization',
      { mean: IMAGENET_MEAN, variance: IMAGENET_VARIANCE, name: `${name}_prestem_normalization` },
      x,
    );
  }
  // The stem (Keras's nested Sequential `{name}_stem`): a 4×4 patchify convolution and a LayerNorm.
  x = g.layer('Conv2D', { filters: PROJECTION_DIMS[0], kernel_size: 4, strides: 4, name: `${name}_stem_conv` }, x);
  x = g.layer('LayerNormalization', { ...LN, name: `${name}_stem_layernorm` }, x);
  for (let i = 0; i < DEPTHS.length; i++) {
    if (i > 0) {
      // Downsampling block i - 1 (Keras's nested Sequential `{name}_downsampling_block_{i-1}`).
      x = g.layer('LayerNormalization', { ...LN, name: `${name}_downsampling_layernorm_${i - 1}` }, x);
      x = g.layer(
        'Conv2D',
        { filters: PROJECTION_DIMS[i], kernel_size: 2, strides: 2, name: `${name}_downsampling_conv_${i - 1}` },
        x,
      );
    }
    for (let j = 0; j < DEPTHS[i]; j++) x = convnextBlock(g, x, PROJECTION_DIMS[i], `${name}_stage_${i}_block_${j}`);
  }
  if (args.include_top !== false) {
    x = g.layer('GlobalAveragePooling2D', { name: `${name}_head_gap` }, x);
    x = g.layer('LayerNormalization', { ...LN, name: `${name}_head_layernorm` }, x);
    x = g.layer(
      'Dense',
      { units: args.classes ?? 1000, activation: args.classifier_activation ?? null, name: `${name}_head_dense` },
      x,
    );
  } else {
    // Keras normalises the features without the top too, pooled or not.
    x = g.layer('LayerNormalization', LN, unnamedPooling(g, x, args));
  }
  return g.build(x);
}

export const CONVNEXT_APPLICATIONS = [
  defineApplication({
    name: 'ConvNeXtTiny',
    kerasName: 'convnext_tiny',
    doc: 'ConvNeXtTiny (Keras Applications, Liu et al. 2022): a convolutional network modernised after vision transformers (7×7 depthwise convolutions, LayerNormalization, GELU, layer scale), as one nested layer (`convnext_tiny (Functional)`). It normalises its input itself (include_preprocessing): give pixels in [0, 255]. Weights only from a local file.',
    defaultInput: [224, 224, 3],
    minSize: 32,
    args: [
      'include_top',
      arg(
        'include_preprocessing',
        bool,
        true,
        "Normalise the input with ImageNet's mean and variance inside the model (expects pixels in [0, 255]); False if the data is already normalised.",
      ),
      'weights',
      'input_shape',
      'pooling',
      'classes',
      'classifier_activation',
    ],
    weightsFiles: { top: 'convnext_tiny.h5', notop: 'convnext_tiny_notop.h5' },
    build: convnext,
  }),
];
