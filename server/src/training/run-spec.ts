// From a checked .model file to the RunSpec an engine process takes: the lowered model, the
// compile/fit settings with Keras defaults, and the data prepared into tensor files.

import { createRunFolder } from './files';
import { dirname, join, resolve } from 'node:path';
import type { Analysis } from '../language/analysis/analyze';
import { labelTargetOf } from '../language/analysis/checks';
import { sourceRefOf } from '../language/analysis/sources';
import { getLoss, getOptimizer } from '../language/catalog';
import type { ArgValue, CallArg } from '../language/catalog/types';
import { lowerModel } from '../language/lowering';
import { summaryTable } from '../language/services/summary';
import { prepareData } from './data/prepare';
import type { DataSettings } from './data/types';
import type { CallbackSpec, InitialWeights, PreparedData, RunSpec } from './protocol';
import { readSavedWeights } from './saved-weights';

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
}

/** Why a file cannot be trained, in words for the user; undefined when it can. */
export function trainingBlocker(analysis: Analysis): string | undefined {
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return `the file has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} first`;
  if (!analysis.model) return 'the file has no model block';
  if (!analysis.compile) return "training needs a compile block, e.g. compile { loss: 'categorical_crossentropy'  optimizer: 'adam'  metrics: ['accuracy'] }";
  if (!sourceRefOf(analysis.data?.values.train)) return 'training needs a training source in the data block, e.g. data { train: digits }';
  if (!analysis.model.totals || !analysis.model.inputShape) return "the model's shapes could not be computed";
  return undefined;
}

export async function buildRunSpec(analysis: Analysis, file: string, opts: RunOptions = {}): Promise<RunSpec> {
  const blocker = trainingBlocker(analysis);
  if (blocker) throw new Error(`Cannot train ${file}: ${blocker}`);
  const model = analysis.model!;
  const compile = analysis.compile!.values;
  const fit = analysis.fit?.values ?? {};
  const lossName = compile.loss as string;
  const loss = getLoss(lossName);
  const baseDir = dirname(resolve(file));
  const prepared = await prepareData(dataSettings(analysis), {
    baseDir,
    cacheDir: opts.cacheDir,
    inputShape: model.inputShape!,
    labelEncoding: labelEncodingOf(lossName),
    labelTarget: labelTargetOf(model, lossName),
    onProgress: opts.onProgress,
    signal: opts.signal,
  });

  // A folder of its own even when another run of this model starts in the same second.
  const runDir = createRunFolder(join(opts.runsDir ? resolve(opts.runsDir) : join(baseDir, 'runs'), model.name), timestamp());
  return {
    model: lowerModel(model),
    modelName: model.name,
    sourceFile: resolve(file),
    compile: {
      loss: loss?.name ?? lossName,
      optimizer: optimizerOf(compile.optimizer),
      metrics: Array.isArray(compile.metrics) ? compile.metrics.filter((m): m is string => typeof m === 'string') : [],
    },
    data: prepared,
    fit: {
      epochs: opts.epochs ?? (typeof fit.epochs === 'number' ? fit.epochs : 1),
      batchSize: typeof fit.batch_size === 'number' ? fit.batch_size : 32,
      seed: typeof fit.seed === 'number' ? fit.seed : undefined,
      callbacks: Array.isArray(fit.callbacks) ? fit.callbacks.filter(isCall).map(callbackOf) : [],
      backend: opts.backend ?? (typeof fit.backend === 'string' ? fit.backend : 'auto'),
      // Keras's policy names; None leaves it to the engine (mixed on a CUDA GPU).
      mixedPrecision: fit.mixed_precision !== 'float32',
      ...(fit.mixed_precision === 'mixed_float16' || fit.mixed_precision === 'mixed_bfloat16' ? { precisionPolicy: fit.mixed_precision } : {}),
      ...(typeof fit.devices === 'number' && fit.devices > 1 ? { devices: fit.devices } : {}),
    },
    expectedParams: model.totals!,
    summaryTable: summaryTable(model),
    runDir,
    initialWeights: pretrainedWeights(analysis, runDir),
  };
}

/** A model that starts with Pretrained(path=...) starts from that saved model's weights. */
function pretrainedWeights(analysis: Analysis, runDir: string): InitialWeights | undefined {
  const model = analysis.model!;
  if (model.inputSource?.kind !== 'pretrained') return undefined;
  const file = model.inputSource.file;
  const layers = model.layers.filter((l) => l.expandedFrom === 'Pretrained').length;
  const saved = readSavedWeights(file, runDir);
  if (saved.length !== layers) throw new Error(`${file} changed since it was checked: it has ${saved.length} layers, the model expects ${layers}`);
  return { tensors: saved.flatMap((l) => l.tensors), layers, source: file };
}

/** The data block as the data preparation takes it. */
export function dataSettings(analysis: Analysis): DataSettings {
  const data = analysis.data!.values;
  return {
    train: sourceRefOf(data.train)!,
    test: sourceRefOf(data.test),
    validation: sourceRefOf(data.validation),
    validationSplit: typeof data.validation_split === 'number' ? data.validation_split : 0,
    shuffle: data.shuffle !== false,
    rescale: typeof data.rescale === 'number' ? data.rescale : undefined,
    augment: isCall(data.augment) ? numericArgs(data.augment.args) : undefined,
  };
}

/** How labels reach the loss: one-hot vectors, class indices (sparse losses), or raw targets. */
export function labelEncodingOf(lossName: string): PreparedData['labelEncoding'] {
  const loss = getLoss(lossName);
  return loss?.labels === 'one-hot' ? 'onehot' : loss?.labels === 'integer' ? 'index' : 'raw';
}

/** `20261127-081502`: run folders sort by time. */
export function timestamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

function optimizerOf(value: ArgValue | undefined): RunSpec['compile']['optimizer'] {
  const name = typeof value === 'string' ? value : isCall(value) ? value.call : 'rmsprop';
  const entry = getOptimizer(name);
  const args: Record<string, number | boolean> = {};
  for (const a of entry?.args ?? []) if (typeof a.default === 'number' || typeof a.default === 'boolean') args[a.name] = a.default;
  if (isCall(value)) Object.assign(args, numericArgs(value.args));
  return { name: entry?.className ?? name, args };
}

function callbackOf(call: CallArg): CallbackSpec {
  return { name: call.call, args: call.args };
}

function numericArgs(args: Record<string, ArgValue>): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(args)) if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}

function isCall(v: ArgValue | undefined): v is CallArg {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
