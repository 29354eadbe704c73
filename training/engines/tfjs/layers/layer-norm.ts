// Keras's LayerNormalization on inputs of rank 5 or more: TF.js's layer ends in batchNorm,
// whose kernels stop at rank 4. The same formula in broadcasting ops works on any rank.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Kwargs = Record<string, unknown>;
interface LayerNormalizationFields {
  /** Resolved to non-negative axes by build(). */
  axis: number[];
  epsilon: number;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
}
interface LayerNormalizationClass {
  new (
    args?: object,
  ): tfl.layers.Layer & { call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] };
}
// TF.js exports the layer only through its factory; its class is the instance's constructor.
const TfjsLayerNormalization = tfl.layers.layerNormalization({}).constructor as LayerNormalizationClass;

export class KerasLayerNormalization extends TfjsLayerNormalization {
  static readonly className = 'LayerNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank <= 4) return super.call(inputs, kwargs);
    const { axis, epsilon, gamma, beta } = this as unknown as LayerNormalizationFields;
    const broadcast = x.shape.map((d, i) => (axis.includes(i) ? d : 1));
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, axis, true);
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
      if (gamma) y = tf.mul(y, tf.reshape(gamma.read(), broadcast));
      if (beta) y = tf.add(y, tf.reshape(beta.read(), broadcast));
      return y;
    });
  }
}
