// Which label values a loss can take, given the model's output: one set of rules and messages for
// the checker (labels of small files, scanned while typing) and data preparation (every label,
// before either engine starts), so both say the same thing.
//
// Numeric class labels are whole numbers from 0 up; their distinct values, sorted, are the classes
// (see training/data/labels.ts), so a model needs at least as many outputs as there are values.

import type { LabelKind } from '../catalog/types';

export interface LabelTarget {
  /** The loss's canonical name, e.g. 'sparse_categorical_crossentropy'. */
  loss: string;
  /** What the loss expects (the catalog's losses table). */
  labels: LabelKind;
  /** Values per sample the model outputs (the output shape's last axis). */
  units: number;
  /** The layer that sets the output width, e.g. 'Dense', for "use Dense(15)". */
  layer: string;
}

/** The range a 'binary' loss takes: hinge losses take -1/1, the others 0/1. */
export function binaryLabelBounds(loss: string): [number, number] {
  return loss === 'hinge' || loss === 'squared_hinge' ? [-1, 1] : [0, 1];
}

/** Whether the loss reads labels as classes (one per sample). */
export function isClassLoss(labels: LabelKind): boolean {
  return labels === 'one-hot' || labels === 'integer';
}

/** A label that is NaN or infinite. `at` is "row 37 of data/x.csv" or "index 5 of y.npy". */
export function nonFiniteLabelMessage(value: number, at: string): string {
  return `label ${value} at ${at} is not a number; fill it in or drop the sample`;
}

export function negativeLabelMessage(t: LabelTarget, value: number, at: string): string {
  return `${t.loss} takes class labels 0 and up; found ${value} at ${at}: fix the labels (for regression targets use a loss like 'mse')`;
}

export function nonWholeLabelMessage(t: LabelTarget, value: number, at: string): string {
  return `${t.loss} takes whole-number class labels; found ${value} at ${at}: for regression use a loss like 'mse', or give class labels`;
}

/**
 * More distinct class labels than the model has outputs. `value` is the first label beyond the
 * outputs (the (units+1)-th distinct value), `count` how many distinct values there are.
 */
export function tooManyClassesMessage(t: LabelTarget, count: number, value: string, at: string, more = false): string {
  const n = more ? `over ${count}` : String(count);
  const fix = more ? 'fix the labels' : `use ${t.layer}(${count}) or fix the labels`;
  return (
    `${t.layer}(${t.units}) with ${t.loss} takes at most ${t.units} different labels (one output per class), ` +
    `but the labels have ${n}; found ${value} at ${at}: ${fix}`
  );
}

export function binaryRangeMessage(t: LabelTarget, value: number, at: string): string {
  const [lo, hi] = binaryLabelBounds(t.loss);
  return (
    `${t.loss} takes labels from ${lo} to ${hi}; found ${value} at ${at}: ` +
    `fix the labels, or for more than two classes use 'sparse_categorical_crossentropy' with ${t.layer}(N, activation='softmax')`
  );
}

/** Named classes (CSV strings, image folders) for a binary loss: only two can be 0 and 1. */
export function binaryClassesMessage(t: LabelTarget, count: number, value: string, at: string): string {
  return (
    `${t.loss} takes two classes, but the labels have ${count}; found ${value} (the third) at ${at}: ` +
    `for ${count} classes use 'sparse_categorical_crossentropy' with ${t.layer}(${count}, activation='softmax')`
  );
}

/** One-hot label rows wider than the model's output. */
export function oneHotWidthMessage(t: LabelTarget, width: number, source: string): string {
  return `the labels of ${source} have ${width} values each (one-hot), but ${t.layer}(${t.units}) outputs ${t.units}; use ${t.layer}(${width}) or fix the labels`;
}

/** Distinct numeric labels of a file, ascending, each with where it first appears. */
export interface LabelValues {
  distinct: { value: number; at: string }[];
  /** The file has more distinct values than listed. */
  more: boolean;
  /** The first NaN or infinite label, if any. */
  nonFinite?: { value: number; at: string };
}

/** Scans numeric labels: `at(i)` says where label i is ("row 3 of x.csv"). Keeps the `limit` smallest distinct values. */
export function labelValuesOf(values: ArrayLike<number>, at: (i: number) => string, limit = 1000): LabelValues {
  const first = new Map<number, number>();
  let nonFinite: LabelValues['nonFinite'];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      nonFinite ??= { value: v, at: at(i) };
      continue;
    }
    if (!first.has(v)) first.set(v, i);
  }
  const sorted = [...first.keys()].sort((a, b) => a - b);
  return {
    distinct: sorted.slice(0, limit).map((value) => ({ value, at: at(first.get(value)!) })),
    more: sorted.length > limit,
    ...(nonFinite && { nonFinite }),
  };
}

/** The first problem of numeric labels (scanned with labelValuesOf) for the target, as a message; undefined when they fit. */
export function labelValuesProblem(t: LabelTarget, labels: LabelValues): string | undefined {
  if (labels.nonFinite) return nonFiniteLabelMessage(labels.nonFinite.value, labels.nonFinite.at);
  if (isClassLoss(t.labels)) {
    const negative = labels.distinct.find((d) => d.value < 0);
    if (negative) return negativeLabelMessage(t, negative.value, negative.at);
    const fractional = labels.distinct.find((d) => !Number.isInteger(d.value));
    if (fractional) return nonWholeLabelMessage(t, fractional.value, fractional.at);
    if (labels.distinct.length > t.units) {
      const beyond = labels.distinct[t.units];
      return tooManyClassesMessage(t, labels.distinct.length, String(beyond.value), beyond.at, labels.more);
    }
  }
  if (t.labels === 'binary') {
    const [lo, hi] = binaryLabelBounds(t.loss);
    const outside = labels.distinct.find((d) => d.value < lo || d.value > hi);
    if (outside) return binaryRangeMessage(t, outside.value, outside.at);
  }
  return undefined;
}

/** A multi-label (label=[…] with binary_crossentropy) value that is not 0 or 1: `at` is "data/x.csv:7". */
export function multiLabelValueMessage(column: string, value: string, at: string): string {
  return `${at}: label column '${column}' has '${value}'; multi-label columns hold 0 or 1 (one column per label): fix the value, leave the column out of label=[…], or for real-valued targets use a loss like 'mse'`;
}
