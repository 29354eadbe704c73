// Keras's Conv1D with padding='causal' (pad dilation·(kernel-1) steps on the left, then a
// 'valid' convolution): TF.js accepts the setting but computes a 'valid' output shape and throws
// NotImplementedError when called.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Kwargs = Record<string, unknown>;
interface ConvFields {
  padding: string;
  kernelSize: number[];
  dilationRate: number[];
}
interface Conv1DClass {
  new (args: object): tfl.layers.Layer & {
    call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[];
  };
}
// TF.js exports the layer only through its factory; its class is the instance's constructor.
const TfjsConv1D = tfl.layers.conv1d({ filters: 1, kernelSize: 1 }).constructor as Conv1DClass;

export class KerasConv1D extends TfjsConv1D {
  static readonly className = 'Conv1D';

  private get conv(): ConvFields {
    return this as unknown as ConvFields;
  }

  /** Runs `fn` with the padding TF.js understands in place of 'causal'. */
  private withPadding<T>(padding: string, fn: () => T): T {
    const saved = this.conv.padding;
    this.conv.padding = padding;
    try {
      return fn();
    } finally {
      this.conv.padding = saved;
    }
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    // Causal keeps the length before striding, as 'same' does.
    if (this.conv.padding !== 'causal') return super.computeOutputShape(inputShape);
    return this.withPadding('same', () => super.computeOutputShape(inputShape));
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (this.conv.padding !== 'causal') return super.call(inputs, kwargs);
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const left = this.conv.dilationRate[0]! * (this.conv.kernelSize[0]! - 1);
    return tf.tidy(() => this.withPadding('valid', () => super.call(tf.pad(x, [[0, 0], [left, 0], [0, 0]]), kwargs)));
  }
}
