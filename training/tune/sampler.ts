// What the tune session asks of a sampler: the ask-and-tell interface Optuna has (ask a trial's
// values, report each epoch's objective and hear whether to prune, tell how the trial ended).
// Two implementations: Optuna in a Python process (optuna-sampler.ts) and the TypeScript
// fallback (typescript-sampler.ts), which the tune falls back to where Optuna is absent.

import type { Algorithm, Assignment, Direction, SearchParam } from './types';

export interface SamplerInfo {
  kind: 'optuna' | 'typescript';
  /** For people: 'Optuna 3.1.0 (TPESampler, MedianPruner) in /usr/bin/python3'. */
  description: string;
  /** The sampler's name: TPESampler, RandomSampler, GridSampler, or the TypeScript 'random'/'grid'. */
  sampler: string;
  /** The pruner: MedianPruner, HyperbandPruner, the TypeScript 'median rule', or 'none'. */
  pruner: string;
  /** Why this one (and not Optuna, or not the algorithm asked for). */
  reason: string;
}

export interface AskedTrial {
  number: number;
  hyperparameters: Assignment;
}

export type FinalState = 'complete' | 'pruned' | 'failed';

export interface Sampler {
  readonly info: SamplerInfo;
  /** Trials the study already held when it was opened (a resumed search). */
  readonly previousTrials: number;
  /** The next trial's values; undefined when the space is used up (a finished grid). */
  ask(): Promise<AskedTrial | undefined>;
  /** The objective after `step` (1-based epochs, over the executions); true: prune the trial now. */
  report(trial: number, step: number, value: number): Promise<boolean>;
  tell(trial: number, state: FinalState, value?: number): Promise<void>;
  close(): Promise<void>;
}

/** What a sampler is opened with. */
export interface StudyConfig {
  /** The tune folder, where the study is kept (study.db for Optuna, study.json for TypeScript). */
  tuneDir: string;
  space: SearchParam[];
  algorithm: Algorithm;
  direction: Direction;
  pruning: boolean;
  seed?: number;
  /** Steps a trial reports (epochs × executions): Hyperband's largest budget. */
  steps: number;
  /** Trials the search runs in all: the median rule's startup count is taken from it. */
  maxTrials: number;
}

/**
 * Completed trials before the median rule prunes: Optuna's default of 5, fewer in a short search
 * so that its later trials can be pruned at all (a quarter of the trials, at least 1).
 */
export function startupTrials(maxTrials: number): number {
  return Math.max(1, Math.min(5, Math.floor(maxTrials / 4)));
}
