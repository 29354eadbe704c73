// defineApplication: a Keras Application that is a layer graph (ResNet50, MobileNetV2, …) as one
// catalog layer. The application's source (language/catalog/applications/) only builds its graph
// from the arguments; this module adds Keras's common arguments, the minimum-size check, the
// shape and count rules (folded over the graph) and the lowering to a nested Functional config.

import { arg, bool, int, oneOf, optional, ref, shape, string, union } from '../arg-types';
import { defineLayer } from '../define-layer';
import { formatSizes } from '../shapes';
import { SUPPORT_TARGETS, type SupportTarget } from '../support';
import { ShapeError, type ArgSpec, type ArgValue, type LayerContext, type LayerSpec, type Shape } from '../types';
import { argOptionalString } from '../values';
import { foldGraph, functionalConfig, type FoldedGraph, type LayerGraph } from './layer-graph';

/** Keras's common application arguments, by name (each application lists them in its own order). */
export function applicationArg(
  name: ApplicationArgName,
  kerasName: string,
  defaultInput: Shape,
  minSize: number,
): ArgSpec {
  switch (name) {
    case 'include_top':
      return arg('include_top', bool, true, 'Include the classifier at the top (`classes` outputs).');
    case 'weights':
      return arg(
        'weights',
        optional(string),
        null,
        "None (random initialisation), the path of a Keras weights file (.h5, loaded by layer name), or 'imagenet': Keras's file, found in ~/.keras/models ($KERAS_HOME/models); ModelSpec does not download it.",
      );
    case 'input_shape':
      return arg(
        'input_shape',
        optional(shape),
        null,
        `Input shape without the batch axis, at least ${minSize}×${minSize} (default with include_top: (${defaultInput.join(', ')})).`,
      );
    case 'pooling':
      return arg(
        'pooling',
        optional(oneOf('avg', 'max')),
        null,
        "Without the top: None keeps the last feature map; 'avg' or 'max' pools it to (None, channels).",
      );
    case 'classes':
      return arg('classes', int(1), 1000, 'Number of classes of the top classifier.');
    case 'classifier_activation':
      return arg(
        'classifier_activation',
        union(ref('activation'), { kind: 'none' }),
        'softmax',
        'Activation of the top layer.',
      );
    case 'name':
      return arg('name', optional(string), null, `The model's name (default ${kerasName}).`, { keywordOnly: true });
    case 'trainable':
      return arg('trainable', bool, true, 'False freezes every layer (as base_model.trainable = False does).', {
        keywordOnly: true,
      });
  }
}

export type ApplicationArgName =
  | 'include_top'
  | 'weights'
  | 'input_shape'
  | 'pooling'
  | 'classes'
  | 'classifier_activation'
  | 'name'
  | 'trainable';

/** ResNet50's order, which most applications share (Keras's input_tensor has no counterpart here). */
export const STANDARD_ORDER: readonly ApplicationArgName[] = [
  'include_top',
  'weights',
  'input_shape',
  'pooling',
  'classes',
  'classifier_activation',
];

export interface ApplicationDefinition {
  /** Keras's function name: `ResNet50`. */
  name: string;
  /** Keras's model name: `resnet50`. */
  kerasName: string;
  doc: string;
  /** Keras's default input with the top (`(224, 224, 3)`; InceptionV3 `(299, 299, 3)`). */
  defaultInput: Shape;
  /** Keras's smallest height and width (obtain_input_shape's min_size). */
  minSize: number;
  /**
   * The arguments in Keras's positional order: common ones by name, the application's own
   * (alpha, include_preprocessing, …) as ArgSpecs. Default: STANDARD_ORDER.
   */
  args?: readonly (ApplicationArgName | ArgSpec)[];
  /**
   * Keras's ImageNet weights file names (the `fname` keras.utils.get_file caches under
   * ~/.keras/models), with and without the top: where `weights='imagenet'` looks offline.
   */
  weightsFiles?: { top: string; notop: string };
  /** Keras's model name when it depends on the arguments (MobileNet's `mobilenet_0.50_160`); default kerasName. */
  modelName?(args: Record<string, ArgValue>): string;
  /** The graph for these arguments (defaults applied) and this input shape. */
  build(args: Record<string, ArgValue>, input: Shape): LayerGraph;
  unsupported?: readonly SupportTarget[];
}

/**
 * What no layer-graph application runs on yet: the checker's unsupported-layer warning and the
 * exports' refusal say so until each target builds nested Functional configs. The Keras script
 * writes `keras.applications.ResNet50(...)`, so it runs them all; both engines build the nested
 * Functional config (TF.js's Functional class, the torch engine's layers_graph.py); a trained
 * run exports to ONNX (the torch engine's module) and safetensors (`resnet50/conv1_conv/kernel`).
 * Not yet: the PyTorch script and the .keras archive (Keras 3's nested config and variable paths).
 */
const GRAPH_APPLICATION_TARGETS: readonly SupportTarget[] = ['keras', 'tfjs', 'torch', 'onnx', 'safetensors'];
export const GRAPH_APPLICATION_UNSUPPORTED: readonly SupportTarget[] = SUPPORT_TARGETS.filter(
  (t) => !GRAPH_APPLICATION_TARGETS.includes(t),
);

export function defineApplication(def: ApplicationDefinition): LayerSpec {
  const order = def.args ?? STANDARD_ORDER;
  const args = [
    ...order.map((a) => (typeof a === 'string' ? applicationArg(a, def.kerasName, def.defaultInput, def.minSize) : a)),
    applicationArg('name', def.kerasName, def.defaultInput, def.minSize),
    applicationArg('trainable', def.kerasName, def.defaultInput, def.minSize),
  ];
  const foldNow = (ctx: LayerContext): FoldedGraph => {
    const [h, w] = ctx.input;
    if ((h !== null && h < def.minSize) || (w !== null && w < def.minSize)) {
      throw new ShapeError(
        'shape-nonpositive',
        `${def.name} needs at least ${def.minSize}×${def.minSize} input, but gets ${formatSizes([h, w])}; resize the images (Resizing(${def.minSize}, ${def.minSize})) or use a smaller model`,
      );
    }
    return foldGraph(def.build(ctx.args, ctx.input), ctx.input, ctx.args.trainable !== false);
  };
  // One analysis asks for the output shape, the counts and the lowering, the graph view and the
  // weights file for the graph again: each a build and fold of hundreds of nodes (NASNetLarge's
  // over a thousand) for the same arguments and input. The recent folds are kept, by both.
  const fold = memoizeRecent(foldNow, (ctx) => stableKey([ctx.args, ctx.input]));
  const spec = defineLayer({
    name: def.name,
    category: 'application',
    doc: def.doc,
    inputRanks: [3],
    baseArgs: false,
    kerasName: def.kerasName,
    args,
    unsupported: def.unsupported ?? GRAPH_APPLICATION_UNSUPPORTED,
    outputShape: (ctx) => fold(ctx).output,
    params: (ctx) => fold(ctx).params,
    toKeras: (ctx, layerName) =>
      functionalConfig(fold(ctx), argOptionalString(ctx.args, 'name') ?? layerName, ctx.args.trainable !== false),
  });
  return {
    ...spec,
    defaultInput: def.defaultInput,
    graph: fold,
    weightsFiles: def.weightsFiles,
    ...(def.modelName ? { kerasNameFor: def.modelName } : {}),
  };
}

/** How many recent folds each application keeps (an editor goes back and forth between a few). */
const RECENT_FOLDS = 8;

/**
 * `compute` remembering its last RECENT_FOLDS answers by `keyOf`, errors included (a shape error
 * is as deterministic as a result). The answers are shared between callers, which only read them.
 */
function memoizeRecent<A, R>(compute: (a: A) => R, keyOf: (a: A) => string): (a: A) => R {
  const recent = new Map<string, { value: R } | { error: unknown }>();
  return (a) => {
    const key = keyOf(a);
    let entry = recent.get(key);
    if (entry) {
      recent.delete(key); // re-inserted below as the most recent
    } else {
      try {
        entry = { value: compute(a) };
      } catch (error) {
        entry = { error };
      }
    }
    recent.set(key, entry);
    if (recent.size > RECENT_FOLDS) recent.delete(recent.keys().next().value as string);
    if ('error' in entry) throw entry.error;
    return entry.value;
  };
}

/** A key for argument values and shapes (JSON, with the numbers JSON cannot write kept apart). */
function stableKey(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? `number:${v}` : v));
}
