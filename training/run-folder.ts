// What a run folder holds besides what the engine writes (events.jsonl, the model, checkpoints):
// history.csv, TensorBoard's logs/ (tensorboard.ts), summary.txt and report.html, all derived
// from events.jsonl, so they can be rebuilt for a run that crashed or was killed.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTraits } from './run-traits';
import { writeFileAtomic } from './files';
import type { Metrics, RunEvent, RunSpec } from './protocol';
import { toTfjsTopology } from './engines/tfjs/keras-json';
import { renderReport } from './report';
import { writeTensorBoard } from './tensorboard';

/** One line of events.jsonl (or of an engine's stdout) as an event; anything else is undefined. */
export function parseEvent(line: string): RunEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(line) as { type?: unknown };
    return typeof v.type === 'string' ? (v as RunEvent) : undefined;
  } catch {
    return undefined;
  }
}

export function readEvents(runDir: string): RunEvent[] {
  const file = join(runDir, 'events.jsonl');
  if (!existsSync(file)) return [];
  // A line cut short by a kill is skipped; every complete line before it counts.
  return readFileSync(file, 'utf8')
    .split('\n')
    .map(parseEvent)
    .filter((e): e is RunEvent => e !== undefined);
}

/** Keras's CSVLogger layout: epoch, then each metric in order, validation ones after. */
export function historyCsv(events: RunEvent[]): string {
  const epochs = events.filter((e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch');
  const columns = new Set<string>(['loss']);
  for (const e of epochs) {
    Object.keys(e.metrics).forEach((k) => columns.add(k));
    if (e.valLoss !== undefined) columns.add('val_loss');
    Object.keys(e.valMetrics ?? {}).forEach((k) => columns.add(`val_${k}`));
  }
  columns.add('learning_rate');
  const header = ['epoch', ...columns];
  const rows = epochs.map((e) => {
    const values: Record<string, number | undefined> = {
      loss: e.loss,
      val_loss: e.valLoss,
      learning_rate: e.learningRate,
      ...e.metrics,
    };
    for (const [k, v] of Object.entries(e.valMetrics ?? {})) values[`val_${k}`] = v;
    return [String(e.epoch - 1), ...[...columns].map((c) => (values[c] === undefined ? '' : String(values[c])))].join(
      ',',
    );
  });
  return [header.join(','), ...rows].join('\n') + '\n';
}

/**
 * Rewrites history.csv from events.jsonl: after every epoch while a run is followed, so a run
 * killed with SIGKILL keeps every epoch it recorded, and again when the run ends.
 */
export function writeHistory(runDir: string, events: RunEvent[] = readEvents(runDir)): void {
  writeFileAtomic(join(runDir, 'history.csv'), historyCsv(events));
}

/** Whether `file` is missing or holds other text than `wanted`. */
function stale(file: string, wanted: string): boolean {
  return !existsSync(file) || readFileSync(file, 'utf8') !== wanted;
}

/**
 * Brings history.csv up to date with events.jsonl if it is missing or behind: a run killed
 * together with its launcher can have recorded an epoch the launcher never saw.
 */
function refreshHistory(runDir: string, events: RunEvent[] = readEvents(runDir)): void {
  if (stale(join(runDir, 'history.csv'), historyCsv(events))) writeHistory(runDir, events);
}

/** summary.txt: the model's summary table, then how the run ended. */
function summaryText(summaryTable: string, events: RunEvent[]): string {
  return `${summaryTable}\n\n${outcome(events)}\n`;
}

/** report.html's title: the model and the run folder. */
export function reportTitle(modelName: string, runDir: string): string {
  return `${modelName} · ${runDir}`;
}

/** Writes history.csv, summary.txt and report.html next to events.jsonl, and completes model.json. */
export function finalizeRunFolder(runDir: string, summaryTable: string, title: string): void {
  completeTfjsModel(runDir);
  const events = readEvents(runDir);
  writeHistory(runDir, events);
  writeTensorBoard(runDir, events, readRunSpec(runDir));
  writeFileAtomic(join(runDir, 'summary.txt'), summaryText(summaryTable, events));
  const spec = readRunSpec(runDir);
  writeFileAtomic(join(runDir, 'report.html'), renderReport(events, { title, traits: spec && runTraits(spec) }));
}

/**
 * For a reader of a run folder (`modelspec evaluate`): brings what finalizeRunFolder writes up to
 * date with events.jsonl when it is missing or behind, from the run folder alone (spec.json keeps
 * the summary table). A launcher killed with SIGKILL writes none of it, though its engine may
 * still stop and save; history.csv may lag behind the last epochs.
 */
export function refreshRunFolder(runDir: string): void {
  if (!existsSync(join(runDir, 'events.jsonl'))) return;
  const events = readEvents(runDir);
  refreshHistory(runDir, events);
  const spec = readRunSpec(runDir);
  // Appends only what the event files lack (nothing when they are up to date).
  writeTensorBoard(runDir, events, spec);
  if (!spec) return; // not a run folder `modelspec train` made: nothing to summarise from
  completeTfjsModel(runDir);
  const summaryFile = join(runDir, 'summary.txt');
  const reportFile = join(runDir, 'report.html');
  // A spec.json written before it kept the table: an existing summary.txt is left as it is.
  const summary =
    spec.summaryTable !== undefined || !existsSync(summaryFile)
      ? summaryText(spec.summaryTable ?? '', events)
      : undefined;
  const summaryBehind = summary !== undefined && stale(summaryFile, summary);
  if (summaryBehind) writeFileAtomic(summaryFile, summary);
  // The report changes when the events do, which is when summary.txt does.
  if (summaryBehind || !existsSync(reportFile))
    writeFileAtomic(
      reportFile,
      renderReport(events, { title: reportTitle(spec.modelName, spec.runDir), traits: runTraits(spec) }),
    );
}

/** The run's spec.json, or undefined when it is missing or unreadable. */
export function readRunSpec(runDir: string): RunSpec | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, 'spec.json'), 'utf8')) as RunSpec;
  } catch {
    return undefined;
  }
}

/** `loss 0.1234, accuracy 0.9630`: a loss and its metrics as the CLI and summary.txt print them. */
export function metricsLine(loss: number, metrics: Metrics, prefix = ''): string[] {
  // A diverged run's NaN arrives as null (the engines write JSON, which has no NaN).
  const fixed = (v: number | null) => (typeof v === 'number' ? v.toFixed(4) : 'NaN');
  return [`${prefix}loss ${fixed(loss)}`, ...Object.entries(metrics).map(([k, v]) => `${prefix}${k} ${fixed(v)}`)];
}

/** The test evaluation's task report in one line (report.html shows it whole). */
export function taskLine(e: Extract<RunEvent, { type: 'evaluated' }>): string | undefined {
  const fixed = (v: number | null) => (typeof v === 'number' ? v.toFixed(4) : 'NaN');
  if (e.multiLabel) {
    const m = e.multiLabel;
    const meanF1 = m.labels.reduce((a, l) => a + l.f1, 0) / Math.max(1, m.labels.length);
    return `Test per label (${m.labelCount} labels, above ${m.threshold}): exact match ${fixed(m.exactMatch)}, mean F1 ${fixed(meanF1)}`;
  }
  if (e.regression) {
    const r = e.regression;
    return `Test regression${r.outputs > 1 ? ` (${r.outputs} outputs)` : ''}: MAE ${fixed(r.mae)}, RMSE ${fixed(r.rmse)}, R² ${fixed(r.r2)}`;
  }
  if (e.images) {
    const psnr = typeof e.images.psnr === 'number' ? `, PSNR ${e.images.psnr.toFixed(2)} dB` : '';
    return `Test reconstruction: MSE ${fixed(e.images.mse)}${psnr}`;
  }
  return undefined;
}

/** A few lines on how the run ended and what it measured. */
export function outcome(events: RunEvent[]): string {
  const lines: string[] = [];
  const started = events.find((e) => e.type === 'started');
  if (started?.type === 'started')
    lines.push(`Engine: ${started.engine} (${started.backend}) on ${started.device}; ${started.reason}`);
  const epochs = events.filter((e) => e.type === 'epoch');
  const last = epochs[epochs.length - 1];
  if (last?.type === 'epoch') {
    const metrics = metricsLine(last.loss, last.metrics);
    if (last.valLoss !== undefined) metrics.push(...metricsLine(last.valLoss, last.valMetrics ?? {}, 'val_'));
    lines.push(`Epoch ${last.epoch}/${last.epochs}: ${metrics.join(', ')}`);
  }
  const evaluated = events.find((e) => e.type === 'evaluated');
  if (evaluated?.type === 'evaluated') {
    lines.push(`Test: ${metricsLine(evaluated.loss, evaluated.metrics).join(', ')}`);
    const task = taskLine(evaluated);
    if (task) lines.push(task);
  }
  const end = events.find((e) => e.type === 'finished' || e.type === 'stopped' || e.type === 'failed');
  if (end?.type === 'finished')
    lines.push(`Finished after ${end.epochs} epoch${end.epochs === 1 ? '' : 's'} in ${end.seconds.toFixed(1)} s`);
  else if (end?.type === 'stopped') lines.push(`Stopped at epoch ${end.epoch}: ${end.reason}`);
  else if (end?.type === 'failed') lines.push(`Failed: ${end.message}`);
  else
    lines.push(
      `The run did not record an ending: it was killed${last?.type === 'epoch' ? ` after epoch ${last.epoch}` : ''} (SIGKILL, a crash or a power loss) before it could save`,
    );
  return lines.join('\n');
}

/**
 * The PyTorch engine writes model.json with Keras's own config as the topology; TF.js reads a
 * slightly different dialect (argument names, initializer classes), so rewrite it the way the
 * TF.js engine's models are written. Afterwards every run folder's model.json loads in TF.js.
 */
function completeTfjsModel(runDir: string): void {
  const file = join(runDir, 'model.json');
  const specFile = join(runDir, 'spec.json');
  if (!existsSync(file) || !existsSync(specFile)) return;
  const { model } = JSON.parse(readFileSync(specFile, 'utf8')) as Pick<RunSpec, 'model'>;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { generatedBy?: string; modelTopology?: unknown };
  if (json.generatedBy !== 'ModelSpec PyTorch engine') return;
  json.modelTopology = toTfjsTopology(model);
  json.generatedBy = 'ModelSpec PyTorch engine (topology in TF.js form)';
  writeFileAtomic(file, JSON.stringify(json));
}

/**
 * Why a run folder has no model.json, from its events: killed (no final event), failed, or the
 * file was removed afterwards.
 */
export function missingModelReason(runDir: string): string {
  const events = readEvents(runDir);
  const end = events.find((e) => e.type === 'finished' || e.type === 'stopped' || e.type === 'failed');
  const epochs = events.filter((e) => e.type === 'epoch');
  const last = epochs[epochs.length - 1];
  const recorded = last?.type === 'epoch' ? `; events.jsonl records ${last.epoch} of ${last.epochs} epochs` : '';
  if (!end) {
    return `the run was killed before it saved a model: its events.jsonl has no final event (finished, stopped or failed)${recorded}. A run stopped with Ctrl+C, SIGTERM or the Stop button saves its model; train again`;
  }
  if (end.type === 'failed') return `the run failed before it saved a model: ${end.message}`;
  return `the run ${end.type === 'finished' ? 'finished' : 'was stopped'} but its model.json is gone (moved or deleted since)`;
}
