// The checker's entry point: text in, everything the editor and the CLI need out — the tree,
// the model's shapes and parameter counts, the settings, and every diagnostic. A pure function
// of the text (and, for data-aware checks, of file headers read through `probe`).

import { blockSettings } from '../catalog';
import type { Shape } from '../catalog/types';
import type { SourceInfo, SourceRef } from '../data/types';
import { probeSource } from '../data/probe';
import type { SavedModel } from '../data/saved-model';
import { checkPastedKeras } from './pasted';
import { parse, type Block, type ModelBlock, type ParseResult, type SettingsBlock } from '../syntax';
import { checkModelAgainstTraining, type TrainingFacts } from './checks';
import { catalogValueContext } from './catalog-context';
import { diagnostic, MAX_DIAGNOSTICS_PER_FILE, type Diagnostic, type Severity } from './diagnostics';
import { analyzeModel, type ModelAnalysis } from './model';
import { slotSplit } from './plan';
import { analyzeSettings, type SettingsAnalysis } from './settings';
import { checkFitSettings } from './fit-checks';
import { sourceArgNode, sourceLabel, sourceRefOf } from './sources';
import { checkBackendSupport } from './support';
import { checkStackWarnings } from './warnings';

export interface AnalyzeOptions {
  /** Folder that relative data paths are resolved against (the .model file's folder). */
  baseDir?: string;
  /** Reads a data source's header; replaced in tests. Defaults to the real file probe. */
  probe?: (ref: SourceRef, baseDir: string) => SourceInfo;
  /** Reads a Pretrained(path=...) model.json. Defaults to the real reader; the language server
   * passes one with a time budget (lsp/probe-budget.ts). */
  readSavedModel?: (path: string, baseDir: string) => SavedModel;
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
  diagnostics: Diagnostic[];
}

export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const parsed = parse(text);
  const out: Diagnostic[] = parsed.errors.map((e) => diagnostic(e.code, e.range, e.message));
  const ctx = catalogValueContext();
  checkPastedKeras(parsed.file, out);

  const seen = new Map<Block['kind'], Block>();
  for (const block of parsed.file.blocks) {
    const first = seen.get(block.kind);
    if (first) {
      const what = block.kind === 'model' ? 'one model per file' : `one ${block.kind} block per file`;
      out.push(
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
  const settingsOf = (kind: SettingsBlock['kind']) => {
    const block = seen.get(kind) as SettingsBlock | undefined;
    return block ? analyzeSettings(block, blockSettings(kind), ctx, out) : undefined;
  };
  const compile = settingsOf('compile');
  const fit = settingsOf('fit');
  checkFitSettings(fit, out);
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
    const before = out.length;
    checkModelAgainstTraining(model, trainingFacts(compile, data), out);
    // An output-shape error already says "add Flatten()"; the same advice as a warning is noise.
    const outputMismatch = out.slice(before).some((d) => d.code === 'output-shape-mismatch');
    checkStackWarnings(model, out, { skipDenseRank: outputMismatch });
    checkBackendSupport(model, fit?.values.backend, fit?.written.backend?.value.range, out);
  } else if (parsed.file.blocks.length > 0 || text.trim().length > 0) {
    out.push(
      diagnostic(
        'missing-model',
        parsed.file.range.start.line === 0
          ? { start: parsed.file.range.start, end: parsed.file.range.start }
          : parsed.file.range,
        'This file has no model block; start one with `model NAME {` and a layer per line',
      ),
    );
  }

  out.sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset);
  return {
    text,
    lines: text.split(/\r\n|\r|\n/),
    parse: parsed,
    model,
    compile,
    data,
    fit,
    diagnostics: capped(dedupe(out)),
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

function trainingFacts(compile: SettingsAnalysis | undefined, data: Analysis['data']): TrainingFacts {
  const train = data?.sources.find((s) => s.key === 'train');
  const info = train?.info.ok ? train.info : undefined;
  const loss = compile?.values.loss;
  return {
    loss: typeof loss === 'string' ? loss : undefined,
    lossRange: compile?.written.loss?.value.range,
    dataset: train ? sourceLabel(train.ref) : undefined,
    datasetRange: data?.written.train?.value.range,
    classes: info?.classes?.length ?? info?.classCount,
    labelValues: info?.labelValues,
    sampleShape: info?.sampleShape,
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
