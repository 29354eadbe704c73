// Everything the tune view knows about a search, folded from its events: the tune session's
// (tune_started, trial_started, trial_finished, tune_finished) and each trial's run events
// (only `epoch` is kept: the objective per epoch, for the curves). No DOM: the views read this.

import { better, objectiveValue } from '../../../training/tune/objective';
import type { RunEvent, TrialRunEvent, TuneEvent } from './messages';

export type TuneStarted = Extract<TuneEvent, { type: 'tune_started' }>;
export type TuneFinished = Extract<TuneEvent, { type: 'tune_finished' }>;
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';
export type HyperValue = number | string | boolean;

export interface TuneTrial {
  number: number;
  state: TrialState;
  hyperparameters: Record<string, HyperValue>;
  objective?: number;
  epochs: number;
  seconds: number;
  runDir?: string;
  message?: string;
  /** The objective after each epoch of the first execution (null where it was not logged). */
  curve: (number | null)[];
}

export interface TuneModel {
  started?: TuneStarted;
  finished?: TuneFinished;
  trials: Map<number, TuneTrial>;
}

export function emptyTune(): TuneModel {
  return { trials: new Map() };
}

function trial(model: TuneModel, number: number): TuneTrial {
  let t = model.trials.get(number);
  if (!t) {
    t = { number, state: 'running', hyperparameters: {}, epochs: 0, seconds: 0, curve: [] };
    model.trials.set(number, t);
  }
  return t;
}

export function applyTuneEvent(model: TuneModel, e: TuneEvent | TrialRunEvent): void {
  if ('trial' in e && 'execution' in e && typeof e.execution === 'number') {
    const run = e as RunEvent & { trial: number; execution: number };
    if (run.type !== 'epoch' || run.execution !== 1 || !model.started) return;
    const v = objectiveValue(model.started.objective, run);
    const t = trial(model, run.trial);
    t.curve[run.epoch - 1] = v === undefined || !Number.isFinite(v) ? null : v;
    return;
  }
  const te = e as TuneEvent;
  switch (te.type) {
    case 'tune_started':
      model.started = te;
      model.finished = undefined;
      break;
    case 'trial_started': {
      const t = trial(model, te.trial);
      t.state = 'running';
      t.hyperparameters = te.hyperparameters;
      if (te.runDir) t.runDir = te.runDir;
      break;
    }
    case 'trial_finished': {
      const t = trial(model, te.trial);
      t.state = te.state;
      t.hyperparameters = te.hyperparameters;
      t.objective = te.objective;
      t.epochs = te.epochs;
      t.seconds = te.seconds;
      if (te.runDir) t.runDir = te.runDir;
      t.message = te.message;
      break;
    }
    case 'tune_finished':
      model.finished = te;
      break;
  }
}

export function tuneFromEvents(events: readonly (TuneEvent | TrialRunEvent)[]): TuneModel {
  const model = emptyTune();
  for (const e of events) applyTuneEvent(model, e);
  return model;
}

export function direction(model: TuneModel): 'minimize' | 'maximize' {
  return model.started?.direction ?? 'minimize';
}

/** Trials in number order. */
export function trialList(model: TuneModel): TuneTrial[] {
  return [...model.trials.values()].sort((a, b) => a.number - b.number);
}

/** The best complete trial (KerasTuner's best: complete ones only). */
export function bestOf(model: TuneModel): TuneTrial | undefined {
  const dir = direction(model);
  let best: TuneTrial | undefined;
  for (const t of trialList(model)) {
    if (t.state !== 'complete' || t.objective === undefined || !Number.isFinite(t.objective)) continue;
    if (!best || better(best.objective, t.objective, dir) !== best.objective) best = t;
  }
  return best;
}

/** The best objective among the trials up to each one (complete trials count), in number order. */
export function bestSoFar(model: TuneModel): (number | null)[] {
  const dir = direction(model);
  let best: number | undefined;
  return trialList(model).map((t) => {
    if (t.state === 'complete' && t.objective !== undefined && Number.isFinite(t.objective))
      best = better(best, t.objective, dir);
    return best ?? null;
  });
}

/** The hyperparameter names in trials.csv's order (tune_started's list, else first seen). */
export function hyperparameterNames(model: TuneModel): string[] {
  if (model.started) return model.started.hyperparameters;
  const names: string[] = [];
  for (const t of trialList(model))
    for (const k of Object.keys(t.hyperparameters)) if (!names.includes(k)) names.push(k);
  return names;
}
