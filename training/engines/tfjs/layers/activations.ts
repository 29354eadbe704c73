// Activations where Keras 3 differs from TF.js or that TF.js lacks, registered under the
// camel-cased names modelFromJSON looks up ('hard_sigmoid' arrives as 'hardSigmoid').
import * as tf from '@tensorflow/tfjs-core';

/** The minimal shape TF.js layers expect of an activation object. */
abstract class KerasActivation extends tf.serialization.Serializable {
  abstract apply(x: tf.Tensor): tf.Tensor;
  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** Keras 3: relu6(x + 3) / 6 (TF.js and Keras 2 use clip(0.2x + 0.5, 0, 1)). */
export class HardSigmoid extends KerasActivation {
  static readonly className = 'hardSigmoid';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.div(tf.relu6(tf.add(x, 3)), 6));
  }
}

export class Exponential extends KerasActivation {
  static readonly className = 'exponential';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.exp(x);
  }
}

/** Keras's silu is swish. */
export class Silu extends KerasActivation {
  static readonly className = 'silu';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
  }
}

export class LeakyReluActivation extends KerasActivation {
  static readonly className = 'leakyRelu';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.leakyRelu(x, 0.2);
  }
}

export function registerActivations(): void {
  for (const cls of [HardSigmoid, Exponential, Silu, LeakyReluActivation]) {
    // TF.js's registerClass overwrites an existing entry of the same name.
    tf.serialization.registerClass(
      cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
    );
  }
}
