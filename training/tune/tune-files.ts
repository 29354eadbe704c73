// The files of a tune folder (runs/<model>/tune-<time>/), beside one run folder per trial:
//   tune.jsonl   the tune's events (TuneEvent in protocol.ts), one line each, appended
//   trials.csv   one row per trial: number, state, a column per hyperparameter (named as in the
//                file), objective, epochs, seconds; rewritten atomically after every trial
//   best.json    {objective, metric, direction, trial, hyperparameters, run}: the best complete
//                trial so far; rewritten atomically after every trial
//   study.db     the Optuna study (SQLite), or study.json, the TypeScript sampler's
// Formats documented in ARCHITECTURE.md: the VS Code tune view reads them.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCapped } from '../../language/data/read-file';
import { appendLine, writeFileAtomic } from '../files';
import type { TuneEvent } from '../protocol';
import type { Direction, HyperValue, TrialRecord } from './types';

export const TUNE_EVENTS = 'tune.jsonl';
export const TRIALS_CSV = 'trials.csv';
export const BEST_JSON = 'best.json';
const TUNE_EVENTS_MAX_BYTES = 64 << 20;

export function appendTuneEvent(tuneDir: string, event: TuneEvent): void {
  appendLine(join(tuneDir, TUNE_EVENTS), JSON.stringify(event));
}

/** The tune's events so far; a line cut short by a kill is skipped. */
export function readTuneEvents(tuneDir: string): TuneEvent[] {
  const file = join(tuneDir, TUNE_EVENTS);
  if (!existsSync(file)) return [];
  const text = Buffer.from(readCapped(file, TUNE_EVENTS_MAX_BYTES, 'a tune log')).toString('utf8');
  const out: TuneEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const e = JSON.parse(line) as TuneEvent;
      if (typeof e.type === 'string') out.push(e);
    } catch {
      // a torn last line
    }
  }
  return out;
}

/** The trials a tune folder records as finished (for a resumed search), by number. */
export function finishedTrials(events: readonly TuneEvent[]): TrialRecord[] {
  const out = new Map<number, TrialRecord>();
  for (const e of events) {
    if (e.type !== 'trial_finished') continue;
    out.set(e.trial, {
      number: e.trial,
      state: e.state,
      hyperparameters: e.hyperparameters,
      objective: e.objective,
      epochs: e.epochs,
      seconds: e.seconds,
      runDir: e.runDir,
      message: e.message,
    });
  }
  return [...out.values()].sort((a, b) => a.number - b.number);
}

/** The best complete trial: lowest (minimize) or highest (maximize) objective; ties go to the earlier trial. */
export function bestTrial(trials: readonly TrialRecord[], direction: Direction): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  for (const t of trials) {
    if (t.state !== 'complete' || t.objective === undefined || !Number.isFinite(t.objective)) continue;
    if (!best || (direction === 'minimize' ? t.objective < best.objective! : t.objective > best.objective!)) best = t;
  }
  return best;
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvValue(v: HyperValue | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

export function trialsCsv(trials: readonly TrialRecord[], names: readonly string[]): string {
  const header = ['number', 'state', ...names, 'objective', 'epochs', 'seconds'];
  const rows = [...trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => [
      String(t.number),
      t.state,
      ...names.map((n) => csvValue(t.hyperparameters[n])),
      t.objective === undefined ? '' : String(t.objective),
      String(t.epochs),
      t.seconds.toFixed(1),
    ]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

export interface BestJson {
  objective: number;
  /** The metric, as the tune block names it ('val_loss'). */
  metric: string;
  direction: Direction;
  trial: number;
  hyperparameters: Record<string, HyperValue>;
  /** The trial's (first execution's) run folder. */
  run: string;
}

/** trials.csv and best.json, each written whole (best.json only once a trial has completed). */
export function writeTrialFiles(
  tuneDir: string,
  trials: readonly TrialRecord[],
  names: readonly string[],
  objective: string,
  direction: Direction,
): void {
  writeFileAtomic(join(tuneDir, TRIALS_CSV), trialsCsv(trials, names));
  const best = bestTrial(trials, direction);
  if (best?.objective === undefined || !best.runDir) return;
  const json: BestJson = {
    objective: best.objective,
    metric: objective,
    direction,
    trial: best.number,
    hyperparameters: best.hyperparameters,
    run: best.runDir,
  };
  writeFileAtomic(join(tuneDir, BEST_JSON), JSON.stringify(json, null, 2) + '\n');
}
