// What a data-format module's loader is given and gives back. Shared by the training side's
// preparation (training/data/prepare.ts) and the format modules here; defined here because
// data/ may not import the training code.

import type { SourceRef } from '../language/data/types';

/** What the preparation needs to know besides the data block. */
export interface PrepareContext {
  /** The folder of the .model file: source paths are relative to it. */
  baseDir: string;
  cacheDir: string;
  labelEncoding: 'onehot' | 'index' | 'raw';
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /** The training source's validation_split: a text vocabulary is adapted on the rows before it. */
  validationSplit?: number;
  /** Validation and test sources: the training source's text vocabulary and sequence length. */
  text?: TextVocabulary;
}

/** csv(text=…): the vocabulary (index 0 padding, 1 '[UNK]') and the ids per text. */
export interface TextVocabulary {
  vocabulary: string[];
  sequenceLength: number;
}

/** Which split of a built-in dataset; other sources ignore it. */
export type SplitName = 'train' | 'test';

/** One source loaded in memory, before it is fitted to the model and written out. */
export interface LoadedSplit {
  x: {
    dtype: 'uint8' | 'float32';
    data: Uint8Array | Float32Array;
    /** One sample's shape as the source has it, e.g. [28, 28, 1] or [13]. */
    sampleShape: number[];
  };
  count: number;
  y:
    | { kind: 'classes'; indices: Int32Array; classes: string[] }
    /** Numeric labels: regression targets, or class numbers when the loss is a classification loss. */
    | { kind: 'numbers'; values: Float32Array; shape: number[] };
  isImage: boolean;
  /**
   * Where sample n is, for messages: "row 37 of data/x.csv" (the line an editor shows),
   * "index 5 of y.npy", an image's path. `part` says whether the input or the label is meant.
   */
  at?: (n: number, part: 'x' | 'y') => string;
  /** Multi-label targets: the label columns, in target order. */
  labelNames?: string[];
  /** csv(text=…): the vocabulary the ids index and their length per text. */
  text?: TextVocabulary;
}

/** A source kind: which files it reads (for the cache key) and how to load them. */
export interface SourceLoader {
  files(ref: SourceRef, split: SplitName, ctx: PrepareContext): Promise<string[]>;
  load(ref: SourceRef, split: SplitName, ctx: PrepareContext): Promise<LoadedSplit>;
}
