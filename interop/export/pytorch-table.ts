// The PyTorch export's one table, read from python/modelspec_export/pytorch_layers.py (its
// docstring defines the templates): each Keras layer as torch.nn modules, each activation, loss
// and optimizer. The catalog says which layers the export supports; the table says how; this
// module only fills the templates with the plan's values, each through python-source.ts.

import type { LayerInfo } from '../../language/analysis/model';
import type { ArgValue } from '../../language/catalog/types';
import { type PythonValue, readPythonTable } from './python-table';
import { pythonLiteral, pythonNumber } from './python-source';

const TABLE_FILE = 'python/modelspec_export/pytorch_layers.py';
const WEIGHTS_FILE = 'python/modelspec_export/pytorch_weights.py';

interface LayerExport {
  module?: string;
  channels_first?: boolean;
  same_padding?: string;
  adds_activation?: boolean;
  weights?: string;
  frozen_inference?: boolean;
}

let tables:
  | {
      layers: Record<string, LayerExport>;
      activations: Record<string, string | null>;
      losses: Record<string, string>;
      optimizers: Record<string, string>;
      loaders: Record<string, string>;
    }
  | undefined;

function stringRecord(v: PythonValue, what: string, nullable = false): Record<string, string | null> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is not a dict`);
  for (const [k, x] of Object.entries(v))
    if (typeof x !== 'string' && !(nullable && x === null)) throw new Error(`${what}[${k}] is not a string`);
  return v as Record<string, string | null>;
}

function table() {
  if (tables) return tables;
  const layers = readPythonTable(TABLE_FILE, 'LAYERS');
  if (typeof layers !== 'object' || layers === null || Array.isArray(layers))
    throw new Error(`${TABLE_FILE}: LAYERS is not a dict`);
  return (tables = {
    layers: layers as Record<string, LayerExport>,
    activations: stringRecord(readPythonTable(TABLE_FILE, 'ACTIVATIONS'), 'ACTIVATIONS', true),
    losses: stringRecord(readPythonTable(TABLE_FILE, 'LOSSES'), 'LOSSES') as Record<string, string>,
    optimizers: stringRecord(readPythonTable(TABLE_FILE, 'OPTIMIZERS'), 'OPTIMIZERS') as Record<string, string>,
    loaders: stringRecord(readPythonTable(WEIGHTS_FILE, 'SAVED_WEIGHT_LOADERS'), 'SAVED_WEIGHT_LOADERS') as Record<
      string,
      string
    >,
  });
}

/** Own keys only: a name from a saved model.json could be 'constructor'. */
function lookup<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/**
 * A template with its {placeholders} filled: `value(name)` gives an argument's value (a missing
 * one is a bug upstream, named by `owner`), `derived` the values the table defines itself.
 */
function fill(
  template: string,
  owner: string,
  args: Readonly<Record<string, ArgValue>>,
  derived: Readonly<Record<string, string>> = {},
  spatial = 0,
): string {
  return template.replace(/\{(\w+)(?::(\w+)(?:\|(\w+))?)?\}/g, (_, name: string, how?: string, other?: string) => {
    if (Object.hasOwn(derived, name) && !how) return derived[name]!;
    const present = (key: string): ArgValue => {
      const v = Object.hasOwn(args, key) ? args[key] : undefined;
      if (v === undefined)
        throw new Error(
          `internal error: ${owner} reached the PyTorch export without '${key}' (the plan fills every argument)`,
        );
      return v;
    };
    let v = present(name);
    if (v === null && other) v = present(other);
    if (how === 'tuple') {
      if (typeof v === 'number') v = new Array<number>(spatial).fill(v);
      if (!Array.isArray(v)) throw new Error(`internal error: ${owner}'s '${name}' is not an int or a tuple`);
      return pythonLiteral(v);
    }
    if (how === 'complement') {
      if (typeof v !== 'number') throw new Error(`internal error: ${owner}'s '${name}' is not a number`);
      return pythonNumber(+(1 - v).toFixed(6));
    }
    if (how) throw new Error(`internal error: ${TABLE_FILE} uses an unknown placeholder form {${name}:${how}}`);
    return pythonLiteral(v);
  });
}

/** The layer's modules (channels-last in and out) and where its weights live in the first one. */
export function layerModules(layer: LayerInfo): { modules: string[]; weights: string } {
  const { spec, args, input, output } = layer;
  if (!input || !output) throw new Error(`${layer.name} has no known shape`);
  const entry = lookup(table().layers, spec.name);
  if (!entry)
    throw new Error(
      `internal error: the catalog lists ${spec.name} as exportable to PyTorch, but ${TABLE_FILE} has no entry for it`,
    );
  const spatial = input.length - 1;
  const derived = {
    in_features: pythonNumber(input[input.length - 1] ?? 0),
    spatial: String(spatial),
    norm_dims: String(Math.min(Math.max(spatial, 1), 3)),
    ones: pythonLiteral(new Array<number>(spatial).fill(1)),
    output_shape: pythonLiteral(output as number[]),
  };
  const owner = layer.name;
  const modules: string[] = [];
  let weights = entry.weights ?? '';
  if (entry.module) {
    let module = fill(entry.module, owner, args, derived, spatial);
    if (entry.same_padding && args.padding === 'same') {
      module = `nn.Sequential(${fill(entry.same_padding, owner, args, derived, spatial)}, ${module})`;
      weights = `[1]${weights}`;
    }
    if (entry.channels_first) {
      module = `ChannelsFirst(${module})`;
      weights = `.inner${weights}`;
    }
    modules.push(module);
  }
  if (entry.adds_activation) {
    const name = typeof args.activation === 'string' ? args.activation : 'linear';
    const activation = lookup(table().activations, name);
    if (activation === undefined) throw new Error(`activation '${name}' has no PyTorch export yet`);
    if (activation) modules.push(activation);
  }
  return { modules, weights };
}

/** The loss as a Python expression of the output `p` and the labels `y`, or undefined. */
/** Whether Keras runs the layer in inference mode once frozen (the table's `frozen_inference`: BatchNormalization). */
export function frozenRunsInInference(className: string): boolean {
  return lookup(table().layers, className)?.frozen_inference === true;
}

export function torchLoss(loss: string): string | undefined {
  return lookup(table().losses, loss);
}

/** The torch.optim optimizer for a Keras optimizer class (any case), every argument from `args`, or undefined. */
export function torchOptimizer(className: string, args: Readonly<Record<string, ArgValue>>): string | undefined {
  const key = Object.keys(table().optimizers).find((k) => k.toLowerCase() === className.toLowerCase());
  return key === undefined ? undefined : fill(table().optimizers[key]!, key, args);
}

/** The helper that loads a saved Keras layer's weights into its module (pytorch_weights.py), or undefined. */
export function savedWeightLoader(layer: string): string | undefined {
  return lookup(table().loaders, layer);
}
