// The median stopping rule as Optuna's MedianPruner applies it (optuna/pruners/_percentile.py,
// percentile 50): after `startup` completed trials, a trial whose best value so far is worse than
// the median of the completed trials' values at the same step is pruned; a NaN value always is.

import type { Direction } from './types';

export interface MedianRuleTrial {
  state: 'running' | 'complete' | 'pruned' | 'failed';
  /** step → the objective reported after it. */
  intermediate: Record<string, number | null>;
}

export function shouldPrune(
  trial: MedianRuleTrial,
  step: number,
  trials: readonly MedianRuleTrial[],
  direction: Direction,
  startup: number,
): boolean {
  const completed = trials.filter((t) => t.state === 'complete');
  if (completed.length < startup) return false;
  const own = Object.values(trial.intermediate).map((v) => (v === null ? Number.NaN : v));
  if (own.length === 0) return false;
  if (own.some((v) => Number.isNaN(v))) return true;
  const best = direction === 'minimize' ? Math.min(...own) : Math.max(...own);
  const atStep = completed
    .map((t) => t.intermediate[String(step)])
    .filter((v): v is number => typeof v === 'number' && !Number.isNaN(v));
  if (atStep.length === 0) return false;
  const median = percentile(atStep, 50);
  return direction === 'minimize' ? best > median : best < median;
}

/** numpy's percentile with linear interpolation. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}
