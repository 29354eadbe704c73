// What kind of learning task a file describes, from its loss, its output and its data: the one
// answer the evaluation (confusion matrix, per-label precision/recall, predicted-vs-true scatter,
// input/output image pairs), the CLI and the panel read from the plan and the RunSpec.

import type { LabelKind, Shape } from '../catalog/types';

/**
 * - 'binary': one yes/no output (sigmoid + binary_crossentropy, or a hinge loss), classes 0 and 1.
 * - 'multiclass': one class per sample (softmax + categorical or sparse categorical crossentropy);
 *   sequence classification (Embedding + LSTM on token ids) is 'binary' or 'multiclass' too.
 * - 'multilabel': k independent 0/1 labels per sample (sigmoid + binary_crossentropy on k units):
 *   csv(label=['a', 'b']) or a 2-D 0/1 y from npy.
 * - 'regression': real-valued targets, a scalar or a vector per sample (mse, mae, …).
 * - 'image-to-image': an image per sample as the target: an autoencoder (class_mode 'input'),
 *   or npy targets that are images (segmentation masks, denoised images).
 */
export type Task = 'binary' | 'multiclass' | 'multilabel' | 'regression' | 'image-to-image';

export interface TaskFacts {
  /** The loss's label kind (the catalog's losses table); undefined when the loss is unknown. */
  labels?: LabelKind;
  /** The model's output shape without the batch axis. */
  output?: Shape;
  /** The data block's class_mode: 'input' makes the targets the inputs. */
  classMode?: string;
  /** Whether the training samples are images (H, W, C). */
  imageInputs: boolean;
}

/** The task a loss, an output and the data make. */
export function taskOf(facts: TaskFacts): Task {
  const { labels, output = [], classMode, imageInputs } = facts;
  const spatial = output.length >= 2;
  if (classMode === 'input') return imageInputs || output.length === 3 ? 'image-to-image' : 'regression';
  if (labels === 'one-hot' || labels === 'integer') return 'multiclass';
  if (labels === 'binary') {
    if (spatial) return output.length === 3 ? 'image-to-image' : 'multilabel';
    const units = output[0];
    return units === 1 || units === undefined ? 'binary' : 'multilabel';
  }
  return output.length === 3 ? 'image-to-image' : 'regression';
}
