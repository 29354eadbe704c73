// The settings of the compile, data, fit and tune blocks, as argument specs (name: value).

import { arg, bool, float, fraction, int, listOf, oneOf, optional, ref, string, union } from '../arg-types';
import type { ArgSpec } from '../types';

/** compile { loss, optimizer, metrics } (Keras's model.compile). */
export const COMPILE_SETTINGS: readonly ArgSpec[] = [
  {
    name: 'loss',
    type: ref('loss'),
    required: true,
    doc: "The loss to minimise, e.g. 'categorical_crossentropy' or 'mse'.",
  },
  arg(
    'optimizer',
    ref('optimizer'),
    'rmsprop',
    "The optimizer: a name ('adam') or a call (Adam(learning_rate=1e-3)); Keras's default is 'rmsprop'.",
  ),
  arg('metrics', listOf(ref('metric')), [], "Metrics reported during training, e.g. ['accuracy']."),
];

/**
 * data { train, test, validation, validation_split, shuffle, rescale, augment, class_mode }.
 * `augment` holds an ImageDataGenerator(...) call: the catalog lists it under `augmentations`
 * (there is no RefTable for it, so its type is `any` and the analyzer checks the call itself).
 */
export const DATA_SETTINGS: readonly ArgSpec[] = [
  arg(
    'train',
    optional(ref('dataset')),
    null,
    "The training source, e.g. digits, mnist or csv('houses.csv', label='price').",
  ),
  arg('test', optional(ref('dataset')), null, "A source evaluated after training, e.g. mnist(split='test')."),
  arg('validation', optional(ref('dataset')), null, 'A separate validation source (instead of validation_split).'),
  arg(
    'validation_split',
    fraction,
    0.0,
    'Fraction of the training data held out for validation (the last part, as in Keras), in [0, 1).',
  ),
  arg('shuffle', bool, true, 'Shuffle the training data before each epoch.'),
  arg(
    'rescale',
    optional(float(0, undefined, { minExclusive: true })),
    null,
    'Multiply inputs by this, e.g. 1/255 (None: images are scaled to [0, 1], other data is left alone).',
  ),
  arg(
    'augment',
    { kind: 'any' },
    null,
    'Random augmentation of training images: ImageDataGenerator(rotation_range=10, ...).',
  ),
  arg(
    'class_mode',
    optional(oneOf('input')),
    null,
    "Keras's class_mode: 'input' makes the targets the inputs (after rescale), for autoencoders (None: the source's labels).",
  ),
];

/** fit { epochs, batch_size, callbacks, seed, backend, verbose, mixed_precision, devices } (Keras's model.fit, policy, distribution). */
export const FIT_SETTINGS: readonly ArgSpec[] = [
  arg('epochs', int(1), 1, 'Number of passes over the training data.'),
  arg('batch_size', int(1), 32, 'Samples per gradient update.'),
  arg('callbacks', listOf(ref('callback')), [], 'Callbacks such as [EarlyStopping(patience=2)].'),
  arg(
    'seed',
    optional(int(0)),
    null,
    'Seed for weight initialisation, shuffling and dropout (None: different each run).',
  ),
  arg(
    'backend',
    oneOf('auto', 'tfjs', 'torch'),
    'auto',
    "Training engine: 'tfjs' (TensorFlow.js, built in), 'torch' (PyTorch, needs Python) or 'auto'.",
  ),
  arg(
    'verbose',
    union(oneOf('auto'), int(0, 2)),
    'auto',
    "Progress output in the terminal: 0 silent, 1 progress bar, 2 one line per epoch; 'auto' is 1.",
  ),
  arg(
    'mixed_precision',
    optional(oneOf('float32', 'mixed_float16', 'mixed_bfloat16')),
    null,
    "Keras's dtype policy: 'float32', 'mixed_float16' (float16 compute with loss scaling, CUDA GPUs) or 'mixed_bfloat16' (GPUs that support it, and CPUs). None: mixed precision on a CUDA GPU (bfloat16 where supported), float32 elsewhere.",
  ),
  arg(
    'devices',
    int(1),
    1,
    "Devices trained data-parallel (GPUs, or processes on a CPU) by the torch engine; batch_size is the global batch, split across them (Keras's distribution strategies).",
  ),
];

/**
 * tune { objective, max_trials, algorithm, executions_per_trial, pruning, parallel, seed }: how the
 * file's search spaces are searched (LANGUAGE.md, "Search spaces and the tune block"). KerasTuner's
 * tuner arguments where it has them; Optuna's samplers and MedianPruner run them.
 */
export const TUNE_SETTINGS: readonly ArgSpec[] = [
  arg(
    'objective',
    string,
    'val_loss',
    "The quantity to optimise, as training reports it: 'val_loss', 'val_accuracy', 'loss'… The direction follows the metric (losses and errors down, accuracies up), as KerasTuner infers it.",
  ),
  arg('max_trials', int(1), 10, 'Trials to run at most (a grid search stops earlier when the grid is smaller).'),
  arg(
    'algorithm',
    oneOf('random', 'grid', 'bayesian', 'hyperband'),
    'bayesian',
    "How the next trial's values are chosen: 'random', 'grid' (every point in turn), 'bayesian' (Optuna's TPE) or 'hyperband' (many short trials, the best trained longer).",
  ),
  arg(
    'executions_per_trial',
    int(1),
    1,
    "Trainings per trial with the same values; the trial's objective is their mean (less noise, more time).",
  ),
  arg(
    'pruning',
    bool,
    false,
    'Stop a trial early when its objective after an epoch is worse than the median of earlier trials at that epoch.',
  ),
  arg(
    'parallel',
    int(1),
    1,
    'Trials trained at once (one per GPU where there are several; on a CPU they share the cores).',
  ),
  arg('seed', optional(int(0)), null, "Seed of the search's sampler (None: a different search each time)."),
];

export const BLOCK_SETTINGS = {
  compile: COMPILE_SETTINGS,
  data: DATA_SETTINGS,
  fit: FIT_SETTINGS,
  tune: TUNE_SETTINGS,
} as const;

export type BlockName = keyof typeof BLOCK_SETTINGS;
