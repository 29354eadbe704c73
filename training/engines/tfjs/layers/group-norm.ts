// Keras's GroupNormalization (keras/src/layers/normalization/group_normalization.py), which TF.js
// lacks. TF.js's LayerNormalization on the channel axis builds exactly its weights (gamma, then
// beta, one per channel, with their initializers, regularizers and constraints), so this layer
// extends it and replaces only the computation: the channels split into `groups`, each sample's
// group normalised over its channels and every other non-batch axis.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { required } from './required';

type Kwargs = Record<string, unknown>;
interface Fields {
  /** Resolved to a non-negative axis by build(). */
  axis: number[];
  epsilon: number;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
}
interface LayerNormalizationClass {
  new (args?: object): tfl.layers.Layer & { getConfig(): tf.serialization.ConfigDict };
}
// TF.js exports the layer only through its factory; its class is the instance's constructor.
const TfjsLayerNormalization = tfl.layers.layerNormalization({}).constructor as LayerNormalizationClass;

export class KerasGroupNormalization extends TfjsLayerNormalization {
  static readonly className = 'GroupNormalization';
  private readonly groups: number;

  constructor(args: Kwargs) {
    super({ ...args, axis: required<number>('GroupNormalization', args, 'axis') });
    this.groups = required<number>('GroupNormalization', args, 'groups');
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const { axis, epsilon, gamma, beta } = this as unknown as Fields;
    const a = axis[0]!;
    const channels = x.shape[a]!;
    const groups = this.groups === -1 ? channels : this.groups;
    return tf.tidy(() => {
      // (…, C, …) -> (…, groups, C / groups, …); moments over all but the batch and group axes.
      const grouped = tf.reshape(x, [...x.shape.slice(0, a), groups, channels / groups, ...x.shape.slice(a + 1)]);
      const axes = grouped.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a);
      const { mean, variance } = tf.moments(grouped, axes, true);
      let y = tf.reshape(tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, epsilon))), x.shape);
      const broadcast = x.shape.map((d, i) => (i === a ? d : 1));
      if (gamma) y = tf.mul(y, tf.reshape(gamma.read(), broadcast));
      if (beta) y = tf.add(y, tf.reshape(beta.read(), broadcast));
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups };
  }
}
