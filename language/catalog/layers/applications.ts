// Keras Applications that are plain stacks of layers: VGG16 and VGG19 (Simonyan & Zisserman 2014).
// Each expands to its Conv2D/MaxPooling2D blocks (Keras's layer names: block1_conv1 …) and,
// with include_top, Flatten and the fc1/fc2/predictions Dense layers. Shapes and parameter
// counts are those of the expansion, so they match Keras exactly
// (VGG16 with top at 224×224×3: 138,357,544; without: 14,714,688).

import { arg, bool, int, oneOf, optional, ref, shape, string, union } from '../arg-types';
import { withDefaults } from '../bind';
import { defineLayer } from '../define-layer';
import { formatSizes } from '../shapes';
import { ShapeError, type ArgValue, type LayerContext, type LayerSpec, type ParamCount, type Shape } from '../types';
import { argBool, argOptionalString } from '../values';
import { findLayer } from './registry';

type Call = { layer: string; args: Record<string, ArgValue> };

const FILTERS = [64, 128, 256, 512, 512];
/** VGG's smallest input: five 2×2 poolings need 32 pixels to leave 1. */
const MIN_SIZE = 32;
/** Keras's default input when include_top is True (see declaredInputShape in the index). */
export const VGG_DEFAULT_INPUT: Shape = [224, 224, 3];

function vggCalls(convsPerBlock: readonly number[], args: Record<string, ArgValue>): Call[] {
  const calls: Call[] = [];
  convsPerBlock.forEach((convs, b) => {
    for (let i = 1; i <= convs; i++) {
      calls.push({
        layer: 'Conv2D',
        args: {
          filters: FILTERS[b],
          kernel_size: [3, 3],
          activation: 'relu',
          padding: 'same',
          name: `block${b + 1}_conv${i}`,
        },
      });
    }
    calls.push({ layer: 'MaxPooling2D', args: { pool_size: [2, 2], strides: [2, 2], name: `block${b + 1}_pool` } });
  });
  if (args.include_top !== false) {
    calls.push(
      { layer: 'Flatten', args: { name: 'flatten' } },
      { layer: 'Dense', args: { units: 4096, activation: 'relu', name: 'fc1' } },
      { layer: 'Dense', args: { units: 4096, activation: 'relu', name: 'fc2' } },
      {
        layer: 'Dense',
        args: { units: args.classes ?? 1000, activation: args.classifier_activation ?? 'softmax', name: 'predictions' },
      },
    );
  } else if (args.pooling === 'avg') {
    calls.push({ layer: 'GlobalAveragePooling2D', args: {} });
  } else if (args.pooling === 'max') {
    calls.push({ layer: 'GlobalMaxPooling2D', args: {} });
  }
  if (args.trainable === false) for (const c of calls) c.args.trainable = false;
  return calls;
}

/** Folds the expansion over the input, as if each call were a layer of the model. */
function fold(name: string, calls: Call[], ctx: LayerContext) {
  const [h, w] = ctx.input;
  if ((h !== null && h < MIN_SIZE) || (w !== null && w < MIN_SIZE)) {
    throw new ShapeError(
      'shape-nonpositive',
      `${name} needs at least ${MIN_SIZE}×${MIN_SIZE} input, but gets ${formatSizes([h, w])}; resize the images or use a smaller model`,
    );
  }
  let shapeNow = ctx.input;
  const total: ParamCount = { trainable: 0, nonTrainable: 0 };
  const layers = calls.map((call) => {
    const spec = findLayer(call.layer)!;
    const bound = { args: withDefaults(spec, call.args), input: shapeNow };
    const p = spec.params(bound);
    total.trainable += p.trainable;
    total.nonTrainable += p.nonTrainable;
    shapeNow = spec.outputShape(bound);
    return { spec, ctx: bound };
  });
  return { output: shapeNow, params: total, layers };
}

function vgg(name: 'VGG16' | 'VGG19', convsPerBlock: readonly number[]): LayerSpec {
  const expand = (args: Record<string, ArgValue>) => vggCalls(convsPerBlock, args);
  return defineLayer({
    name,
    category: 'application',
    doc: `${name} (Keras Applications) as one call: ${convsPerBlock.reduce((a, b) => a + b, 0)} 3×3 convolutions in five blocks, then (include_top) Flatten and three Dense layers. Weights only from a local file.`,
    inputRanks: [3],
    baseArgs: false,
    kerasName: name.toLowerCase(),
    args: [
      arg('include_top', bool, true, 'Include the three Dense layers at the top (classifier for `classes` classes).'),
      arg(
        'weights',
        optional(string),
        null,
        "None (random initialisation) or the path of a Keras weights file (.h5), loaded by layer name. Keras's 'imagenet' download is not available offline: download the file once and give its path.",
      ),
      arg(
        'input_shape',
        optional(shape),
        null,
        'Input shape without the batch axis, at least 32×32 (default with include_top: (224, 224, 3)).',
      ),
      arg(
        'pooling',
        optional(oneOf('avg', 'max')),
        null,
        "Without the top: None keeps (None, h, w, 512); 'avg' or 'max' pools to (None, 512).",
      ),
      arg('classes', int(1), 1000, 'Number of classes of the top classifier.'),
      arg(
        'classifier_activation',
        union(ref('activation'), { kind: 'none' }),
        'softmax',
        'Activation of the top layer.',
      ),
      arg('name', optional(string), null, `The model's name (default ${name.toLowerCase()}).`, { keywordOnly: true }),
      arg('trainable', bool, true, 'False freezes every layer (as base_model.trainable = False does).', {
        keywordOnly: true,
      }),
    ],
    expand,
    outputShape: (ctx) => fold(name, expand(ctx.args), ctx).output,
    params: (ctx) => fold(name, expand(ctx.args), ctx).params,
    toKeras(ctx, layerName) {
      const { layers } = fold(name, expand(ctx.args), ctx);
      return {
        class_name: 'Sequential',
        config: {
          name: argOptionalString(ctx.args, 'name') ?? layerName,
          trainable: argBool(ctx.args, 'trainable'),
          layers: layers.map(({ spec, ctx: c }) =>
            spec.toKeras(c, typeof c.args.name === 'string' ? c.args.name : spec.kerasName),
          ),
        },
      };
    },
  });
}

/** Keras's ImageNet files (keras/src/applications/vgg16.py's WEIGHTS_PATH names), as get_file caches them. */
const vggFiles = (name: string) => ({
  top: `${name}_weights_tf_dim_ordering_tf_kernels.h5`,
  notop: `${name}_weights_tf_dim_ordering_tf_kernels_notop.h5`,
});
export const VGG16: LayerSpec = { ...vgg('VGG16', [2, 2, 3, 3, 3]), weightsFiles: vggFiles('vgg16') };
export const VGG19: LayerSpec = { ...vgg('VGG19', [2, 2, 4, 4, 4]), weightsFiles: vggFiles('vgg19') };

/**
 * Transfer learning: `Pretrained(path='runs/digits_cnn/best/model.json')` as the first call stands
 * for the layers of a model saved by an earlier run. The layers live in that file, so the
 * analyzer expands this call from it (language/data/saved-model.ts); on its own it has no shape.
 */
export const PRETRAINED: LayerSpec = defineLayer({
  name: 'Pretrained',
  category: 'application',
  doc: 'The layers of a model saved by an earlier training (its model.json, TF.js layers format), as the first call; trainable=False freezes them.',
  baseArgs: false,
  kerasName: 'pretrained',
  args: [
    {
      name: 'path',
      type: string,
      required: true,
      doc: "Path of the saved model.json, e.g. 'runs/digits_cnn/best/model.json'.",
    },
    arg('trainable', bool, true, 'False freezes every saved layer: only the layers after it learn.'),
  ],
  outputShape() {
    throw new ShapeError(
      'shape-unknown',
      'Pretrained takes its layers from the saved model file; put it first in the model',
    );
  },
  toKeras() {
    throw new Error('Pretrained is lowered through the saved layers it expands to');
  },
});

export const APPLICATIONS: readonly LayerSpec[] = [VGG16, VGG19, PRETRAINED];
