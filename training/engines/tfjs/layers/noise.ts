// GaussianNoise and GaussianDropout with noise drawn from the dropout layers' seeded PRNG, so a
// run with fit.seed repeats exactly (TF.js's own layers draw from an unseeded tf.randomNormal).
// Keras's definitions, training only: GaussianNoise adds N(0, stddev); GaussianDropout
// multiplies by N(1, sqrt(rate / (1 - rate))) for 0 < rate < 1.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Random } from '../random';
import { noiseSource } from './dropout';

/** `shape` values from N(mean, stddev) (Box–Muller over `random`). */
export function normalNoise(shape: number[], mean: number, stddev: number, random: Random): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random.next())); // 1 - [0,1) is in (0, 1]
    const theta = 2 * Math.PI * random.next();
    values[i] = mean + stddev * r * Math.cos(theta);
    if (i + 1 < size) values[i + 1] = mean + stddev * r * Math.sin(theta);
  }
  return tf.tensor(values, shape, 'float32');
}

type Args = {
  stddev?: number;
  rate?: number;
  seed?: number | null;
  name?: string;
  batchInputShape?: (number | null)[];
  inputShape?: (number | null)[];
  dtype?: string;
  trainable?: boolean;
};

abstract class NoiseLayer extends tfl.layers.Layer {
  protected readonly seed: number | null;

  constructor(args: Args) {
    const { name, batchInputShape, inputShape, dtype, trainable } = args;
    super({ name, batchInputShape, inputShape, dtype, trainable } as object);
    this.supportsMasking = true;
    this.seed = args.seed ?? null;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  /** The noised input (training only); null leaves the input as it is. */
  protected abstract noised(x: tf.Tensor): tf.Tensor | null;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (!kwargs['training']) return tf.clone(x);
    return tf.tidy(() => this.noised(x) ?? tf.clone(x));
  }
}

export class GaussianNoise extends NoiseLayer {
  static readonly className = 'GaussianNoise';
  readonly stddev: number;

  constructor(args: Args) {
    super(args);
    this.stddev = args.stddev ?? 0;
  }

  protected noised(x: tf.Tensor): tf.Tensor | null {
    if (!(this.stddev > 0)) return null;
    return tf.add(x, normalNoise(x.shape, 0, this.stddev, noiseSource()));
  }

  override getConfig() {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
}

export class GaussianDropout extends NoiseLayer {
  static readonly className = 'GaussianDropout';
  readonly rate: number;

  constructor(args: Args) {
    super(args);
    this.rate = args.rate ?? 0;
  }

  protected noised(x: tf.Tensor): tf.Tensor | null {
    if (!(this.rate > 0 && this.rate < 1)) return null;
    return tf.mul(x, normalNoise(x.shape, 1, Math.sqrt(this.rate / (1 - this.rate)), noiseSource()));
  }

  override getConfig() {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

/** Keras's alpha_dropout.py: dropped values become alpha_p = -alpha · scale, then a · x + b. */
export class AlphaDropout extends NoiseLayer {
  static readonly className = 'AlphaDropout';
  readonly rate: number;

  constructor(args: Args) {
    super(args);
    this.rate = Number(args.rate);
  }

  protected noised(x: tf.Tensor): tf.Tensor | null {
    if (!(this.rate > 0)) return null;
    const alphaP = -1.6732632423543772 * 1.0507009873554805; // SELU alpha × scale, as doubles
    const random = noiseSource();
    const kept = tf.tensor(
      Float32Array.from({ length: x.size }, () => (random.next() >= this.rate ? 1 : 0)),
      x.shape,
    );
    const a = ((1 - this.rate) * (1 + this.rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * this.rate;
    return tf.add(tf.mul(tf.add(tf.mul(x, kept), tf.mul(tf.sub(1, kept), alphaP)), a), b);
  }

  override getConfig() {
    return { ...super.getConfig(), rate: this.rate, noise_shape: null, seed: this.seed };
  }
}

export const NOISE_LAYERS = [GaussianNoise, GaussianDropout, AlphaDropout];
