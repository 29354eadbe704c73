// Rewrites Keras's model.to_json() config (Keras 2 or Keras 3 flavour) into the form TF.js's
// modelFromJSON reads: the input shape moves from an InputLayer onto the first layer, Keras 3
// dtype policies become plain dtype names, renamed arguments get TF.js's names, and
// initializers without a seed get one drawn from fit.seed so a seeded run repeats exactly.
import type { RunSpec } from '../../protocol';
import { Random } from './random';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A regularizer config's factor, read strictly: the lowering writes every argument (the catalog
 * holds the defaults), so a missing one is an error that names it.
 */
function factor(c: Json, key: 'l1' | 'l2', owner: string): number {
  const v = c[key];
  if (typeof v !== 'number')
    throw new Error(`${owner} has no numeric '${key}' in the model config; the lowering writes it`);
  return v;
}

/** Each regularizer as TF.js's L1L2: the factors it has; a factor it lacks is zero. */
function l1l2(name: string, factors: readonly ('l1' | 'l2')[]): (c: Json) => Json {
  return (c) => ({
    l1: factors.includes('l1') ? factor(c, 'l1', name) : 0,
    l2: factors.includes('l2') ? factor(c, 'l2', name) : 0,
  });
}

const REGULARIZERS: Record<string, (c: Json) => Json> = {
  L1: l1l2('L1', ['l1']),
  L2: l1l2('L2', ['l2']),
  L1L2: l1l2('L1L2', ['l1', 'l2']),
};

/** A regularizer's Keras JSON ({class_name: 'L2', config: {l2}}) as its L1 and L2 factors. */
export function l1l2Of(value: unknown): { l1: number; l2: number } | undefined {
  if (!isObject(value) || typeof value['class_name'] !== 'string') return undefined;
  const make = Object.hasOwn(REGULARIZERS, value['class_name']) ? REGULARIZERS[value['class_name']] : undefined;
  const c = make?.(isObject(value['config']) ? value['config'] : {});
  return c ? { l1: Number(c['l1']), l2: Number(c['l2']) } : undefined;
}

/**
 * TF.js's nearest dtype for a Keras one: it has no int64/int16/int8/uint8 nor float16/64, so
 * integer inputs run as int32 and float ones as float32 (the language's hover on dtype says so).
 */
export function tfjsDtype(dtype: unknown): unknown {
  if (typeof dtype !== 'string') return dtype;
  if (/^u?int\d+$/.test(dtype)) return 'int32';
  if (/^b?float\d+$/.test(dtype)) return 'float32';
  return dtype;
}

function normaliseValue(key: string, value: unknown, random?: Random): unknown {
  if (key === 'dtype' && typeof value === 'string') return tfjsDtype(value);
  if (!isObject(value)) return value;
  // Keras 3: {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}}
  if (key === 'dtype' && isObject(value['config'])) return tfjsDtype(value['config']['name']);
  const className = value['class_name'];
  const config = isObject(value['config']) ? value['config'] : {};
  // TF.js cannot call a layer with an activity regularizer; activity.ts applies them instead.
  if (key === 'activity_regularizer') return null;
  if (key.endsWith('_regularizer') && typeof className === 'string' && REGULARIZERS[className]) {
    return { class_name: 'L1L2', config: REGULARIZERS[className]!(config) };
  }
  if (key.endsWith('_initializer') && random && 'seed' in config && config['seed'] == null) {
    return { ...value, config: { ...config, seed: random.int() } };
  }
  if (key === 'layer' && typeof className === 'string') return normaliseLayer(value, random);
  return value;
}

/** Keras's nested model classes: a layer-graph application (ResNet50) is one such layer. */
export const NESTED_MODEL_CLASSES: ReadonlySet<string> = new Set(['Functional', 'Model']);

/**
 * A nested Functional's config: each of its layers normalised as a top-level one (dtype policies,
 * regularizers, seeded initializers), keeping its `name` and `inbound_nodes`, which TF.js's
 * Functional.fromConfig reads in Keras 2's layout.
 */
function normaliseFunctional(config: Json, random?: Random): Json {
  const layers = Array.isArray(config['layers']) ? config['layers'] : [];
  return {
    ...config,
    layers: layers.map((l) => {
      const entry = l as Json;
      return { ...normaliseLayer(entry, random), name: entry['name'], inbound_nodes: entry['inbound_nodes'] };
    }),
  };
}

export function normaliseLayer(layer: Json, random?: Random): Json {
  const className = String(layer['class_name']);
  if (NESTED_MODEL_CLASSES.has(className) && isObject(layer['config'])) {
    return { class_name: className, config: normaliseFunctional(layer['config'], random) };
  }
  const config: Json = { ...(isObject(layer['config']) ? layer['config'] : {}) };
  for (const [k, v] of Object.entries(config)) config[k] = normaliseValue(k, v, random);
  if (className === 'LeakyReLU' && 'negative_slope' in config) {
    config['alpha'] = config['negative_slope'];
    delete config['negative_slope'];
  }
  if ('batch_shape' in config) {
    config['batch_input_shape'] = config['batch_shape'];
    delete config['batch_shape'];
  }
  return { class_name: className, config };
}

/** The TF.js-readable topology of `model`; `seed` seeds every unseeded initializer. */
export function toTfjsTopology(model: RunSpec['model'], seed?: number): Json {
  const random = seed === undefined ? undefined : new Random(seed);
  const layers = model.config.layers.map((l) => normaliseLayer(l as unknown as Json, random));
  const first = layers[0];
  if (first && first['class_name'] === 'InputLayer') {
    layers.shift();
    const inputConfig = first['config'] as Json;
    const next = layers[0];
    if (!next) throw new Error('model: an Input with no layers after it');
    (next['config'] as Json)['batch_input_shape'] = inputConfig['batch_input_shape'];
    if (inputConfig['dtype'] && !(next['config'] as Json)['dtype'])
      (next['config'] as Json)['dtype'] = inputConfig['dtype'];
  }
  return { class_name: 'Sequential', config: { name: model.config.name, layers } };
}
