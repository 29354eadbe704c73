// The catalog API: everything the language knows, looked up by name. Checking, completion,
// hover, signature help, formatting and the training engines all read from here.

import { findLayer, layerList } from './layers/registry';
import { VGG_DEFAULT_INPUT } from './layers/applications';
import { ACTIVATION_MODULES, ACTIVATIONS } from './tables/activations';
import { AUGMENTATIONS } from './tables/augmentation';
import { BLOCK_SETTINGS, type BlockName } from './tables/blocks';
import { CALLBACKS } from './tables/callbacks';
import { CONSTRAINTS } from './tables/constraints';
import { DATASETS } from './tables/datasets';
import { INITIALIZERS } from './tables/initializers';
import { LOSSES } from './tables/losses';
import { METRICS } from './tables/metrics';
import { OPTIMIZERS } from './tables/optimizers';
import { REGULARIZERS } from './tables/regularizers';
import { SEARCH_SPACES } from './tables/search-spaces';
import { allNames, findEntry } from './tables/ref-lookup';
import { matchesType as matchesTypeWith, toShape } from './values';
import type {
  ArgSpec,
  ArgType,
  ArgValue,
  CallableSpec,
  DatasetSpec,
  LayerSpec,
  LossEntry,
  MetricEntry,
  NamedEntry,
  RefEntry,
  RefTable,
  Shape,
} from './types';
import type { SupportTarget } from './support';

export * from './types';
export { withDefaults } from './bind';
export { suggest, editDistance } from './suggest';
export { formatShape, formatTuple } from './shapes';
export { convOutputLength, deconvOutputLength } from './conv-utils';
export { adaptPassage, isAdapted } from './layers/preprocessing';
export { BASE_ARGS } from './define-layer';
export type { BlockName } from './tables/blocks';
export { SUPPORT_TARGETS, unsupportedMessage, unsupportedUse } from './support';
export type { ArgSupport, EngineTarget, ExportTarget, LayerSupport, SupportTarget } from './support';

// Layers

export function getLayer(name: string): LayerSpec | undefined {
  return findLayer(name);
}
export function allLayers(): LayerSpec[] {
  return layerList();
}
export function layerNames(): string[] {
  return layerList().map((l) => l.name);
}

/** Whether `target` (an engine or export) can run the layer `name`; undefined for an unknown layer. */
export function layerSupport(name: string, target: SupportTarget): boolean | undefined {
  return findLayer(name)?.support[target];
}

/**
 * The Keras classes `target` itself implements: every layer it supports except `Input` (lowered to
 * InputLayer) and applications (VGG16, Pretrained), which expand into other layers.
 */
export function layerClassesFor(target: SupportTarget): string[] {
  return layerList()
    .filter((l) => l.category !== 'input' && l.category !== 'application' && l.support[target])
    .map((l) => l.name);
}

/**
 * The model input a first layer declares by its own arguments (Keras 2 style), or undefined:
 * input_shape=(…); input_dim=n as (n,) (except Embedding, whose input_dim is its vocabulary);
 * (Embedding's Keras 2 input_length=n is ignored, as Keras 3 does); VGG with include_top and no input_shape: (224, 224, 3).
 */
export function declaredInputShape(spec: LayerSpec, args: Record<string, ArgValue>): Shape | undefined {
  if (Array.isArray(args.input_shape) || typeof args.input_shape === 'number')
    return toShape(args.input_shape, 'input_shape');
  if (spec.name === 'Embedding') return undefined; // its input_dim is the vocabulary; Keras 3 ignores input_length
  if (typeof args.input_dim === 'number') return [args.input_dim];
  if (spec.category === 'application' && args.include_top !== false)
    return [...(spec.defaultInput ?? VGG_DEFAULT_INPUT)];
  return undefined;
}

// Named tables

export function getActivation(name: string): NamedEntry | undefined {
  return findEntry(ACTIVATIONS, name);
}
export function allActivations(): readonly NamedEntry[] {
  return ACTIVATIONS;
}

/** A loss by name or alias ('mse'); the entry's `name` is the canonical one. */
export function getLoss(name: string): LossEntry | undefined {
  return findEntry(LOSSES, name);
}
export function allLosses(): readonly LossEntry[] {
  return LOSSES;
}

export function getMetric(name: string): MetricEntry | undefined {
  return findEntry(METRICS, name);
}
export function allMetrics(): readonly MetricEntry[] {
  return METRICS;
}

/** An optimizer by class name ('Adam') or lower-case name ('adam'). */
export function getOptimizer(name: string): RefEntry | undefined {
  return findEntry(OPTIMIZERS, name);
}
export function allOptimizers(): readonly RefEntry[] {
  return OPTIMIZERS;
}

/**
 * Every numeric and boolean argument of an optimizer, Keras's default where `given` does not set
 * it (Keras 2's `lr` is `learning_rate`): what the engines and exports receive, so none of them
 * needs a default of its own. An unknown optimizer gets `given` back.
 */
export function optimizerArgs(
  name: string,
  given: Readonly<Record<string, ArgValue>> = {},
): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const a of getOptimizer(name)?.args ?? [])
    if (typeof a.default === 'number' || typeof a.default === 'boolean') out[a.name] = a.default;
  for (const [k, v] of Object.entries(given))
    if (typeof v === 'number' || typeof v === 'boolean') out[k === 'lr' ? 'learning_rate' : k] = v;
  return out;
}

export function getInitializer(name: string): RefEntry | undefined {
  return findEntry(INITIALIZERS, name);
}
export function allInitializers(): readonly RefEntry[] {
  return INITIALIZERS;
}

export function getRegularizer(name: string): RefEntry | undefined {
  return findEntry(REGULARIZERS, name);
}
export function allRegularizers(): readonly RefEntry[] {
  return REGULARIZERS;
}

export function getConstraint(name: string): RefEntry | undefined {
  return findEntry(CONSTRAINTS, name);
}
export function allConstraints(): readonly RefEntry[] {
  return CONSTRAINTS;
}

export function getCallback(name: string): CallableSpec | undefined {
  return CALLBACKS.find((c) => c.name === name);
}
export function allCallbacks(): readonly CallableSpec[] {
  return CALLBACKS;
}

export function getDataset(name: string): DatasetSpec | undefined {
  return DATASETS.find((d) => d.name === name);
}
export function allDatasets(): readonly DatasetSpec[] {
  return DATASETS;
}

/** ImageDataGenerator (the data block's `augment`). */
export function getAugmentation(name: string): CallableSpec | undefined {
  return AUGMENTATIONS.find((a) => a.name === name);
}
export function allAugmentations(): readonly CallableSpec[] {
  return AUGMENTATIONS;
}

/** KerasTuner's search spaces (Choice, Int, Float, Boolean), by the name a call writes. */
export function getSearchSpace(name: string): CallableSpec | undefined {
  return SEARCH_SPACES.find((s) => s.name === name);
}
export function allSearchSpaces(): readonly CallableSpec[] {
  return SEARCH_SPACES;
}

/** The settings a compile, data, fit or tune block takes. */
export function blockSettings(block: BlockName): readonly ArgSpec[] {
  return BLOCK_SETTINGS[block];
}

// Ref tables, uniformly (what `{kind: 'ref', table}` arguments point into)

type Entry = NamedEntry & { className?: string; args?: readonly ArgSpec[] };

const REF_TABLES: Record<RefTable, readonly Entry[]> = {
  activation: ACTIVATIONS,
  initializer: INITIALIZERS,
  regularizer: REGULARIZERS,
  constraint: CONSTRAINTS,
  loss: LOSSES,
  metric: METRICS,
  optimizer: OPTIMIZERS,
  callback: CALLBACKS,
  dataset: DATASETS,
};

/** The entry `name` refers to in a table, by name, alias or class name. */
export function findRef(table: RefTable, name: string): Entry | undefined {
  return findEntry(REF_TABLES[table], name);
}

/** The canonical name for `name` in a table ('mse' -> 'mean_squared_error'), or undefined. */
export function resolveRef(table: RefTable, name: string): string | undefined {
  return findRef(table, name)?.name;
}

/** The Python modules a table's entries may be written under as bare dotted names. */
const REF_MODULES: Partial<Record<RefTable, readonly string[]>> = { activation: ACTIVATION_MODULES };

/**
 * A dotted name (`tf.nn.relu`) without its module, when the module is one the table's entries come
 * from ('relu'); undefined for any other module. The caller still looks the short name up.
 */
export function unqualifiedRef(table: RefTable, dotted: string): string | undefined {
  const dot = dotted.lastIndexOf('.');
  if (dot < 0) return dotted;
  return REF_MODULES[table]?.includes(dotted.slice(0, dot)) ? dotted.slice(dot + 1) : undefined;
}

/** Every spelling a table accepts, for completion and did-you-mean. */
export function refNames(table: RefTable): string[] {
  return allNames(REF_TABLES[table]);
}

/** The canonical names of a table's entries (no aliases), for completion lists. */
export function refEntries(table: RefTable): readonly Entry[] {
  return REF_TABLES[table];
}

/** Whether a value fits an ArgType, with ref names checked against the tables. */
export function matchesType(type: ArgType, value: ArgValue): boolean {
  return matchesTypeWith(type, value, (table, name) => findRef(table as RefTable, name) !== undefined);
}
