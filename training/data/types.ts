// Types of the data pipeline. Source references and probe results are shared with the language
// core, so they are defined there and re-exported here.

export type { SourceName, SourceRef, SourceInfo } from '../../language/data/types';
export type { ResolvedSource } from '../../language/analysis/plan';
import type { ResolvedSource } from '../../language/analysis/plan';
import type { AugmentArgs } from '../protocol';
export type { LoadedSplit, PrepareContext, SourceLoader, SplitName } from '../../data/types';

/** The data block, evaluated (the TrainingPlan's data, run-spec.ts `dataSettingsOf`): sources plus Keras-style options. */
export interface DataSettings {
  /** A built-in set's `split` is the plan's (its split=, else its slot's part); file sources have none. */
  train: ResolvedSource;
  test?: ResolvedSource;
  validation?: ResolvedSource;
  /** Fraction in [0, 1) taken from the end of train when no validation source is given. */
  validationSplit: number;
  shuffle: boolean;
  /** Multiply x by this; images default to 1/255. */
  rescale?: number;
  /** ImageDataGenerator arguments. */
  augment?: AugmentArgs;
  /** 'input': the targets are the inputs (autoencoders), stored rescaled as float32 targets. */
  classMode?: 'input';
}
