// ImageDataGenerator: Keras's random image augmentation for the data block's `augment`.
// Only the arguments below are supported; all default to "no augmentation", as in Keras.

import { arg, bool, float, listOf, union } from '../arg-types';
import type { CallableSpec } from '../types';

const nonNegative = float(0);
/** Keras: a float < 1 is a fraction of the size, >= 1 a number of pixels; a list picks from its values. */
const shiftRange = union(nonNegative, listOf(float()));

export const IMAGE_DATA_GENERATOR: CallableSpec = {
  name: 'ImageDataGenerator',
  doc: 'Random image augmentation applied to each training batch (training images only).',
  args: [
    arg('featurewise_center', bool, false, "Subtract the training set's mean from each image."),
    arg('featurewise_std_normalization', bool, false, "Divide each image by the training set's standard deviation."),
    arg(
      'rotation_range',
      float(0, 360),
      0,
      'Maximum rotation in degrees (each image turns by a random angle in ±range).',
    ),
    arg('width_shift_range', shiftRange, 0.0, 'Maximum horizontal shift: a fraction of the width if < 1, else pixels.'),
    arg('height_shift_range', shiftRange, 0.0, 'Maximum vertical shift: a fraction of the height if < 1, else pixels.'),
    arg(
      'zoom_range',
      union(nonNegative, listOf(nonNegative)),
      0.0,
      'Zoom: a float z means a random zoom in [1 - z, 1 + z]; or [lower, upper].',
    ),
    arg('horizontal_flip', bool, false, 'Randomly flip images left-right.'),
    arg('vertical_flip', bool, false, 'Randomly flip images upside down.'),
  ],
};

export const AUGMENTATIONS: readonly CallableSpec[] = [IMAGE_DATA_GENERATOR];
