// TF.js's Orthogonal initializer (the default recurrent initializer of LSTM, GRU, SimpleRNN)
// calls tensor.flatten() and tensor.stridedSlice(), chained methods that only the full
// @tensorflow/tfjs bundle installs. Add those two so recurrent layers build with tfjs-core alone.
import * as tf from '@tensorflow/tfjs-core';

export function polyfillTensorMethods(): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  proto['flatten'] ??= function (this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  };
  proto['stridedSlice'] ??= function (this: tf.Tensor, begin: number[], end: number[], strides: number[]) {
    return tf.stridedSlice(this, begin, end, strides);
  };
}
