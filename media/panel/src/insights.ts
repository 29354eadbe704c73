// What the panel points out on the charts: overfitting and learning-rate changes.

import type { RunTraits } from './messages';
import type { RunModel } from './runModel';

export interface Overfitting {
  /** The first epoch whose validation loss rose (marked on the loss chart). */
  sinceEpoch: number;
  /** The epoch at which the pattern had lasted `consecutive` epochs. */
  detectedAt: number;
}

/**
 * Overfitting: validation loss rising for `consecutive` epochs in a row while training loss falls.
 * Reports the first such stretch.
 */
export function detectOverfitting(run: RunModel, consecutive = 2): Overfitting | undefined {
  const epochs = run.epochs;
  let streak = 0;
  for (let i = 1; i < epochs.length; i++) {
    const prev = epochs[i - 1];
    const cur = epochs[i];
    const valRose = prev.valLoss !== undefined && cur.valLoss !== undefined && cur.valLoss > prev.valLoss;
    const trainFell = cur.loss < prev.loss;
    streak = valRose && trainFell ? streak + 1 : 0;
    if (streak === consecutive) {
      return { sinceEpoch: epochs[i - consecutive + 1].epoch, detectedAt: cur.epoch };
    }
  }
  return undefined;
}

/**
 * What to try against overfitting, leaving out what the file already does (`traits`; unknown:
 * every remedy, as the saved report of an older run has no spec to read).
 */
export function overfittingAdvice(traits: RunTraits | undefined): string {
  const remedies: string[] = [];
  if (!traits?.earlyStopping)
    remedies.push('EarlyStopping(monitor="val_loss", restore_best_weights=True) in fit\'s callbacks');
  if (!traits?.dropout) remedies.push('Dropout layers');
  if (!traits || (traits.images && !traits.augmentation)) remedies.push('data augmentation');
  if (traits && !traits.regularizer) remedies.push('a kernel_regularizer such as L2(0.001)');
  if (traits?.dropout) remedies.push('a higher Dropout rate');
  if (!remedies.length || (traits?.earlyStopping && traits.dropout))
    remedies.push('more training data or a smaller model');
  const already = traits
    ? [
        traits.earlyStopping && 'EarlyStopping',
        traits.dropout && 'Dropout',
        traits.augmentation && 'augmentation',
        traits.regularizer && 'a regularizer',
      ].filter(Boolean)
    : [];
  const list = (items: readonly unknown[], last: string) =>
    items.length > 1 ? `${items.slice(0, -1).join(', ')} ${last} ${String(items.at(-1))}` : String(items[0]);
  const has = already.length ? `The file already has ${list(already, 'and')}; consider ` : 'Consider ';
  return `${has}${list(remedies, 'or')}.`;
}

export interface LearningRateChange {
  /** The first epoch trained with the new rate; the chart marks its start (x = epoch - 1). */
  epoch: number;
  from: number;
  to: number;
}

export function learningRateChanges(run: RunModel): LearningRateChange[] {
  const changes: LearningRateChange[] = [];
  for (let i = 1; i < run.epochs.length; i++) {
    const from = run.epochs[i - 1].learningRate;
    const to = run.epochs[i].learningRate;
    // Relative test: float32 rates round-trip with tiny differences.
    if (Math.abs(to - from) > 1e-9 * Math.max(Math.abs(from), Math.abs(to))) {
      changes.push({ epoch: run.epochs[i].epoch, from, to });
    }
  }
  return changes;
}

/** 0.001 → "1e-3", 0.05 → "0.05": short enough for a chart label. */
export function formatRate(lr: number): string {
  if (lr === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(lr)));
  if (exp >= -2) return String(Number(lr.toPrecision(3)));
  const mantissa = Number((lr / Math.pow(10, exp)).toPrecision(3));
  return `${mantissa}e${exp}`;
}
