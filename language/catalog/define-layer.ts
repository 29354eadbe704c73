// defineLayer: builds a LayerSpec from a compact definition. It adds the base-layer arguments
// every Keras layer takes, runs the rank check before the layer's own shape and weight rules,
// derives Keras's auto-name prefix, and writes the Keras config from the arguments unless the
// layer says otherwise (Keras's get_config is, for almost every layer, its constructor arguments).

import { arg, bool, int, oneOf, optional, shape, string } from './arg-types';
import { baseConfig, serializeArg } from './keras-config';
import { checkRank } from './shapes';
import { supportRecord, type ArgSupport, type SupportTarget } from './support';
import type {
  ArgSpec,
  ArgValue,
  KerasLayerConfig,
  LayerCategory,
  LayerContext,
  LayerSpec,
  ParamCount,
  Shape,
} from './types';

/** Base-layer keyword arguments (Keras's Layer.__init__ and the Keras 2 first-layer ones). */
export const BASE_ARGS: readonly ArgSpec[] = [
  arg('name', optional(string), null, "The layer's name (default: the Keras auto-name, e.g. dense_1).", {
    keywordOnly: true,
  }),
  arg(
    'input_shape',
    optional(shape),
    null,
    'Keras 2 style: the input shape without the batch axis, on the first layer.',
    {
      keywordOnly: true,
    },
  ),
  arg('input_dim', optional(int(1)), null, 'Keras 2 style: input_dim=n on the first layer means input_shape=(n,).', {
    keywordOnly: true,
  }),
  arg('batch_size', optional(int(1)), null, 'A fixed batch size for the input (first layer only).', {
    keywordOnly: true,
  }),
  arg(
    'dtype',
    optional(oneOf('float32', 'float16', 'bfloat16', 'float64')),
    null,
    "The layer's compute dtype (default float32).",
    {
      keywordOnly: true,
    },
  ),
  arg('trainable', bool, true, "Whether the layer's weights are updated during training (False freezes them).", {
    keywordOnly: true,
  }),
];

const CONFIG_BASE_KEYS = new Set(['name', 'trainable', 'dtype']);

export const NO_PARAMS: ParamCount = { trainable: 0, nonTrainable: 0 };

export interface LayerDefinition {
  name: string;
  category: LayerCategory;
  doc: string;
  /** The layer's own arguments in Keras's order; base-layer arguments are appended. */
  args: readonly ArgSpec[];
  inputRanks?: readonly number[];
  minInputRank?: number;
  outputShape(ctx: LayerContext): Shape;
  /** Default: no weights. */
  params?(ctx: LayerContext): ParamCount;
  /** Default: base config plus every own argument, serialised. */
  toKeras?(ctx: LayerContext, name: string): KerasLayerConfig;
  /** Config keys to add or override on the default config (e.g. resolved pooling strides). */
  kerasConfig?(ctx: LayerContext): Record<string, unknown>;
  /** Own arguments Keras does not write into the config. */
  configOmits?: readonly string[];
  expand?: LayerSpec['expand'];
  kerasName?: string;
  hasActivationArg?: boolean;
  /** False for layers whose own arguments replace the base ones (Input, applications). */
  baseArgs?: boolean;
  /** The engines and export targets that cannot run this layer (all others can). */
  unsupported?: readonly SupportTarget[];
  /** Argument values some targets cannot run. */
  argSupport?: readonly ArgSupport[];
}

/** Keras's to_snake_case, which makes auto-names: Conv2D → conv2d, LeakyReLU → leaky_re_lu. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The default Keras config: base keys, then each own argument in order. */
export function defaultKerasConfig(def: LayerDefinition, ctx: LayerContext, name: string): KerasLayerConfig {
  const config: Record<string, unknown> = baseConfig(ctx.args, name);
  const omit = new Set(def.configOmits ?? []);
  for (const a of def.args) {
    if (CONFIG_BASE_KEYS.has(a.name)) continue; // written by baseConfig
    if (omit.has(a.name)) continue;
    const value: ArgValue = ctx.args[a.name] ?? a.default ?? null;
    config[a.name] = serializeArg(a, value);
  }
  Object.assign(config, def.kerasConfig?.(ctx));
  return { class_name: def.name, config };
}

export function defineLayer(def: LayerDefinition): LayerSpec {
  const own = new Set(def.args.map((a) => a.name));
  const base = def.baseArgs === false ? [] : BASE_ARGS.filter((a) => !own.has(a.name));
  const check = (ctx: LayerContext) => checkRank(def.name, ctx.input, def.inputRanks, def.minInputRank);
  return {
    name: def.name,
    support: supportRecord(def.unsupported),
    argSupport: def.argSupport,
    category: def.category,
    doc: def.doc,
    args: [...def.args, ...base],
    inputRanks: def.inputRanks,
    minInputRank: def.minInputRank,
    outputShape(ctx) {
      check(ctx);
      return def.outputShape(ctx);
    },
    params(ctx) {
      check(ctx);
      const counts = def.params ? def.params(ctx) : NO_PARAMS;
      // A frozen layer (trainable=False) keeps its weights, all of them non-trainable, as Keras counts them.
      return ctx.args.trainable === false
        ? { trainable: 0, nonTrainable: counts.trainable + counts.nonTrainable }
        : counts;
    },
    toKeras(ctx, name) {
      return def.toKeras ? def.toKeras(ctx, name) : defaultKerasConfig(def, ctx, name);
    },
    expand: def.expand,
    kerasName: def.kerasName ?? toSnakeCase(def.name),
    hasActivationArg: def.hasActivationArg ?? own.has('activation'),
  };
}
