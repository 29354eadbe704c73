// Keras's activity regularizers (`activity_regularizer=L1(0.01)`): a penalty on a layer's output,
// added to the loss of every batch, in training and in evaluation: l1·Σ|y| + l2·Σy² over the
// batch, divided by the batch size (Keras ≥ 3.14, keras/src/layers/layer.py __call__: "Normalize
// by batch size to ensure consistent regularization strength across batch sizes"). TF.js refuses to call a layer that has one, so
// keras-json.ts leaves them out of the TF.js topology, and a model that has any runs its layers
// one by one here to reach their outputs.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { RunSpec } from '../../protocol';
import { l1l2Of } from './keras-json';
import { required } from './layers/required';

type Factors = { l1: number; l2: number };
const byModel = new WeakMap<tfl.LayersModel, Map<string, Factors>>();

/** Records the activity regularizers of the Keras config that `model` was built from. */
export function registerActivityRegularizers(model: tfl.LayersModel, config: RunSpec['model']): void {
  const factors = new Map<string, Factors>();
  for (const layer of config.config.layers) {
    const c = layer.config as Record<string, unknown>;
    // Keras's ActivityRegularization layer is the identity with an L1L2(l1, l2) activity regularizer.
    const f =
      layer.class_name === 'ActivityRegularization'
        ? {
            l1: Number(required('ActivityRegularization', c, 'l1')),
            l2: Number(required('ActivityRegularization', c, 'l2')),
          }
        : l1l2Of(c['activity_regularizer']);
    if (f && (f.l1 || f.l2)) factors.set(String(c['name']), f);
  }
  if (factors.size) byModel.set(model, factors);
}

export function hasActivityRegularizers(model: tfl.LayersModel): boolean {
  return byModel.has(model);
}

/** The model's output, and the sum of its activity penalties for this batch (undefined: none). */
export function forward(
  model: tfl.LayersModel,
  x: tf.Tensor,
  training: boolean,
): { output: tf.Tensor; penalty?: tf.Scalar } {
  const factors = byModel.get(model);
  if (!factors) return { output: model.apply(x, { training }) as tf.Tensor };
  const penalties: tf.Scalar[] = [];
  let h = x;
  // Keras's mask (Masking, Embedding(mask_zero=True)) goes along, as model.apply carries it.
  let mask: tf.Tensor | null = null;
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const input = h;
    h = layer.apply(input, mask ? { training, mask } : { training }) as tf.Tensor;
    mask = (layer.computeMask(input, mask ?? undefined) as tf.Tensor | null) ?? null;
    const f = factors.get(layer.name);
    if (f) {
      const batch = h.shape[0]!;
      if (f.l1) penalties.push(tf.div(tf.mul(f.l1, tf.sum(tf.abs(h))), batch));
      if (f.l2) penalties.push(tf.div(tf.mul(f.l2, tf.sum(tf.square(h))), batch));
    }
  }
  return { output: h, penalty: penalties.length ? (tf.addN(penalties) as tf.Scalar) : undefined };
}
