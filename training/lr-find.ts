// The learning-rate range test (Leslie Smith's "LR range test", as fastai's lr_find runs it):
// train from the model's initial weights while the learning rate grows exponentially, batch by
// batch, from `startLearningRate` to `endLearningRate`; follow an exponentially smoothed loss and
// stop once it diverges (more than `divergeFactor` times the best smoothed loss so far).
// This module is the rule for both engines: the TF.js engine imports it, and the PyTorch engine's
// python/modelspec_torch/lr_find.py mirrors it (test/training/lr-find.test.ts feeds both the same
// losses). It also reads a finished test's `lr_point` events and picks the suggestion.

import type { LrFindSettings, RunEvent } from './protocol';

/** Range tests' folders: runs/<model>/lr-find-<time>/. They are not runs: lists of runs leave them out. */
export const LR_FIND_FOLDER_PREFIX = 'lr-find-';

export type LrPoint = Extract<RunEvent, { type: 'lr_point' }>;

/** The defaults: fastai's range (1e-7 to 10), over a few hundred batches. */
export const DEFAULT_LR_FIND: LrFindSettings = {
  startLearningRate: 1e-7,
  endLearningRate: 10,
  steps: 200,
  smoothing: 0.98,
  divergeFactor: 4,
};

/** The learning rate of step `step` (0-based) of `steps`: exponential from start to end. */
export function learningRateAt(settings: LrFindSettings, step: number): number {
  const { startLearningRate: a, endLearningRate: b, steps } = settings;
  return steps <= 1 ? a : a * (b / a) ** (step / (steps - 1));
}

/** The smoothed loss and the stop rule, fed one raw loss per batch. */
export class RangeTestTracker {
  private average = 0;
  private count = 0;
  /** The lowest smoothed loss so far. */
  best = Infinity;

  constructor(readonly settings: LrFindSettings) {}

  /** The bias-corrected exponential moving average after this batch's loss (as Adam corrects its moments). */
  add(loss: number): number {
    const beta = this.settings.smoothing;
    this.count++;
    this.average = beta * this.average + (1 - beta) * loss;
    const smoothed = this.average / (1 - beta ** this.count);
    if (smoothed < this.best) this.best = smoothed;
    return smoothed;
  }

  /** Why the test stops after this smoothed loss, or undefined to go on. */
  divergence(smoothed: number): string | undefined {
    if (!Number.isFinite(smoothed)) return 'the loss became NaN or infinite';
    if (smoothed > this.settings.divergeFactor * this.best)
      return `the smoothed loss ${fmt(smoothed)} passed ${this.settings.divergeFactor}× the best (${fmt(this.best)})`;
    return undefined;
  }
}

/** Which rule gave the suggested value. */
export type SuggestionRule = 'steepest' | 'minimum/10';

export interface LrSuggestion {
  /** The value to use: the steepest descent when it lies before the minimum, else minimum/10. */
  suggested: number;
  rule: SuggestionRule;
  /** The learning rate where the smoothed loss falls fastest (per decade of learning rate). */
  steepest?: number;
  /** The learning rate at the lowest smoothed loss, divided by 10. */
  minimumOver10: number;
  /** The learning rate at the lowest smoothed loss itself. */
  minimum: number;
}

export interface LrFindResult {
  points: LrPoint[];
  suggestion?: LrSuggestion;
  /** Why there is no suggestion (too few points, the loss never fell). */
  problem?: string;
}

/** Points at the ends that the steepest-descent rule ignores: the start is noise, the end divergence. */
const SKIP_START = 10;
const SKIP_END = 5;

/**
 * The suggestion from the smoothed losses. Steepest descent: the most negative slope of the
 * smoothed loss against log10(learning rate) (central differences), among the points before the
 * minimum; it is suggested because it is where training makes the fastest progress. Where no
 * such point exists (too few points, or the loss only rose), minimum/10.
 */
export function suggestLearningRate(points: readonly LrPoint[]): LrFindResult {
  const finite = points.filter((p) => Number.isFinite(p.smoothedLoss) && p.learningRate > 0);
  if (finite.length < 3) {
    return {
      points: [...points],
      problem: `the range test recorded ${finite.length} usable point${finite.length === 1 ? '' : 's'}; it needs at least 3 (more training data, or more steps)`,
    };
  }
  let lowest = 0;
  for (let i = 1; i < finite.length; i++) if (finite[i]!.smoothedLoss < finite[lowest]!.smoothedLoss) lowest = i;
  const minimum = finite[lowest]!.learningRate;
  const x = finite.map((p) => Math.log10(p.learningRate));
  const y = finite.map((p) => p.smoothedLoss);
  const from = Math.min(SKIP_START, Math.floor(finite.length / 4));
  const to = Math.min(lowest, finite.length - 1 - Math.min(SKIP_END, Math.floor(finite.length / 8)));
  let steepestIndex: number | undefined;
  let steepestSlope = 0;
  for (let i = Math.max(1, from); i <= to && i < finite.length - 1; i++) {
    const slope = (y[i + 1]! - y[i - 1]!) / (x[i + 1]! - x[i - 1]!);
    if (slope < steepestSlope) {
      steepestSlope = slope;
      steepestIndex = i;
    }
  }
  const steepest = steepestIndex === undefined ? undefined : finite[steepestIndex]!.learningRate;
  const minimumOver10 = minimum / 10;
  const suggestion: LrSuggestion =
    steepest !== undefined
      ? { suggested: steepest, rule: 'steepest', steepest, minimumOver10, minimum }
      : { suggested: minimumOver10, rule: 'minimum/10', minimumOver10, minimum };
  return { points: [...points], suggestion };
}

/** The `lr_point` events of a run's events, in order. */
export function lrPoints(events: readonly RunEvent[]): LrPoint[] {
  return events.filter((e): e is LrPoint => e.type === 'lr_point');
}

/** `1.2e-3`: a learning rate as people write it, 2 significant digits. */
export function formatLearningRate(lr: number): string {
  if (!Number.isFinite(lr) || lr <= 0) return String(lr);
  const exponent = Math.floor(Math.log10(lr));
  const mantissa = Number((lr / 10 ** exponent).toPrecision(2));
  // 9.96e-4 rounds to 10e-4: carry into the exponent.
  const [m, e] = mantissa >= 10 ? [mantissa / 10, exponent + 1] : [mantissa, exponent];
  if (e >= -2 && e <= 1) return String(Number((m * 10 ** e).toPrecision(2)));
  return `${m}e${e}`;
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
