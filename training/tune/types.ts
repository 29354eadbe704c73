// The tune runner's view of a search: the space (one parameter per search space in the file,
// named as the file names it), the tune block's settings, and the trials. The language core
// (language/analysis/search-space.ts) finds the spaces and the tune block; cli/tune.ts turns its
// plan into these plain types, so the runner, the samplers and their tests need nothing else.

import type { TrainingPlan } from '../../language/analysis/plan';

export type HyperValue = number | string | boolean;
/** One point of the space: each parameter's name → its value for this trial. */
export type Assignment = Record<string, HyperValue>;

/** KerasTuner's samplings between an Int's or a Float's bounds (reverse_log: dense near the top). */
export type Sampling = 'linear' | 'log' | 'reverse_log';

/**
 * KerasTuner's spaces: Choice, Int, Float, Boolean. A log Int/Float with a step (KerasTuner's
 * factor: min, min·step, min·step², …) reaches the runner as the Choice of those values
 * (space.ts, searchParams).
 */
export type SearchParam =
  | { name: string; kind: 'choice'; values: HyperValue[] }
  | { name: string; kind: 'int'; min: number; max: number; step?: number; sampling: Sampling }
  | { name: string; kind: 'float'; min: number; max: number; step?: number; sampling: Sampling }
  | { name: string; kind: 'boolean' };

export type Algorithm = 'random' | 'grid' | 'bayesian' | 'hyperband';
export type Direction = 'minimize' | 'maximize';

/** The tune block, every setting explicit. */
export interface TuneSettings {
  /** The metric a trial is judged by, as Keras logs it: 'val_loss', 'val_accuracy', 'loss'. */
  objective: string;
  direction: Direction;
  maxTrials: number;
  algorithm: Algorithm;
  /** Runs per trial; the trial's objective is their mean (KerasTuner's executions_per_trial). */
  executionsPerTrial: number;
  /** Stop unpromising trials early: the median rule ('hyperband': Optuna's HyperbandPruner). */
  pruning: boolean;
  /** Trials at once. */
  parallel: number;
  /** Seeds the sampler; undefined: a different search each time. */
  seed?: number;
}

export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

/** A trial as trials.csv and the table show it. */
export interface TrialRecord {
  number: number;
  state: TrialState;
  hyperparameters: Assignment;
  /** The trial's objective: the mean over its executions of each run's best epoch value (for a
   *  pruned trial, of what it reached); undefined when none was measured. */
  objective?: number;
  /** Epochs trained (all executions together). */
  epochs: number;
  seconds: number;
  /** The first execution's run folder. */
  runDir?: string;
  /** Why a trial failed. */
  message?: string;
}

/** A trial's plan from its assignment: the file analyzed with these values, then planned. */
export type PlanTrial = (assignment: Assignment) => { plan?: TrainingPlan; blocker?: string };
