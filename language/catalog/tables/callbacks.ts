// Keras 3 training callbacks for the fit block, with Keras's arguments and defaults.

import { arg, bool, float, int, oneOf, optional, required, string, union } from '../arg-types';
import type { ArgSpec, CallableSpec } from '../types';

const monitor = arg('monitor', string, 'val_loss', "The quantity to watch, e.g. 'val_loss' or 'val_accuracy'.");
const verbose = arg('verbose', int(0, 1), 0, '1 prints a message when the callback acts.');
const mode: ArgSpec = arg(
  'mode',
  oneOf('auto', 'min', 'max'),
  'auto',
  "'min': the quantity should fall; 'max': rise; 'auto': infer from its name.",
);

export const CALLBACKS: readonly CallableSpec[] = [
  {
    name: 'EarlyStopping',
    doc: 'Stops training when the monitored quantity has stopped improving for `patience` epochs.',
    args: [
      monitor,
      arg('min_delta', float(0), 0, 'The smallest change that counts as an improvement.'),
      arg('patience', int(0), 0, 'Epochs without improvement before stopping.'),
      verbose,
      mode,
      arg('baseline', optional(float()), null, 'Stop if the quantity does not beat this value.'),
      arg('restore_best_weights', bool, false, 'Restore the weights of the best epoch when stopping.'),
      arg('start_from_epoch', int(0), 0, 'Epochs to wait before starting to monitor.'),
    ],
  },
  {
    name: 'ReduceLROnPlateau',
    doc: 'Multiplies the learning rate by `factor` when the monitored quantity has stopped improving for `patience` epochs.',
    args: [
      monitor,
      arg(
        'factor',
        float(0, 1, { minExclusive: true, maxExclusive: true }),
        0.1,
        'new_lr = lr · factor; must be below 1.',
      ),
      arg('patience', int(0), 10, 'Epochs without improvement before reducing.'),
      verbose,
      mode,
      arg('min_delta', float(0), 1e-4, 'The smallest change that counts as an improvement.'),
      arg('cooldown', int(0), 0, 'Epochs to wait after a reduction before resuming normal operation.'),
      arg('min_lr', float(0), 0, 'Lower bound on the learning rate.'),
    ],
  },
  {
    name: 'ModelCheckpoint',
    doc: 'Saves the model (or its weights) during training, e.g. only when the monitored quantity improves.',
    args: [
      required(
        'filepath',
        string,
        'Where to save; may contain {epoch} and logged values, e.g. "best_{epoch:02d}.keras".',
      ),
      monitor,
      verbose,
      arg('save_best_only', bool, false, 'Only save when the monitored quantity improves.'),
      arg('save_weights_only', bool, false, 'Save only the weights, not the whole model.'),
      mode,
      arg(
        'save_freq',
        union(oneOf('epoch'), int(1)),
        'epoch',
        "'epoch' saves after each epoch; an int saves every that many batches.",
      ),
      arg(
        'initial_value_threshold',
        optional(float()),
        null,
        'Only save models that beat this value of the monitored quantity.',
      ),
    ],
  },
  {
    name: 'CSVLogger',
    doc: "Writes each epoch's results to a CSV file.",
    args: [
      required('filename', string, 'The CSV file to write, e.g. "training.csv".'),
      arg('separator', string, ',', 'Column separator.'),
      arg('append', bool, false, 'Append to an existing file instead of overwriting it.'),
    ],
  },
];
