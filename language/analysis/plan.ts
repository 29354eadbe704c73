// The TrainingPlan: what a checked file asks to be trained, every value explicit. The one thing
// the run (run-spec.ts), the exports, the CLI and the extension read: Keras's defaults are
// applied here, from the catalog, and nowhere downstream. Also the one place that says why a
// file cannot train (`planTraining(...).blocker`).

import { isAbsolute, resolve } from 'node:path';
import {
  blockSettings,
  getAugmentation,
  getCallback,
  getDataset,
  getLoss,
  getOptimizer,
  withDefaults,
} from '../catalog';
import type { ArgSpec, ArgValue, CallArg } from '../catalog/types';
import type { LabelTarget } from '../data/label-rules';
import { isBuiltinSource, type SourceRef } from '../data/types';
import type { Analysis, DataSourceAnalysis } from './analyze';
import { weightedApplications, resolveApplicationWeights } from './application-weights';
import { labelTargetOf } from './checks';
import type { ModelAnalysis } from './model';
import type { HyperValue, SearchSpace, TunePlan } from './search-space';
import { sourceRefOf } from './sources';
import { taskOf, type Task } from './task';
import { tunePlan } from './tune';

export type { Task } from './task';

export type Slot = 'train' | 'test' | 'validation';
export type SplitName = 'train' | 'test';
export type LabelEncoding = 'onehot' | 'index' | 'raw';

/** A data source with its arguments explicit (catalog defaults filled in), as written otherwise. */
export interface ResolvedSource extends SourceRef {
  /** The part of a built-in set this source reads: its split=, else the part its slot names (`slotSplit`); undefined for file sources. */
  split: SplitName | undefined;
}

export interface SourcePlan extends ResolvedSource {
  slot: Slot;
  kind: 'builtin' | 'file';
  /** A file source's path arguments (csv path, npy x/y, idx images/labels, images directory), absolute against the .model file's folder. */
  paths: Record<string, string>;
  /** csv: the label column (label=, else the header's last column when the probe read it). */
  labelColumn?: string;
}

export interface DataPlan {
  train: SourcePlan;
  test?: SourcePlan;
  validation?: SourcePlan;
  /** 0 when a validation source is given (it replaces the split), as Keras's fit does. */
  validationSplit: number;
  /** validation_split as written (or its default), for the exports that print it. */
  validationSplitSetting: number;
  shuffle: boolean;
  /** undefined: None, images are scaled to [0, 1] and other data is left alone. */
  rescale?: number;
  /** ImageDataGenerator(...) with every argument explicit. */
  augment?: CallPlan;
  /** class_mode: 'input': the targets are the inputs (autoencoders); undefined: the source's labels. */
  classMode?: 'input';
}

/** A call (optimizer, callback, augmentation) with every argument explicit. */
export interface CallPlan {
  /** As the file names it: 'adam', 'EarlyStopping'. */
  name: string;
  /** Keras's class name: 'Adam'. */
  className: string;
  args: Record<string, ArgValue>;
  /** The arguments whose value is not Keras's default (what a script needs to print). */
  changed: string[];
  /** False when written as a bare name ('adam'), true for a call (Adam(...)). */
  written: boolean;
}

export interface CompilePlan {
  /** The loss's canonical name, e.g. 'categorical_crossentropy' for 'categorical_crossentropy' or CategoricalCrossentropy. */
  loss: string;
  /** How labels reach the loss: one-hot vectors, class indices (sparse losses), or raw targets. */
  labelEncoding: LabelEncoding;
  /** What the labels must fit (the loss and the model's output); undefined when not known. */
  labelTarget?: LabelTarget;
  optimizer: CallPlan;
  metrics: ArgValue[];
}

export interface FitPlan {
  epochs: number;
  batchSize: number;
  /** undefined: None (a different seed each run). */
  seed?: number;
  callbacks: CallPlan[];
  backend: 'auto' | 'tfjs' | 'torch';
  verbose: ArgValue;
  /** Keras's dtype policy; undefined: None (the engine decides: mixed on a CUDA GPU). */
  mixedPrecision?: 'float32' | 'mixed_float16' | 'mixed_bfloat16';
  /** Replicas trained data-parallel (the torch engine); batchSize is the global batch. */
  devices: number;
}

export interface LayerPlan {
  /** Keras's layer name: dense, dense_1. */
  name: string;
  className: string;
  /** Every argument, the catalog's defaults filled in. */
  args: Record<string, ArgValue>;
  inner?: { className: string; args: Record<string, ArgValue> };
}

/** A checked model with the settings it has, each explicit: what an export reads. */
export interface ModelPlan {
  /** The .model file, absolute. */
  file: string;
  /** Its folder: relative paths in the file are relative to it. */
  baseDir: string;
  modelName: string;
  /** The checked model (shapes, parameter counts, the calls as written), for lowering and the summary. */
  model: ModelAnalysis;
  layers: LayerPlan[];
  /** Pretrained(path=...): the saved model.json whose weights the first `layers` layers start from. */
  initialWeights?: { file: string; layers: number };
  /**
   * Layer-graph applications with `weights=` a Keras weights file (a path, or 'imagenet' found in
   * Keras's cache): the top-level layer (by index and name) and the .h5 file, absolute.
   */
  applicationWeights?: { index: number; layer: string; file: string }[];
  compile?: CompilePlan;
  /** Present when the data block has a training source. */
  data?: DataPlan;
  fit: FitPlan;
  /** The file's search spaces (empty without any): what `modelspec tune` searches. */
  search: SearchSpace[];
  /** The tune block's settings, explicit; present when the file has a tune block or a search space. */
  tune?: TunePlan;
  /** The value of each search space this plan was made with (a trial's, else the defaults). */
  hyperparameters: Record<string, HyperValue>;
}

/** A ModelPlan that can train: the compile block and a training source are there. */
export interface TrainingPlan extends ModelPlan {
  compile: CompilePlan;
  data: DataPlan;
  /** The model's shapes and counts all computed. */
  inputShape: NonNullable<ModelAnalysis['inputShape']>;
  totals: NonNullable<ModelAnalysis['totals']>;
  /** What is learned (task.ts): what the evaluation shows and how targets are prepared. */
  task: Task;
}

export type PlanResult = { plan: TrainingPlan; blocker?: undefined } | { plan?: undefined; blocker: string };

/** The plan of a file that trains, or, in words for the user, why it cannot. */
export function planTraining(analysis: Analysis, file: string): PlanResult {
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length)
    return {
      blocker: `the file has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} first`,
    };
  if (!analysis.model) return { blocker: 'the file has no model block' };
  if (!analysis.compile)
    return {
      blocker:
        "training needs a compile block, e.g. compile { loss: 'categorical_crossentropy'  optimizer: 'adam'  metrics: ['accuracy'] }",
    };
  const plan = planModel(analysis, file);
  if (!plan?.data)
    return { blocker: 'training needs a training source in the data block, e.g. data { train: digits }' };
  const { totals, inputShape } = analysis.model;
  if (!totals || !inputShape || !plan.compile) return { blocker: "the model's shapes could not be computed" };
  const train = analysis.data?.sources.find((s) => s.key === 'train');
  const task = taskOf({
    labels: getLoss(plan.compile.loss)?.labels,
    output: analysis.model.outputShape,
    classMode: plan.data.classMode,
    imageInputs: train?.info.ok === true && train.info.sampleShape.length === 3,
  });
  return { plan: { ...plan, compile: plan.compile, data: plan.data, totals, inputShape, task } };
}

/** The plan of a checked model (what the exports read); undefined when the file has errors or no model. */
export function planModel(analysis: Analysis, file: string): ModelPlan | undefined {
  const model = analysis.model;
  if (!model || analysis.diagnostics.some((d) => d.severity === 'error')) return undefined;
  const path = resolve(file);
  const baseDir = resolve(path, '..');
  const pretrained = model.inputSource?.kind === 'pretrained' ? model.inputSource.file : undefined;
  // The checker reported any weights= problem as an error, so each is a file here.
  const applicationWeights = weightedApplications(model).flatMap((app) => {
    const r = resolveApplicationWeights(app.spec, app.args, baseDir);
    if (r.kind !== 'file') return [];
    // An expanded application's (VGG16's) layers each load their own weights; a weightless one has none.
    const holders = app.layers.filter(
      ({ layer }) => layer.spec.graph || (layer.params && layer.params.trainable + layer.params.nonTrainable > 0),
    );
    return holders.map(({ layer, index }) => ({ index, layer: layer.name, file: r.file }));
  });
  return {
    file: path,
    baseDir,
    modelName: model.name,
    model,
    layers: model.layers.map((l) => ({
      name: l.name,
      className: l.spec.name,
      args: withDefaults(l.spec, l.args),
      ...(l.inner && { inner: { className: l.inner.spec.name, args: withDefaults(l.inner.spec, l.inner.args) } }),
    })),
    ...(pretrained && {
      initialWeights: { file: pretrained, layers: model.layers.filter((l) => l.expandedFrom === 'Pretrained').length },
    }),
    ...(applicationWeights.length > 0 && { applicationWeights }),
    compile: compilePlan(analysis),
    data: planData(analysis, baseDir),
    fit: fitPlan(analysis.fit?.values ?? {}),
    search: analysis.searchSpaces,
    ...((analysis.tune || analysis.searchSpaces.length > 0) && { tune: tunePlan(analysis.tune?.values ?? {}) }),
    hyperparameters: { ...analysis.hyperparameters },
  };
}

/**
 * The data block's sources and options, explicit; undefined without a training source. Used on
 * its own where a run's file is read again (evaluate, predict), which tolerates other problems.
 */
export function planData(analysis: Analysis, baseDir: string): DataPlan | undefined {
  const values = settingsWithDefaults('data', analysis.data?.values ?? {});
  const probed = analysis.data?.sources ?? [];
  const source = (slot: Slot) =>
    sourcePlan(
      values[slot],
      slot,
      baseDir,
      probed.find((s) => s.key === slot),
    );
  const train = source('train');
  if (!train) return undefined;
  const validation = source('validation');
  const split = typeof values.validation_split === 'number' ? values.validation_split : 0;
  const augment = callOf(values.augment);
  return {
    train,
    test: source('test'),
    validation,
    validationSplit: validation ? 0 : split,
    validationSplitSetting: split,
    shuffle: values.shuffle !== false,
    rescale: typeof values.rescale === 'number' ? values.rescale : undefined,
    augment: augment && callPlan(augment, getAugmentation(augment.call)),
    ...(values.class_mode === 'input' && { classMode: 'input' as const }),
  };
}

/** The part of a built-in set a slot reads when split= is not written: `test:` and `validation:` hold out the test part. */
export function slotSplit(ref: SourceRef, slot: Slot): SplitName | undefined {
  if (!isBuiltinSource(ref.name)) return undefined;
  const split = ref.args.split;
  if (split === 'train' || split === 'test') return split;
  return slot === 'train' ? 'train' : 'test';
}

function sourcePlan(
  value: ArgValue | undefined,
  slot: Slot,
  baseDir: string,
  probed: DataSourceAnalysis | undefined,
): SourcePlan | undefined {
  const ref = sourceRefOf(value);
  if (!ref) return undefined;
  const spec = getDataset(ref.name);
  const args = spec ? withDefaults(spec, ref.args) : ref.args;
  const builtin = isBuiltinSource(ref.name);
  const paths: Record<string, string> = {};
  // A file source's required string arguments are its paths (the catalog's datasets table).
  for (const a of builtin ? [] : (spec?.args ?? [])) {
    const v = args[a.name];
    if (a.required && a.type.kind === 'string' && typeof v === 'string' && v !== '')
      paths[a.name] = isAbsolute(v) ? v : resolve(baseDir, v);
  }
  const columns = probed?.info.ok ? probed.info.columns : undefined;
  const labelColumn =
    ref.name !== 'csv' ? undefined : typeof args.label === 'string' ? args.label : columns?.[columns.length - 1];
  const split = slotSplit({ name: ref.name, args }, slot);
  return {
    name: ref.name,
    args,
    split,
    slot,
    kind: builtin ? 'builtin' : 'file',
    paths,
    ...(labelColumn !== undefined && { labelColumn }),
  };
}

function compilePlan(analysis: Analysis): CompilePlan | undefined {
  const model = analysis.model;
  if (!analysis.compile || !model) return undefined;
  const values = settingsWithDefaults('compile', analysis.compile.values);
  const written = typeof values.loss === 'string' ? values.loss : '';
  const loss = getLoss(written);
  const optimizer: CallArg = callOf(values.optimizer) ?? {
    call: typeof values.optimizer === 'string' ? values.optimizer : '',
    args: {},
  };
  return {
    loss: loss?.name ?? written,
    labelEncoding: loss?.labels === 'one-hot' ? 'onehot' : loss?.labels === 'integer' ? 'index' : 'raw',
    labelTarget: labelTargetOf(model, written),
    optimizer: { ...callPlan(optimizer, getOptimizer(optimizer.call)), written: typeof values.optimizer !== 'string' },
    metrics: Array.isArray(values.metrics) ? values.metrics : [],
  };
}

/** The fit block alone, every default applied (the data preview reads its seed). */
export function planFit(analysis: Analysis): FitPlan {
  return fitPlan(analysis.fit?.values ?? {});
}

function fitPlan(written: Record<string, ArgValue>): FitPlan {
  const values = settingsWithDefaults('fit', written);
  const backend = values.backend;
  return {
    epochs: values.epochs as number,
    batchSize: values.batch_size as number,
    seed: typeof values.seed === 'number' ? values.seed : undefined,
    // A bare name (`EarlyStopping`) is the callback with Keras's defaults, for every consumer alike.
    callbacks: (Array.isArray(values.callbacks) ? values.callbacks : []).flatMap((c) => {
      const call = typeof c === 'string' ? { call: c, args: {} } : callOf(c);
      return call ? [callPlan(call, getCallback(call.call))] : [];
    }),
    backend: backend === 'tfjs' || backend === 'torch' ? backend : 'auto',
    verbose: values.verbose,
    mixedPrecision:
      values.mixed_precision === 'float32' ||
      values.mixed_precision === 'mixed_float16' ||
      values.mixed_precision === 'mixed_bfloat16'
        ? values.mixed_precision
        : undefined,
    devices: values.devices as number,
  };
}

/** A block's settings with the catalog's defaults for the ones not written (or not checked). */
function settingsWithDefaults(
  block: 'compile' | 'data' | 'fit',
  values: Record<string, ArgValue>,
): Record<string, ArgValue> {
  return withDefaults({ args: blockSettings(block) }, values);
}

function callPlan(
  call: CallArg,
  spec: { className?: string; name: string; args: readonly ArgSpec[] } | undefined,
): CallPlan {
  const args = spec ? withDefaults(spec, call.args) : { ...call.args };
  const defaults = new Map((spec?.args ?? []).map((a) => [a.name, a.default]));
  const changed = Object.keys(args).filter((k) => JSON.stringify(defaults.get(k)) !== JSON.stringify(args[k]));
  return { name: call.call, className: spec?.className ?? spec?.name ?? call.call, args, changed, written: true };
}

function callOf(value: ArgValue | undefined): CallArg | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}
