// What a run's file already does against overfitting, read from its RunSpec (spec.json in the
// run folder): the panel's overfitting advice suggests only what is not there yet. Pure: the
// panel's bundle type-checks it.

import type { RunSpec } from './protocol';

export interface RunTraits {
  earlyStopping: boolean;
  dropout: boolean;
  /** ImageDataGenerator arguments or random preprocessing layers (RandomFlip, RandomRotation…). */
  augmentation: boolean;
  /** A kernel/bias/activity regularizer on any layer. */
  regularizer: boolean;
  images: boolean;
}

const DROPOUT = /Dropout$/; // Dropout, SpatialDropout2D, AlphaDropout, GaussianDropout…
const AUGMENT_LAYERS = /^Random[A-Z]/;

export function runTraits(spec: Pick<RunSpec, 'model' | 'fit' | 'data'>): RunTraits {
  // spec.json is read back from disk: tolerate a partial one rather than fail the panel.
  const layers = spec.model?.config?.layers ?? [];
  const callbacks = spec.fit?.callbacks ?? [];
  const data: Partial<RunSpec['data']> = spec.data ?? {};
  const config = (l: (typeof layers)[number]) => (l as unknown as { config?: Record<string, unknown> }).config ?? {};
  return {
    earlyStopping: callbacks.some((c) => c.name === 'EarlyStopping'),
    dropout: layers.some(
      (l) =>
        DROPOUT.test(l.class_name) ||
        (typeof config(l)['dropout'] === 'number' && (config(l)['dropout'] as number) > 0),
    ),
    augmentation: !!data.augment || layers.some((l) => AUGMENT_LAYERS.test(l.class_name)),
    regularizer: layers.some((l) =>
      ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer'].some((k) => config(l)[k] != null),
    ),
    images: !!data.isImage || !!data.imageShape,
  };
}
