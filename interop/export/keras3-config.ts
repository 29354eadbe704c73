// A run's lowered model (Keras 2's `model.to_json()` form, what both engines read) as Keras 3's
// serialized config (keras.saving.serialize_keras_object): every object carries `module`,
// `class_name`, `config` and `registered_name`; the dtype is a DTypePolicy; the input shape is an
// explicit InputLayer(batch_shape=...) rather than a layer's batch_input_shape. Also where each
// layer's variables go in model.weights.h5 (Keras's saving_lib paths).

import { layerSupport } from '../../language/catalog';
import { toSnakeCase } from '../../language/catalog/define-layer';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keras 2 layer arguments Keras 3's constructors no longer take (the input shape moves to the InputLayer). */
const DROPPED = new Set(['batch_input_shape', 'input_shape', 'input_dim', 'input_length']);

const NESTED_MODULE: [RegExp, string][] = [
  [/_initializer$/, 'keras.initializers'],
  [/_regularizer$/, 'keras.regularizers'],
  [/_constraint$/, 'keras.constraints'],
  [/^(layer|backward_layer)$/, 'keras.layers'],
];

/** Keras's `naming.to_snake_case` (saving_lib names a layer's weights group with it): the catalog's. */
export { toSnakeCase };

function dtypePolicy(name: unknown): Json {
  return {
    module: 'keras',
    class_name: 'DTypePolicy',
    config: { name: typeof name === 'string' ? name : 'float32' },
    registered_name: null,
  };
}

function serializeObject(obj: Json, module: string): Json {
  return {
    module,
    class_name: obj.class_name,
    config: isObject(obj.config) ? layerConfig(obj.config) : (obj.config ?? {}),
    registered_name: null,
  };
}

function layerConfig(config: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (DROPPED.has(key)) continue;
    if (key === 'dtype') out[key] = dtypePolicy(value);
    else if (isObject(value) && typeof value.class_name === 'string') {
      const module = NESTED_MODULE.find(([re]) => re.test(key))?.[1] ?? 'keras';
      out[key] = serializeObject(value, module);
    } else out[key] = value;
  }
  return out;
}

export interface LoweredModel {
  class_name: string;
  config: { name?: string; layers: { class_name: string; config: Json }[] };
}

/** The Keras 3 config.json of a lowered Sequential model. */
export function keras3Config(model: LoweredModel): Json {
  const layers = model.config.layers;
  const first = layers[0]?.config ?? {};
  const batchShape = (first.batch_input_shape ?? first.batch_shape) as (number | null)[] | undefined;
  if (!batchShape) throw new Error('the model has no input shape (its first layer has no batch_input_shape)');
  const serialized: Json[] = [];
  if (layers[0]?.class_name !== 'InputLayer') {
    serialized.push({
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: { batch_shape: batchShape, dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' },
      registered_name: null,
    });
  }
  for (const layer of layers) {
    if (layer.class_name === 'InputLayer') {
      serialized.push({
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: {
          batch_shape: batchShape,
          dtype: 'float32',
          sparse: false,
          ragged: false,
          name: String(layer.config.name ?? 'input_layer'),
        },
        registered_name: null,
      });
    } else
      serialized.push({
        module: 'keras.layers',
        class_name: layer.class_name,
        config: layerConfig(layer.config),
        registered_name: null,
      });
  }
  return {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: model.config.name ?? 'sequential',
      trainable: true,
      dtype: dtypePolicy('float32'),
      layers: serialized,
      build_input_shape: batchShape,
    },
    registered_name: null,
    build_config: { input_shape: batchShape },
  };
}

/** Recurrent layers keep their variables in their cell (`layers/lstm/cell/vars/0`). */
const CELL_OF: Record<string, string> = { LSTM: 'LSTMCell', GRU: 'GRUCell', SimpleRNN: 'SimpleRNNCell' };

export interface H5Group {
  /** The group holding the datasets `0`, `1`, … e.g. `layers/dense/vars`. */
  path: string;
  /** saving_lib stores the saved object's name as the vars group's `name` attribute. */
  name: string;
  /** Indexes into the layer list given to h5Groups. */
  layer: number;
}

/**
 * Where saving_lib puts each layer's variables: `layers/<snake_case(class)>[_<n>]/vars/<i>`
 * (layers named by class, numbered in model order, not by their own names), with a recurrent
 * layer's variables under `cell/vars`. The model itself has an empty root `vars` group.
 */
export function h5Groups(layers: { className: string; name: string; weights: number }[]): H5Group[] {
  const used = new Map<string, number>();
  const groups: H5Group[] = [];
  layers.forEach((layer, i) => {
    if (layer.className === 'InputLayer') return;
    const base = toSnakeCase(layer.className);
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    const key = n === undefined ? base : `${base}_${n + 1}`;
    // Layers whose variables live in nested sublayers (Bidirectional): the catalog's keras-model support.
    if (layerSupport(layer.className, 'keras-model') === false && layer.weights > 0) {
      throw new Error(
        `--to keras-model cannot lay out the weights of ${layer.className} layer '${layer.name}' yet; export it --to onnx or --to safetensors`,
      );
    }
    const cell = CELL_OF[layer.className];
    if (cell) {
      groups.push({ path: `layers/${key}/vars`, name: layer.name, layer: -1 });
      groups.push({ path: `layers/${key}/cell/vars`, name: toSnakeCase(cell), layer: i });
    } else groups.push({ path: `layers/${key}/vars`, name: layer.name, layer: i });
  });
  return groups;
}
