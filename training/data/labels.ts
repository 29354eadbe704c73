// Turns a source's labels into what the engines read: int32 class indices for classification
// (engines one-hot them when the loss wants one-hot), float32 targets for regression.

import { DataError } from '../../language/data/errors';
import {
  binaryClassesMessage,
  isClassLoss,
  labelValuesOf,
  labelValuesProblem,
  nonFiniteLabelMessage,
  oneHotWidthMessage,
  tooManyClassesMessage,
  type LabelTarget,
} from '../../language/data/label-rules';
import type { LoadedSplit } from './types';

/** Integer labels with at most this many distinct values can be classes. */
export const MAX_NUMERIC_CLASSES = 50;

export type EncodedLabels =
  | { dtype: 'int32'; data: Int32Array; shape: number[]; classes: string[] }
  | { dtype: 'float32'; data: Float32Array; shape: number[]; classes?: string[] };

/**
 * @param knownClasses the training split's classes, so test/validation labels map to the same indices
 */
export function encodeLabels(
  y: LoadedSplit['y'],
  count: number,
  encoding: 'onehot' | 'index' | 'raw',
  source: string,
  knownClasses?: string[],
): EncodedLabels {
  if (encoding === 'raw') {
    if (y.kind === 'numbers')
      return { dtype: 'float32', data: y.values, shape: [count, ...(y.shape.length ? y.shape : [1])] };
    // Named classes as numeric targets (binary_crossentropy on 'yes'/'no'): their indices.
    const { indices, classes } = remap(y.indices, y.classes, knownClasses, source);
    return { dtype: 'float32', data: Float32Array.from(indices), shape: [count, 1], classes };
  }
  if (y.kind === 'classes') {
    const { indices, classes } = remap(y.indices, y.classes, knownClasses, source);
    return { dtype: 'int32', data: indices, shape: [count], classes };
  }
  return numbersAsClasses(y.values, y.shape, count, source, knownClasses);
}

function remap(indices: Int32Array, classes: string[], knownClasses: string[] | undefined, source: string) {
  if (!knownClasses || sameList(classes, knownClasses)) return { indices, classes };
  const position = new Map(knownClasses.map((c, i) => [c, i]));
  const table = classes.map((c) => {
    const i = position.get(c);
    if (i === undefined) {
      throw new DataError(
        'data-format',
        `${source} has class '${c}', which the training data does not have (it has ${knownClasses.join(', ')})`,
      );
    }
    return i;
  });
  return { indices: indices.map((i) => table[i]), classes: knownClasses };
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Numeric labels for a classification loss: a one-hot matrix (argmax) or integer class numbers. */
function numbersAsClasses(
  values: Float32Array,
  shape: number[],
  count: number,
  source: string,
  knownClasses?: string[],
): EncodedLabels {
  const width = shape.reduce((a, b) => a * b, 1);
  if (width > 1) {
    // One-hot (or probability) rows: the class is the largest entry.
    const indices = new Int32Array(count);
    for (let n = 0; n < count; n++) {
      let best = 0;
      for (let k = 1; k < width; k++) if (values[n * width + k] > values[n * width + best]) best = k;
      indices[n] = best;
    }
    const classes = knownClasses ?? Array.from({ length: width }, (_, k) => String(k));
    return { dtype: 'int32', data: indices, shape: [count], classes };
  }
  const distinct = new Set<number>();
  for (const v of values) {
    if (!Number.isInteger(v)) {
      throw new DataError(
        'data-format',
        `${source} has label ${v}, not a whole number, but the loss is a classification loss; ` +
          `for regression use a loss like 'mse', or give class labels`,
      );
    }
    distinct.add(v);
  }
  if (!knownClasses && distinct.size > MAX_NUMERIC_CLASSES) {
    throw new DataError(
      'data-format',
      `${source} has ${distinct.size} different label values, too many for classes (at most ${MAX_NUMERIC_CLASSES}); ` +
        `for regression use a loss like 'mse'`,
    );
  }
  const classes = knownClasses ?? [...distinct].sort((a, b) => a - b).map(String);
  const position = new Map(classes.map((c, i) => [c, i]));
  const indices = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const i = position.get(String(values[n]));
    if (i === undefined) {
      throw new DataError(
        'data-format',
        `${source} has label ${values[n]}, which the training data does not have (it has ${classes.join(', ')})`,
      );
    }
    indices[n] = i;
  }
  return { dtype: 'int32', data: indices, shape: [count], classes };
}

/**
 * Rejects labels the loss cannot take with the model's output (label-rules.ts): NaN, negative or
 * fractional class numbers, more classes than outputs, binary labels outside 0..1. Runs on every
 * label before training, so neither engine sees them. `at(n)` says where label n is.
 */
export function checkLabels(
  y: LoadedSplit['y'],
  count: number,
  target: LabelTarget,
  at: (n: number) => string,
  file: string,
): void {
  if (y.kind === 'classes') {
    if (isClassLoss(target.labels) && y.classes.length > target.units) {
      const n = y.indices.findIndex((i) => i >= target.units);
      if (n >= 0)
        throw new DataError(
          'data-format',
          tooManyClassesMessage(target, y.classes.length, `'${y.classes[y.indices[n]]}'`, at(n)),
        );
    }
    if (target.labels === 'binary' && y.classes.length > 2) {
      // Class indices become the 0/1 targets: a third class would be the target 2.
      const n = y.indices.findIndex((i) => i >= 2);
      if (n >= 0)
        throw new DataError(
          'data-format',
          binaryClassesMessage(target, y.classes.length, `'${y.classes[y.indices[n]]}'`, at(n)),
        );
    }
    return;
  }
  const width = y.shape.reduce((a, b) => a * b, 1);
  if ((width > 1 && target.labels !== 'binary') || target.labels === 'regression') {
    // Vectors (one-hot rows, regression targets): only their values' finiteness is checked here.
    const bad = y.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new DataError('data-format', nonFiniteLabelMessage(y.values[bad], at(Math.floor(bad / width))));
    if (width > 1 && isClassLoss(target.labels) && width > target.units)
      throw new DataError('data-format', oneHotWidthMessage(target, width, file));
    return;
  }
  if (width > 1 && target.labels === 'binary') {
    // Multi-label rows: every entry is its own 0/1 label.
    const problem = labelValuesProblem(
      target,
      labelValuesOf(y.values, (i) => at(Math.floor(i / width)), Infinity),
    );
    if (problem) throw new DataError('data-format', problem);
    return;
  }
  const problem = labelValuesProblem(target, labelValuesOf(y.values.subarray(0, count), at, Infinity));
  if (problem) throw new DataError('data-format', problem);
}
