// Keras's BatchNormalization runs in inference mode when the layer is frozen (trainable=False,
// as in a Pretrained(..., trainable=False) part): it normalizes with the moving statistics and
// never updates them. TF.js's layer updates them whenever it is called in training.
// TF.js's batchNorm kernels stop at rank 4; Keras normalizes any rank: a larger input is
// normalized as rows of channels (channel axis moved last, the rest folded), then unfolded.
// TF.js's training path reads gamma and beta even when scale=False or center=False (InceptionV3's
// conv2d_bn has no gamma): a missing one is the identity (ones, zeros) for that call, no weight.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Kwargs = Record<string, unknown>;
interface BatchNormalizationClass {
  new (
    args?: object,
  ): tfl.layers.Layer & { call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] };
}
// TF.js exports the layer only through its factory; its class is the instance's constructor.
const TfjsBatchNormalization = tfl.layers.batchNormalization({}).constructor as BatchNormalizationClass;

/** What TF.js's call reads of gamma and beta. */
interface Identity {
  read(): tf.Tensor;
}

export class KerasBatchNormalization extends TfjsBatchNormalization {
  static readonly className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as { gamma?: Identity | null; beta?: Identity | null; axis: number };
    if (self.gamma != null && self.beta != null) return this.callKeras(inputs, kwargs);
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const axis = self.axis < 0 ? self.axis + x.rank : self.axis;
    const channels = x.shape[axis]!;
    const [gamma, beta] = [self.gamma, self.beta];
    self.gamma ??= { read: () => tf.ones([channels]) };
    self.beta ??= { read: () => tf.zeros([channels]) };
    try {
      return this.callKeras(inputs, kwargs);
    } finally {
      self.gamma = gamma;
      self.beta = beta;
    }
  }

  private callKeras(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const args = this.trainable ? kwargs : { ...kwargs, training: false };
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank <= 4) return super.call(inputs, args);
    const self = this as unknown as { axis: number };
    const configured = self.axis;
    const axis = configured < 0 ? configured + x.rank : configured;
    // The channel axis last, everything else folded into rows: TF.js's plain rank-2 path.
    const perm = [...x.shape.keys()].filter((i) => i !== axis).concat(axis);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return tf.tidy(() => {
      const moved = tf.transpose(x, perm);
      self.axis = 1;
      try {
        const y = super.call(tf.reshape(moved, [-1, x.shape[axis]!]), args) as tf.Tensor;
        return tf.transpose(tf.reshape(y, moved.shape), inverse);
      } finally {
        self.axis = configured;
      }
    });
  }
}
