// Keras's BatchNormalization runs in inference mode when the layer is frozen (trainable=False,
// as in a Pretrained(..., trainable=False) part): it normalizes with the moving statistics and
// never updates them. TF.js's layer updates them whenever it is called in training.
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Kwargs = Record<string, unknown>;
interface BatchNormalizationClass {
  new (args?: object): tfl.layers.Layer & { call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] };
}
// TF.js exports the layer only through its factory; its class is the instance's constructor.
const TfjsBatchNormalization = tfl.layers.batchNormalization({}).constructor as BatchNormalizationClass;

export class KerasBatchNormalization extends TfjsBatchNormalization {
  static readonly className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    return super.call(inputs, this.trainable ? kwargs : { ...kwargs, training: false });
  }
}
