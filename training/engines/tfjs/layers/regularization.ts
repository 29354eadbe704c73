// Keras's ActivityRegularization layer, which TF.js lacks: the identity here; its penalty on the
// output (l1·Σ|x| + l2·Σx²) is added to the loss by activity.ts, as every activity regularizer's.
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { required } from './required';

type Args = Record<string, unknown> & {
  name?: string;
  trainable?: boolean;
  dtype?: string;
  batchInputShape?: (number | null)[];
  inputShape?: (number | null)[];
};

export class KerasActivityRegularization extends tfl.layers.Layer {
  static readonly className = 'ActivityRegularization';
  private readonly l1: number;
  private readonly l2: number;

  constructor(args: Args) {
    const { name, trainable, dtype, batchInputShape, inputShape } = args;
    super({ name, trainable, dtype, batchInputShape, inputShape } as object);
    this.l1 = required<number>('ActivityRegularization', args, 'l1');
    this.l2 = required<number>('ActivityRegularization', args, 'l2');
    this.supportsMasking = true; // Keras: the mask passes through
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return Array.isArray(inputs) ? inputs[0]! : inputs;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
}
