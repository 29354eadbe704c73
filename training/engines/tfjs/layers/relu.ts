// Keras's ReLU layer: max_value, negative_slope and threshold (TF.js's ReLU has only maxValue).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { required } from './required';

type Args = {
  maxValue?: number | null;
  negativeSlope?: number;
  threshold?: number;
  name?: string;
  batchInputShape?: (number | null)[];
  inputShape?: (number | null)[];
  dtype?: string;
};

export class KerasReLU extends tfl.layers.Layer {
  static readonly className = 'ReLU';
  private readonly maxValue: number | null;
  private readonly negativeSlope: number;
  private readonly threshold: number;

  constructor(args: Args = {}) {
    super({
      name: args.name,
      batchInputShape: args.batchInputShape,
      inputShape: args.inputShape,
      dtype: args.dtype,
    } as object);
    this.maxValue = args.maxValue ?? null;
    this.negativeSlope = required<number>('ReLU', args, 'negativeSlope');
    this.threshold = required<number>('ReLU', args, 'threshold');
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => {
      let y: tf.Tensor;
      if (this.threshold === 0 && this.negativeSlope === 0) y = tf.relu(x);
      else {
        const below = tf.mul(this.negativeSlope, tf.sub(x, this.threshold));
        y = tf.where(tf.greaterEqual(x, this.threshold), x, below);
      }
      return this.maxValue == null ? y : tf.minimum(y, this.maxValue);
    });
  }

  override getConfig() {
    return {
      ...super.getConfig(),
      maxValue: this.maxValue,
      negativeSlope: this.negativeSlope,
      threshold: this.threshold,
    };
  }
}
