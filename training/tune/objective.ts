// A trial's objective, read from its runs' epoch events the way Keras logs them: 'loss',
// '<metric>', 'val_loss', 'val_<metric>'. KerasTuner judges a run by its best epoch; a trial by
// the mean over its executions.

import type { RunEvent } from '../protocol';
import type { Direction } from './types';

type EpochEvent = Extract<RunEvent, { type: 'epoch' }>;

/**
 * The objective's value after this epoch: NaN when the run logged it as null (the engines write
 * NaN so: the training diverged), undefined when the run does not log it at all.
 */
export function objectiveValue(objective: string, e: EpochEvent): number | undefined {
  const v = objective.startsWith('val_')
    ? objective === 'val_loss'
      ? e.valLoss
      : e.valMetrics?.[objective.slice(4)]
    : objective === 'loss'
      ? e.loss
      : e.metrics[objective];
  if (v === null) return Number.NaN;
  if (v === undefined && objective.startsWith('val_') && e.valLoss === null) return Number.NaN;
  return v;
}

/** What an epoch event logs, in Keras's names: for a message that names the objective. */
export function loggedNames(e: EpochEvent): string[] {
  return [
    'loss',
    ...Object.keys(e.metrics),
    ...(e.valLoss !== undefined ? ['val_loss'] : []),
    ...Object.keys(e.valMetrics ?? {}).map((k) => `val_${k}`),
  ];
}

/** The better of two values (NaN is never better). */
export function better(a: number | undefined, b: number, direction: Direction): number {
  if (a === undefined || Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return direction === 'minimize' ? Math.min(a, b) : Math.max(a, b);
}
