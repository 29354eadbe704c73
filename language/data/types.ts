// Data sources as the language sees them: a source reference from the `data` block and what a
// cheap probe learned about it. Shared by the checker (language core) and training, so it lives
// here, with no dependency on training.

import { getDataset } from '../catalog';
import { CIFAR100_COARSE } from '../catalog/tables/datasets';
import type { ArgValue } from '../catalog/types';
import type { LabelValues } from './label-rules';

export type SourceName =
  | 'digits'
  | 'mnist'
  | 'fashion_mnist'
  | 'cifar10'
  | 'cifar100'
  | 'imdb'
  | 'reuters'
  | 'boston_housing'
  | 'california_housing'
  | 'idx'
  | 'csv'
  | 'images'
  | 'npy';

/** A source in the data block. Args are bound by name; paths are as written (relative to the .model file). */
export interface SourceRef {
  name: SourceName;
  args: Record<string, ArgValue>;
}

/** 'data-slow': the read did not finish within the editor's time budget (see lsp/probe-budget.ts). */
export type SourceErrorCode = 'data-missing' | 'data-column' | 'data-format' | 'data-slow';

/** What a probe learned about a source from headers and listings only. */
export type SourceInfo =
  | {
      ok: true;
      /** One sample's shape, e.g. [28, 28, 1] or [13] for 13 CSV feature columns. */
      sampleShape: number[];
      /** Class names in index order, when known without reading the data in full. */
      classes?: string[];
      classCount?: number;
      /** CSV only: every column of the header, label included. */
      columns?: string[];
      /** csv(label=[…]): the 0/1 label columns of multi-label targets, in target order. */
      labelColumns?: string[];
      /** csv(label=[…]) of a small file: the first label value that is not 0 or 1 (not multi-hot). */
      labelOutlier?: { column: string; value: string; at: string };
      /** csv(text=…): the token ids the source gives are below this (max_tokens, else a small file's vocabulary size). */
      vocabularySize?: number;
      /** npy: one target's shape (y's shape without the first axis), e.g. [] or [3] or [28, 28, 1]. */
      targetShape?: number[];
      /** Numeric labels of a file small enough to scan (label-rules.ts), for the label-range check. */
      labelValues?: LabelValues;
      /** Number of samples, when known cheaply. */
      samples?: number;
      /** One line for hover: "MNIST digits shipped with ModelSpec: 8,000 train images, 28×28 grayscale, 10 classes". */
      description: string;
    }
  | {
      ok: false;
      code: SourceErrorCode;
      message: string;
      /** Which argument is at fault, so the squiggle goes on it. */
      argName?: string;
    };

/** A built-in dataset: known shapes and classes, answered without I/O (from the catalog). */
export interface BuiltinDataset {
  name:
    | 'digits'
    | 'mnist'
    | 'fashion_mnist'
    | 'cifar10'
    | 'cifar100'
    | 'imdb'
    | 'reuters'
    | 'boston_housing'
    | 'california_housing';
  title: string;
  /** Absent when it depends on the arguments (imdb, reuters: the sequence length). */
  sampleShape?: number[];
  /** Empty for the regression sets (boston_housing, california_housing). */
  classes: string[];
  samples: { train: number; test: number };
}

function builtin(name: BuiltinDataset['name']): BuiltinDataset {
  const spec = getDataset(name);
  if (!spec?.samples) throw new Error(`the catalog lacks the built-in dataset ${name}`);
  return {
    name,
    title: spec.title ?? name,
    sampleShape: spec.sampleShape && [...spec.sampleShape],
    classes: [...(spec.classNames ?? [])],
    samples: spec.samples,
  };
}

export const BUILTIN_DATASETS: Readonly<Record<BuiltinDataset['name'], BuiltinDataset>> = {
  digits: builtin('digits'),
  mnist: builtin('mnist'),
  fashion_mnist: builtin('fashion_mnist'),
  cifar10: builtin('cifar10'),
  cifar100: builtin('cifar100'),
  imdb: builtin('imdb'),
  reuters: builtin('reuters'),
  boston_housing: builtin('boston_housing'),
  california_housing: builtin('california_housing'),
};

/** A built-in source's class names as its arguments make them (cifar100's label_mode='coarse': the 20 superclasses). */
export function builtinClasses(ref: SourceRef): string[] {
  if (ref.name === 'cifar100' && ref.args.label_mode === 'coarse') return [...CIFAR100_COARSE];
  return BUILTIN_DATASETS[ref.name as BuiltinDataset['name']].classes;
}

export function isBuiltinSource(name: SourceName): name is BuiltinDataset['name'] {
  return Object.hasOwn(BUILTIN_DATASETS, name);
}
