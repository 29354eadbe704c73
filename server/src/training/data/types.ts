// Types of the data pipeline. Source references and probe results are shared with the language
// core, so they are defined there and re-exported here.

export type { SourceName, SourceRef, SourceInfo } from '../../language/data/types';
export type { LoadedSplit, PrepareContext, SourceLoader, SplitName } from '../../data/types';
import type { SourceRef } from '../../language/data/types';

/** The data block, evaluated: sources plus Keras-style options. */
export interface DataSettings {
  train: SourceRef;
  test?: SourceRef;
  validation?: SourceRef;
  /** Fraction in [0, 1) taken from the end of train when no validation source is given. */
  validationSplit: number;
  shuffle: boolean;
  /** Multiply x by this; images default to 1/255. */
  rescale?: number;
  /** ImageDataGenerator arguments. */
  augment?: Record<string, number | boolean>;
}
