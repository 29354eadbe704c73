// From a TrainingPlan (language/analysis/plan.ts) to the RunSpec an engine process takes: the
// lowered model, the plan's compile/fit settings, and the data prepared into tensor files.
// Every value comes from the plan, which applied Keras's defaults: none are applied here.

import { createRunFolder } from './files';
import { join, resolve } from 'node:path';
import type { DataPlan, TrainingPlan } from '../language/analysis/plan';
import type { ArgValue } from '../language/catalog/types';
import { lowerModel } from '../language/lowering';
import { summaryTable } from '../language/services/summary';
import { prepareData } from './data/prepare';
import type { DataSettings } from './data/types';
import { releasePrepared } from './data/cache-lock';
import type { AugmentArgs, InitialWeights, LrFindSettings, PreparedData, RunSpec, TrialSpec } from './protocol';
import { readSavedWeights } from './saved-weights';
import { taskOfPlan } from './run-task';
import { LR_FIND_FOLDER_PREFIX } from './lr-find';

export interface RunOptions {
  /** Overrides fit.epochs. */
  epochs?: number;
  /** Overrides fit.backend. */
  backend?: string;
  /** The runs folder; default `runs/` next to the .model file. */
  runsDir?: string;
  cacheDir?: string;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /** A learning-rate range test instead of training (mode 'lr-find', in runs/<model>/lr-find-<time>/). */
  lrFind?: LrFindSettings;
  /** The run folder's parent and name instead of runs/<model>/<time> (a tune trial: <tune>/trial-<n>);
   *  made exclusively like any run folder. */
  runFolder?: { parent: string; name: string };
  /** Overrides fit.seed (a tune trial's later executions train from other initial weights). */
  seed?: number;
  /** A tune trial's place in the search, kept in spec.json. */
  trial?: TrialSpec;
}

export async function buildRunSpec(plan: TrainingPlan, opts: RunOptions = {}): Promise<RunSpec> {
  const { compile } = plan;
  const prepared = await prepareData(dataSettingsOf(plan.data), {
    baseDir: plan.baseDir,
    cacheDir: opts.cacheDir,
    inputShape: plan.inputShape,
    labelEncoding: compile.labelEncoding,
    labelTarget: compile.labelTarget,
    onProgress: opts.onProgress,
    signal: opts.signal,
  });

  try {
    return specOf(plan, prepared, opts);
  } catch (e) {
    // No run will release the prepared data's cache locks (cache-lock.ts): release them here.
    releasePrepared(prepared);
    throw e;
  }
}

function specOf(plan: TrainingPlan, prepared: PreparedData, opts: RunOptions): RunSpec {
  const { model, compile, fit } = plan;
  // A folder of its own even when another run of this model starts in the same second.
  const runDir = opts.runFolder
    ? createRunFolder(resolve(opts.runFolder.parent), opts.runFolder.name)
    : createRunFolder(
        join(opts.runsDir ? resolve(opts.runsDir) : join(plan.baseDir, 'runs'), plan.modelName),
        opts.lrFind ? `${LR_FIND_FOLDER_PREFIX}${timestamp()}` : timestamp(),
      );
  return {
    model: lowerModel(model),
    modelName: plan.modelName,
    sourceFile: plan.file,
    compile: {
      loss: compile.loss,
      optimizer: { name: compile.optimizer.className, args: numericArgs(compile.optimizer.args) },
      metrics: compile.metrics.filter((m): m is string => typeof m === 'string'),
    },
    // The plan's own task once it has one (tasks-data): `task: plan.task`.
    data: { ...prepared, task: taskOfPlan(plan) },
    fit: {
      epochs: opts.epochs ?? fit.epochs,
      batchSize: fit.batchSize,
      seed: opts.seed ?? fit.seed,
      callbacks: fit.callbacks.map((c) => ({ name: c.name, args: c.args })),
      backend: opts.backend ?? fit.backend,
      // Keras's policy names; None leaves it to the engine (mixed on a CUDA GPU).
      mixedPrecision: fit.mixedPrecision !== 'float32',
      ...(fit.mixedPrecision === 'mixed_float16' || fit.mixedPrecision === 'mixed_bfloat16'
        ? { precisionPolicy: fit.mixedPrecision }
        : {}),
      // The range test runs in one process: its curve is about the learning rate, not the devices.
      ...(fit.devices > 1 && !opts.lrFind ? { devices: fit.devices } : {}),
    },
    expectedParams: plan.totals,
    summaryTable: summaryTable(model),
    runDir,
    initialWeights: pretrainedWeights(plan, runDir),
    ...(opts.lrFind ? { mode: 'lr-find' as const, lrFind: opts.lrFind } : {}),
    ...(opts.trial ? { trial: opts.trial } : {}),
  };
}

/** A model that starts with Pretrained(path=...) starts from that saved model's weights. */
function pretrainedWeights(plan: TrainingPlan, runDir: string): InitialWeights | undefined {
  if (!plan.initialWeights) return undefined;
  const { file, layers } = plan.initialWeights;
  const saved = readSavedWeights(file, runDir);
  if (saved.length !== layers)
    throw new Error(`${file} changed since it was checked: it has ${saved.length} layers, the model expects ${layers}`);
  return { tensors: saved.flatMap((l) => l.tensors), layers, source: file };
}

/** The plan's data block as the data preparation takes it (the engines take numeric augmentation arguments). */
export function dataSettingsOf(data: DataPlan): DataSettings {
  return {
    train: data.train,
    test: data.test,
    validation: data.validation,
    validationSplit: data.validationSplit,
    shuffle: data.shuffle,
    rescale: data.rescale,
    augment: data.augment && augmentArgs(data.augment.args),
  };
}

/** `20261127-081502`: run folders sort by time. */
export function timestamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

function numericArgs(args: Record<string, ArgValue>): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(args)) if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}

/** ImageDataGenerator's arguments as the engines take them: numbers, booleans and number lists (zoom_range). */
function augmentArgs(args: Record<string, ArgValue>): AugmentArgs {
  const out: AugmentArgs = {};
  for (const [k, v] of Object.entries(args)) {
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'number')) out[k] = v as number[];
  }
  return out;
}
