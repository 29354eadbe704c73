// SpatialDropout2D/3D (TF.js has only 1D): drops whole feature maps, i.e. dropout with a noise
// shape of 1 on every spatial axis, scaled by 1/(1-rate), in training only.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Args = { rate: number; seed?: number; name?: string; batchInputShape?: (number | null)[]; inputShape?: (number | null)[]; dtype?: string };

abstract class SpatialDropout extends tfl.layers.Layer {
  protected readonly rate: number;
  protected readonly seed?: number;
  protected abstract readonly spatialAxes: number;
  constructor(args: Args) {
    super({ name: args.name, batchInputShape: args.batchInputShape, inputShape: args.inputShape, dtype: args.dtype } as object);
    this.rate = args.rate;
    this.seed = args.seed ?? undefined;
  }
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs['training'] || this.rate <= 0) return tf.clone(x);
    return tf.tidy(() => {
      const noiseShape = x.shape.map((d, i) => (i >= 1 && i <= this.spatialAxes ? 1 : d));
      return tf.dropout(x, this.rate, noiseShape, this.seed);
    });
  }
  override getConfig() {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed ?? null };
  }
}

export class SpatialDropout2D extends SpatialDropout {
  static readonly className = 'SpatialDropout2D';
  protected readonly spatialAxes = 2;
}
export class SpatialDropout3D extends SpatialDropout {
  static readonly className = 'SpatialDropout3D';
  protected readonly spatialAxes = 3;
}
