// The checker's entry point: text in, everything the editor and the CLI need out — the tree,
// the model's shapes and parameter counts, the settings, and every diagnostic. A pure function
// of the text (and, for data-aware checks, of file headers read through `probe`).

import { blockSettings } from '../catalog';
import type { Shape } from '../catalog/types';
import type { SourceInfo, SourceRef } from '../data/types';
import { probeSource } from '../data/probe';
import { readSavedModel, type SavedModel } from '../data/saved-model';
import { checkPastedKeras } from './pasted';
import {
  parse,
  type Block,
  type ModelBlock,
  type ModelFile,
  type ParseResult,
  type Range,
  type SettingsBlock,
} from '../syntax';
import { checkApplicationWeights } from './application-weights';
import { checkModelAgainstTraining, type TrainingFacts } from './checks';
import { catalogValueContext } from './catalog-context';
import { diagnostic, MAX_DIAGNOSTICS_PER_FILE, type Diagnostic, type Severity } from './diagnostics';
import { analyzeModel, type ModelAnalysis } from './model';
import { slotSplit } from './plan';
import { analyzeSettings, type SettingsAnalysis } from './settings';
import { checkFitSettings } from './fit-checks';
import { sourceArgNode, sourceLabel, sourceRefOf } from './sources';
import { checkModelAgainstTask, type TaskFacts } from './task-checks';
import { checkBackendSupport } from './support';
import { checkStackWarnings } from './warnings';
import { checkAdaptedNormalization } from './adapt-check';
import { checkEveryPoint, givenHyperparameters, type SpaceRanges } from './search-check';
import { findSpaces, nameSpaces, substitute } from './search-places';
import type { HyperValue, SearchSpace } from './search-space';
import { checkTune } from './tune';

export interface AnalyzeOptions {
  /** Folder that relative data paths are resolved against (the .model file's folder). */
  baseDir?: string;
  /** Reads a data source's header; replaced in tests. Defaults to the real file probe. */
  probe?: (ref: SourceRef, baseDir: string) => SourceInfo;
  /** Reads a Pretrained(path=...) model.json. Defaults to the real reader; the language server
   * passes one with a time budget (lsp/probe-budget.ts). */
  readSavedModel?: (path: string, baseDir: string) => SavedModel;
  /**
   * A trial's values by search-space name: each space takes its value here, or its default. With
   * them, only this point is checked (a name that is no space, or a value outside its space, is an error).
   */
  hyperparameters?: Readonly<Record<string, HyperValue>>;
}

/** A search-space call in the text, for edits that replace it (Apply best). */
export interface SearchSpacePlace {
  name: string;
  range: Range;
  /** Choice: each value with its source text (`1e-3` stays as written). */
  literals?: { value: HyperValue; text: string }[];
}

export interface DataSourceAnalysis {
  key: 'train' | 'test' | 'validation';
  ref: SourceRef;
  info: SourceInfo;
}

export interface Analysis {
  text: string;
  /** The text split into lines (for messages that quote the source). */
  lines: string[];
  parse: ParseResult;
  model?: ModelAnalysis;
  compile?: SettingsAnalysis;
  data?: SettingsAnalysis & { sources: DataSourceAnalysis[] };
  fit?: SettingsAnalysis;
  /** The tune block's settings (how the search spaces are searched). */
  tune?: SettingsAnalysis;
  /** The file's search spaces (Choice, Int, Float, Boolean), one per name, in the order written. */
  searchSpaces: SearchSpace[];
  /** Every search-space call with the space it belongs to (calls that share a name= share a space). */
  searchSpacePlaces: SearchSpacePlace[];
  /** The value each search space has in this analysis: `options.hyperparameters` where given, else its default. */
  hyperparameters: Record<string, HyperValue>;
  /** Over every point of the space the checker tried: the range of each layer's output and count (inlay hints). */
  spaceRanges?: SpaceRanges;
  diagnostics: Diagnostic[];
}

export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const parsed = parse(text);
  const out: Diagnostic[] = parsed.errors.map((e) => diagnostic(e.code, e.range, e.message));
  checkPastedKeras(parsed.file, out);
  const firsts = firstBlocks(parsed.file.blocks, out);

  // Search spaces: the file is checked at a point of its space (each Choice/Int/Float/Boolean
  // replaced by a value), first at the defaults, which also name the spaces after their layers.
  const places = findSpaces(parsed.file, out);
  const opts = places.length ? memoizedReads(options) : options;
  const atPoint = (point: Record<string, HyperValue>) => checkFile(substitute(parsed.file, places, point), text, opts);
  const base = atPoint({});
  const modelBlock = firsts.get('model') as ModelBlock | undefined;
  const searchSpaces = nameSpaces(places, modelBlock?.layers ?? [], base.model?.layers, out);
  const hyperparameters: Record<string, HyperValue> = Object.fromEntries(searchSpaces.map((s) => [s.name, s.default]));

  let result = base;
  let spaceRanges: SpaceRanges | undefined;
  if (options.hyperparameters) {
    // One trial: its values, checked as given; the other points are not this analysis's business.
    Object.assign(hyperparameters, givenHyperparameters(options.hyperparameters, searchSpaces, parsed.file, out));
    if (searchSpaces.some((s) => hyperparameters[s.name] !== s.default)) result = atPoint(hyperparameters);
    out.push(...result.diagnostics);
  } else if (searchSpaces.length) {
    const every = checkEveryPoint({ text, spaces: searchSpaces, places, base, atPoint });
    out.push(...every.diagnostics);
    spaceRanges = every.ranges;
  } else out.push(...base.diagnostics);

  if (result.tune) checkTune(result.tune, searchSpaces, places, result.compile, result.data, out);

  out.sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset);
  return {
    text,
    lines: text.split(/\r\n|\r|\n/),
    parse: parsed,
    model: result.model,
    compile: result.compile,
    data: result.data,
    fit: result.fit,
    tune: result.tune,
    searchSpaces,
    searchSpacePlaces: places
      .filter((p) => p.name !== '')
      .map((p) => ({
        name: p.name,
        range: p.call.range,
        ...(p.definition.valueNodes && {
          literals: p.definition.valueNodes.map((n, i) => ({
            value: (p.definition.values ?? [])[i],
            text: text.slice(n.range.start.offset, n.range.end.offset),
          })),
        }),
      })),
    hyperparameters,
    ...(spaceRanges && { spaceRanges }),
    diagnostics: capped(dedupe(out)),
  };
}

/** The first block of each kind; later ones are reported (one model and one block of each kind per file). */
function firstBlocks(blocks: readonly Block[], out?: Diagnostic[]): Map<Block['kind'], Block> {
  const seen = new Map<Block['kind'], Block>();
  for (const block of blocks) {
    const first = seen.get(block.kind);
    if (first) {
      const what = block.kind === 'model' ? 'one model per file' : `one ${block.kind} block per file`;
      out?.push(
        diagnostic(
          block.kind === 'model' ? 'duplicate-model' : 'duplicate-block',
          block.keyword,
          `A .model file holds ${what}; merge this block into the first or move it to another file`,
          {
            related: [{ range: first.keyword, message: `the first ${block.kind} block` }],
          },
        ),
      );
    } else seen.set(block.kind, block);
  }
  return seen;
}

/** What checking one point of the file gives: everything but the syntax and the search spaces themselves. */
export interface FileCheck {
  model?: ModelAnalysis;
  compile?: SettingsAnalysis;
  data?: SettingsAnalysis & { sources: DataSourceAnalysis[] };
  fit?: SettingsAnalysis;
  tune?: SettingsAnalysis;
  diagnostics: Diagnostic[];
}

/** The checker proper, on a file whose search spaces are already values. */
function checkFile(file: ModelFile, text: string, options: AnalyzeOptions): FileCheck {
  const out: Diagnostic[] = [];
  const ctx = catalogValueContext();
  const seen = firstBlocks(file.blocks);
  const settingsOf = (kind: SettingsBlock['kind']) => {
    const block = seen.get(kind) as SettingsBlock | undefined;
    return block ? analyzeSettings(block, blockSettings(kind), ctx, out) : undefined;
  };
  const compile = settingsOf('compile');
  const fit = settingsOf('fit');
  checkFitSettings(fit, out);
  const tune = settingsOf('tune');
  const dataSettings = settingsOf('data');
  const data = dataSettings ? { ...dataSettings, sources: probeSources(dataSettings, options, out) } : undefined;

  const train = data?.sources.find((s) => s.key === 'train');
  const trainSetting = data?.written.train;
  const dataSample =
    train?.info.ok && trainSetting
      ? { shape: train.info.sampleShape as Shape, dataset: sourceLabel(train.ref), range: trainSetting.value.range }
      : undefined;

  const modelBlock = seen.get('model') as ModelBlock | undefined;
  let model: ModelAnalysis | undefined;
  if (modelBlock) {
    model = analyzeModel(
      modelBlock,
      {
        ...ctx,
        dataSample,
        baseDir: options.baseDir,
        readSavedModel: options.readSavedModel,
        dataPending: train?.info.ok === false && train.info.code === 'data-slow',
      },
      out,
    );
    checkApplicationWeights(model, options.baseDir, out);
    const before = out.length;
    checkModelAgainstTraining(model, trainingFacts(compile, data), out);
    checkModelAgainstTask(model, taskFacts(compile, data), out);
    // An output-shape error already says "add Flatten()"; the same advice as a warning is noise.
    const outputMismatch = out.slice(before).some((d) => d.code === 'output-shape-mismatch');
    checkStackWarnings(model, out, { skipDenseRank: outputMismatch });
    checkAdaptedNormalization(model, out);
    checkBackendSupport(model, fit?.values.backend, fit?.written.backend?.value.range, out);
  } else if (file.blocks.length > 0 || text.trim().length > 0) {
    out.push(
      diagnostic(
        'missing-model',
        file.range.start.line === 0 ? { start: file.range.start, end: file.range.start } : file.range,
        'This file has no model block; start one with `model NAME {` and a layer per line',
      ),
    );
  }
  return { model, compile, data, fit, tune, diagnostics: out };
}

/** The file's reads (data headers, saved models) done once for all the points checked. */
function memoizedReads(options: AnalyzeOptions): AnalyzeOptions {
  const probe = options.probe ?? probeSource;
  const read = options.readSavedModel ?? readSavedModel;
  const probes = new Map<string, SourceInfo>();
  const saved = new Map<string, SavedModel>();
  return {
    ...options,
    probe: (ref, baseDir) => {
      const key = JSON.stringify([ref, baseDir]);
      let info = probes.get(key);
      if (!info) probes.set(key, (info = probe(ref, baseDir)));
      return info;
    },
    readSavedModel: (path, baseDir) => {
      const key = JSON.stringify([path, baseDir]);
      let model = saved.get(key);
      if (!model) saved.set(key, (model = read(path, baseDir)));
      return model;
    },
  };
}

function probeSources(data: SettingsAnalysis, options: AnalyzeOptions, out: Diagnostic[]): DataSourceAnalysis[] {
  const probe = options.probe ?? probeSource;
  const sources: DataSourceAnalysis[] = [];
  for (const key of ['train', 'test', 'validation'] as const) {
    const setting = data.written[key];
    const ref = withSlotSplit(sourceRefOf(data.values[key]), key);
    if (!setting || !ref) continue;
    let info: SourceInfo;
    try {
      info = probe(ref, options.baseDir ?? process.cwd());
    } catch (e) {
      info = {
        ok: false,
        code: 'data-format',
        message: `Could not read ${sourceLabel(ref)}: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    sources.push({ key, ref, info });
    if (!info.ok) {
      const argRange =
        info.argName && setting.value.kind === 'call'
          ? sourceArgNode(setting.value, info.argName)?.value.range
          : undefined;
      out.push(diagnostic(info.code, argRange ?? setting.value.range, info.message));
    }
  }
  return sources;
}

/** A built-in set without split= takes the part its setting names (plan.ts, `slotSplit`: the one rule training follows too). */
function withSlotSplit(ref: SourceRef | undefined, key: 'train' | 'test' | 'validation'): SourceRef | undefined {
  if (!ref || !('split' in ref.args) || ref.args.split !== null) return ref;
  return { ...ref, args: { ...ref.args, split: slotSplit(ref, key) ?? null } };
}

function taskFacts(compile: SettingsAnalysis | undefined, data: Analysis['data']): TaskFacts {
  const train = data?.sources.find((s) => s.key === 'train');
  const info = train?.info.ok ? train.info : undefined;
  const loss = compile?.values.loss;
  return {
    loss: typeof loss === 'string' ? loss : undefined,
    lossRange: compile?.written.loss?.value.range,
    dataset: train ? sourceLabel(train.ref) : undefined,
    datasetRange: data?.written.train?.value.range,
    classMode: typeof data?.values.class_mode === 'string' ? data.values.class_mode : undefined,
    classModeRange: data?.written.class_mode?.value.range,
    labelColumns: info?.labelColumns,
    labelOutlier: info?.labelOutlier,
    targetShape: info?.targetShape,
    vocabularySize: info?.vocabularySize,
  };
}

function trainingFacts(compile: SettingsAnalysis | undefined, data: Analysis['data']): TrainingFacts {
  const train = data?.sources.find((s) => s.key === 'train');
  // class_mode 'input' and multi-label columns: the labels are not classes, so no class checks.
  const info =
    train?.info.ok && data?.values.class_mode !== 'input' && !train.info.labelColumns ? train.info : undefined;
  const loss = compile?.values.loss;
  return {
    loss: typeof loss === 'string' ? loss : undefined,
    lossRange: compile?.written.loss?.value.range,
    dataset: train ? sourceLabel(train.ref) : undefined,
    datasetRange: data?.written.train?.value.range,
    classes: info?.classes?.length ?? info?.classCount,
    labelValues: info?.labelValues,
    sampleShape: train?.info.ok ? train.info.sampleShape : undefined,
    multiLabel: train?.info.ok === true && train.info.labelColumns !== undefined,
  };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.range.start.offset}:${d.range.end.offset}:${d.code}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'information', 'hint'];

/** The first MAX_DIAGNOSTICS_PER_FILE diagnostics, then one that counts the rest (with the worst severity among them, so an error hidden there still fails `check`). */
function capped(diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS_PER_FILE) return diagnostics;
  const rest = diagnostics.slice(MAX_DIAGNOSTICS_PER_FILE);
  const count = (sev: Severity) => rest.filter((d) => d.severity === sev).length;
  const worst = SEVERITY_ORDER.find((sev) => count(sev) > 0) ?? 'information';
  const [errors, warnings] = [count('error'), count('warning')];
  const parts = [
    errors && `${errors} error${errors === 1 ? '' : 's'}`,
    warnings && `${warnings} warning${warnings === 1 ? '' : 's'}`,
  ].filter(Boolean);
  const summary = diagnostic(
    'too-many-problems',
    rest[0].range,
    `${rest.length.toLocaleString('en-US')} more problems not shown${parts.length ? ` (${parts.join(', ')})` : ''}: ModelSpec lists the first ${MAX_DIAGNOSTICS_PER_FILE} per file; fix those and the rest appear`,
  );
  return [...diagnostics.slice(0, MAX_DIAGNOSTICS_PER_FILE), { ...summary, severity: worst }];
}
