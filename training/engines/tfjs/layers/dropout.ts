// Dropout, SpatialDropout1D/2D/3D with masks drawn from our seeded PRNG: reproducible under
// fit.seed, and about 10x faster than TF.js's (its seedrandom generator took ~30-60 ms per
// mnist_cnn batch). TF.js has no SpatialDropout2D/3D at all. Training only; scaled by 1/(1-rate).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Random } from '../random';

let source = new Random(Date.now());

/** Seeds every dropout mask and Gaussian noise drawn from now on (train() calls this with fit.seed). */
export function seedDropout(seed: number): void {
  source = new Random(seed);
}

/** The seeded generator (shared with GaussianNoise/GaussianDropout in noise.ts). */
export function noiseSource(): Random {
  return source;
}

type Args = {
  rate: number;
  noiseShape?: (number | null)[] | null;
  seed?: number | null;
  name?: string;
  batchInputShape?: (number | null)[];
  inputShape?: (number | null)[];
  dtype?: string;
  trainable?: boolean;
};

/** A mask of `shape`: 0 with probability `rate`, else 1/(1-rate). */
export function dropoutMask(shape: number[], rate: number, random: Random): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < size; i++) values[i] = random.next() < rate ? 0 : keep;
  return tf.tensor(values, shape, 'float32');
}

class MaskedDropout extends tfl.layers.Layer {
  protected readonly rate: number;
  protected readonly noiseShape: (number | null)[] | null;
  protected readonly seed: number | null;
  /** How many axes after the batch axis share one mask value (1 for feature maps of Spatial*). */
  protected readonly spatialAxes: number = 0;

  constructor(args: Args) {
    const { name, batchInputShape, inputShape, dtype, trainable } = args;
    super({ name, batchInputShape, inputShape, dtype, trainable } as object);
    this.rate = Math.min(Math.max(args.rate, 0), 1);
    this.noiseShape = args.noiseShape ?? null;
    this.seed = args.seed ?? null;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  private maskShape(shape: number[]): number[] {
    if (this.noiseShape) return this.noiseShape.map((d, i) => d ?? shape[i]!);
    return shape.map((d, i) => (i >= 1 && i <= this.spatialAxes ? 1 : d));
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs['training'] || this.rate <= 0) return tf.clone(x);
    if (this.rate >= 1) return tf.zerosLike(x);
    return tf.tidy(() => tf.mul(x, dropoutMask(this.maskShape(x.shape), this.rate, source)));
  }

  override getConfig() {
    return { ...super.getConfig(), rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }
}

export class Dropout extends MaskedDropout {
  static readonly className = 'Dropout';
}
export class SpatialDropout1D extends MaskedDropout {
  static readonly className = 'SpatialDropout1D';
  protected override readonly spatialAxes = 1;
}
export class SpatialDropout2D extends MaskedDropout {
  static readonly className = 'SpatialDropout2D';
  protected override readonly spatialAxes = 2;
}
export class SpatialDropout3D extends MaskedDropout {
  static readonly className = 'SpatialDropout3D';
  protected override readonly spatialAxes = 3;
}

export const DROPOUT_LAYERS = [Dropout, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D];
