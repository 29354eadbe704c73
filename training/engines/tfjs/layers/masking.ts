// Keras's masks in TF.js. TF.js has Keras's Masking layer and its recurrent layers skip masked
// steps as Keras's do (state and output kept from the step before), but a layer that does not
// support masking throws when a mask reaches it, where Keras 3 drops the mask; and some layers
// that let the mask through in Keras (LeakyReLU, ELU, the spatial dropouts, UnitNormalization…)
// do not in TF.js. computeMask is replaced on the base Layer with Keras's rule: the classes
// below pass the mask on; the rest drop it. Layers that
// compute their own mask (Masking, Embedding, the recurrent layers, Bidirectional) override it.
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/**
 * The Keras classes whose layers let a mask through unchanged (Keras 3's supports_masking with the
 * default compute_mask). The PyTorch engine's MASK_PASSING (modelspec_torch/layers_base.py) is
 * the same list (test/training/masking.test.ts compares them).
 */
export const MASK_PASSING: ReadonlySet<string> = new Set([
  'Dense',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'PReLU',
  'Dropout',
  'SpatialDropout1D',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
  'BatchNormalization',
  'LayerNormalization',
  'GroupNormalization',
  'UnitNormalization',
  'ActivityRegularization',
  'TimeDistributed',
]);

type Mask = tf.Tensor | tf.Tensor[] | null | undefined;

let patched = false;

export function patchLayerMasks(): void {
  if (patched) return;
  patched = true;
  const proto = tfl.layers.Layer.prototype as unknown as {
    computeMask(this: tfl.layers.Layer, inputs: tf.Tensor | tf.Tensor[], mask?: Mask): Mask;
  };
  proto.computeMask = function (this: tfl.layers.Layer, _inputs: tf.Tensor | tf.Tensor[], mask?: Mask): Mask {
    return MASK_PASSING.has(this.getClassName()) ? (mask ?? null) : null;
  };
}
