// Weight constraints (kernel_constraint=NonNeg(), MaxNorm(...), UnitNorm, MinMaxNorm): Keras's
// optimizers project each trainable variable onto its constraint right after every update.
// TF.js keeps the constraint on the LayerVariable but applies it only in LayerVariable.write(),
// which an optimizer's update bypasses, so our training step calls this after applyGradients.
// TF.js's constraint classes compute Keras's formulas (norms over `axis`, epsilon 1e-7).
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Applies every trainable weight's constraint in place (no-op for a model without any). */
export function applyConstraints(model: tfl.LayersModel): void {
  for (const w of model.trainableWeights) {
    const constraint = w.constraint;
    if (constraint == null) continue;
    const variable = w.read() as tf.Variable;
    tf.tidy(() => variable.assign(constraint.apply(variable)));
  }
}
