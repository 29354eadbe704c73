// The runs of a model side by side: one row per run folder, read from its events.jsonl and
// spec.json (nothing recomputed), and which hyperparameters differ between them. Read by
// `modelspec runs` (cli/runs.ts) and the training panel's runs view.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { LR_FIND_FOLDER_PREFIX } from './lr-find';
import { basename, join, relative } from 'node:path';
import type { Metrics, RunEvent } from './protocol';
import { engineAlive } from './engine-pid';
import { readEvents, readRunSpec } from './run-folder';
import { runHyperparameters, type Hyperparameters, type HyperparameterValue } from './run-hyperparameters';

/** finished/stopped/failed from the final event; no final event: `running` while the engine
 *  named by engine.pid runs, `killed` once it does not (engine-pid.ts); without a pid file this
 *  machine can read, `running` while events.jsonl keeps changing, `killed` once it has been still
 *  for longer than any epoch has taken. */
export type RunStatus = 'finished' | 'stopped' | 'failed' | 'running' | 'killed';

export interface RunRow {
  runDir: string;
  /** The folder's name relative to the folder listed (`20261203-101500`, `tune-…/trial-3`). */
  name: string;
  model: string;
  status: RunStatus;
  engine?: string;
  /** The engine's backend: wasm, tensorflow, cpu, cuda, mps. */
  backend?: string;
  device?: string;
  epochs: number;
  plannedEpochs?: number;
  /** The best value of the validation metric the run is judged by (val_<first metric>, else val_loss). */
  best?: { metric: string; value: number; epoch: number };
  test?: { loss: number; metrics: Metrics };
  seconds?: number;
  started?: string;
  hyperparameters: Hyperparameters;
}

/** Keras's rule for a monitor's direction (EarlyStopping mode 'auto'): accuracy-like metrics grow. */
export function higherIsBetter(metric: string): boolean {
  return /acc|auc|precision|recall|f1/i.test(metric);
}

/** No event for this long, and no final event: the run was killed (an epoch event comes at least this often). */
const STILL_MS = 10 * 60 * 1000;

export function runRow(runDir: string, name = basename(runDir), now = Date.now()): RunRow {
  const events = readEvents(runDir);
  const spec = readRunSpec(runDir);
  const started = events.find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started');
  const epochs = events.filter((e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch');
  const end = events.find((e) => e.type === 'finished' || e.type === 'stopped' || e.type === 'failed');
  let status: RunStatus;
  if (end) status = end.type as RunStatus;
  else {
    // The engine's pid file tells for sure on this machine; otherwise a still events.jsonl means killed.
    const alive = engineAlive(runDir);
    if (alive !== undefined) status = alive ? 'running' : 'killed';
    else status = now - statSync(join(runDir, 'events.jsonl')).mtimeMs < STILL_MS ? 'running' : 'killed';
  }

  const metric = spec?.compile.metrics[0] ?? Object.keys(epochs[0]?.metrics ?? {})[0];
  let best: RunRow['best'];
  for (const e of epochs) {
    const value = metric !== undefined && e.valMetrics?.[metric] !== undefined ? e.valMetrics[metric] : e.valLoss;
    const name = metric !== undefined && e.valMetrics?.[metric] !== undefined ? `val_${metric}` : 'val_loss';
    if (value === undefined) continue;
    const better = !best || (higherIsBetter(name) ? value > best.value : value < best.value);
    if (better) best = { metric: name, value, epoch: e.epoch };
  }
  const evaluated = events.find((e): e is Extract<RunEvent, { type: 'evaluated' }> => e.type === 'evaluated');
  const batches = events.filter((e): e is Extract<RunEvent, { type: 'batch' }> => e.type === 'batch');
  const seconds =
    end?.type === 'finished'
      ? end.seconds
      : epochs.length > 0 || batches.length > 0
        ? Math.max(
            epochs.reduce((s, e) => s + e.seconds, 0),
            batches.at(-1)?.time ?? 0,
          )
        : undefined;
  return {
    runDir,
    name,
    model: spec?.modelName ?? started?.model ?? basename(join(runDir, '..')),
    status,
    engine: started?.engine,
    backend: started?.backend,
    device: started?.device,
    epochs: epochs.at(-1)?.epoch ?? 0,
    plannedEpochs: started?.epochs ?? spec?.fit.epochs,
    best,
    test: evaluated ? { loss: evaluated.loss, metrics: evaluated.metrics } : undefined,
    seconds,
    started: started?.time,
    hyperparameters: spec ? runHyperparameters(spec) : {},
  };
}

/** Run folders (holding an events.jsonl) at or below `dir`, three levels deep at most
 *  (runs/ → <model>/ → <time>/, or <model>/tune-…/<trial>/). */
export function findRunFolders(dir: string, depth = 3): string[] {
  if (existsSync(join(dir, 'events.jsonl'))) return [dir];
  if (depth === 0) return [];
  let entries: string[];
  try {
    entries = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith(LR_FIND_FOLDER_PREFIX))
      .map((e) => e.name);
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .flatMap((name) => findRunFolders(join(dir, name), depth - 1));
}

/** Every run below `dir`, oldest first, named relative to `dir`. */
export function runRows(dir: string, now = Date.now()): RunRow[] {
  return findRunFolders(dir).map((runDir) => runRow(runDir, relative(dir, runDir) || basename(runDir), now));
}

/** The hyperparameters whose values are not the same in every row (absent counts as a value), in first-seen order. */
export function differingHyperparameters(rows: RunRow[]): string[] {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.hyperparameters)) if (!keys.includes(k)) keys.push(k);
  return keys.filter((k) => new Set(rows.map((r) => formatHyperparameter(r.hyperparameters[k]))).size > 1);
}

export function formatHyperparameter(v: HyperparameterValue | undefined): string {
  return v === undefined ? '' : String(v);
}

/** `units=64, learning_rate=0.01`: a run's values of the differing hyperparameters, for legends. */
export function hyperparameterLabel(row: RunRow, keys: string[]): string {
  return keys.map((k) => `${k}=${formatHyperparameter(row.hyperparameters[k]) || '—'}`).join(', ');
}
