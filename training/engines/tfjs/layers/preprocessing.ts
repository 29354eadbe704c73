// Keras 3's preprocessing and augmentation layers (keras/src/layers/preprocessing/). TF.js's own
// Resizing reads crop_to_aspect_ratio as align_corners and its CenterCrop shifts odd crops by a
// pixel, so both are replaced; Rescaling is TF.js's (the same formula, scale · x + offset).
// The Random* layers draw from the dropout layers' seeded PRNG (fit.seed) and act only when
// called with training=true; at inference and evaluation they return the input unchanged.
// UnitNormalization, which TF.js lacks, lives here too: like these, a formula without weights.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { noiseSource } from './dropout';
import { type FillMode, type Interpolation, projectiveTransform } from './projective';

type Base = {
  name?: string;
  batchInputShape?: (number | null)[];
  inputShape?: (number | null)[];
  dtype?: string;
  trainable?: boolean;
};
type Config = Base & Record<string, unknown>;

function baseArgs(args: Config): Base {
  const { name, batchInputShape, inputShape, dtype, trainable } = args;
  return { name, batchInputShape, inputShape, dtype, trainable };
}

const single = (inputs: tf.Tensor | tf.Tensor[]): tf.Tensor => (Array.isArray(inputs) ? inputs[0]! : inputs);

/** A Keras 3 factor: f means [-|f|, |f|], a pair (low, high) itself, sorted (Keras 3 sorts it). */
function range(factor: unknown): [number, number] {
  if (Array.isArray(factor)) {
    const [a, b] = [Number(factor[0]), Number(factor[1])];
    return a <= b ? [a, b] : [b, a];
  }
  const f = Number(factor);
  return [-Math.abs(f), Math.abs(f)];
}

/** A layer whose Keras config is its constructor's arguments, kept as they came (snake_case keys are camelCased by TF.js). */
abstract class ConfigLayer extends tfl.layers.Layer {
  protected readonly own: Record<string, unknown>;

  constructor(args: Config, keys: readonly string[]) {
    super(baseArgs(args) as object);
    this.own = Object.fromEntries(keys.map((k) => [k, args[k]]));
  }

  override getConfig() {
    return { ...super.getConfig(), ...(this.own as tf.serialization.ConfigDict) };
  }
}

/** Resizing: tf.image.resize (half-pixel centres), after a centred crop to the target aspect ratio if asked. */
export class Resizing extends ConfigLayer {
  static readonly className = 'Resizing';

  constructor(args: Config) {
    super(args, ['height', 'width', 'interpolation', 'cropToAspectRatio']);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = inputShape as tfl.Shape;
    return [s[0]!, Number(this.own.height), Number(this.own.width), s[3]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = single(inputs) as tf.Tensor4D;
      const height = Number(this.own.height);
      const width = Number(this.own.width);
      if (this.own.cropToAspectRatio === true) x = cropToAspect(x, height, width);
      const size: [number, number] = [height, width];
      return this.own.interpolation === 'nearest'
        ? tf.image.resizeNearestNeighbor(x, size, false, true)
        : tf.image.resizeBilinear(x, size, false, true);
    });
  }
}

/** Keras's smart_resize crop: the largest centred window with the target's aspect ratio. */
function cropToAspect(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  const cropH = Math.min(h, Math.floor((w * height) / width));
  const cropW = Math.min(w, Math.floor((h * width) / height));
  const top = Math.floor((h - cropH) / 2);
  const left = Math.floor((w - cropW) / 2);
  return tf.slice(x, [0, top, left, 0], [-1, cropH, cropW, -1]);
}

/** CenterCrop: the centred (height, width) window; a smaller image is first resized up keeping its aspect ratio (Keras's smart resize). */
export class CenterCrop extends ConfigLayer {
  static readonly className = 'CenterCrop';

  constructor(args: Config) {
    super(args, ['height', 'width']);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const s = inputShape as tfl.Shape;
    return [s[0]!, Number(this.own.height), Number(this.own.width), s[3]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor4D;
      const height = Number(this.own.height);
      const width = Number(this.own.width);
      const [, h, w] = x.shape;
      if (h < height || w < width) {
        return tf.image.resizeBilinear(cropToAspect(x, height, width), [height, width], false, true);
      }
      const top = Math.floor((h - height) / 2);
      const left = Math.floor((w - width) / 2);
      return tf.slice(x, [0, top, left, 0], [-1, height, width, -1]);
    });
  }
}

/**
 * Normalization: (x - mean) / max(sqrt(variance), epsilon) per kept feature (invert: the reverse).
 * Without mean/variance in the config the layer has Keras's adapt weights (mean, variance,
 * count), which data preparation sets from the training data; until then they are 0, 1, 0.
 */
export class Normalization extends ConfigLayer {
  static readonly className = 'Normalization';
  private meanWeight: tfl.LayerVariable | null = null;
  private varianceWeight: tfl.LayerVariable | null = null;

  constructor(args: Config) {
    super(args, ['axis', 'mean', 'variance', 'invert']);
  }

  /** The kept axes, counting the batch axis as 0. */
  private keptAxes(rank: number): number[] {
    const axis = this.own.axis;
    const list = axis === null || axis === undefined ? [] : Array.isArray(axis) ? axis : [axis];
    return list.map((a) => (Number(a) < 0 ? Number(a) + rank : Number(a))).sort((a, b) => a - b);
  }

  /** The shape mean and variance broadcast to: the kept axes' sizes, 1 elsewhere. */
  private broadcastShape(shape: readonly (number | null)[]): number[] {
    const kept = this.keptAxes(shape.length);
    return shape.map((d, i) => (kept.includes(i) ? Number(d) : 1));
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = inputShape as tfl.Shape;
    if (this.own.mean === null || this.own.mean === undefined) {
      const kept = this.keptAxes(shape.length).map((a) => Number(shape[a]));
      this.meanWeight = this.addWeight('mean', kept, 'float32', tfl.initializers.zeros(), undefined, false);
      this.varianceWeight = this.addWeight('variance', kept, 'float32', tfl.initializers.ones(), undefined, false);
      this.addWeight('count', [], 'float32', tfl.initializers.zeros(), undefined, false);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const shape = this.broadcastShape(x.shape);
      const mean = this.meanWeight ? tf.reshape(this.meanWeight.read(), shape) : fixed(this.own.mean, shape);
      const variance = this.varianceWeight
        ? tf.reshape(this.varianceWeight.read(), shape)
        : fixed(this.own.variance, shape);
      // Keras: ops.maximum(ops.sqrt(variance), backend.epsilon()), epsilon 1e-7.
      const std = tf.maximum(tf.sqrt(variance), 1e-7);
      return this.own.invert === true ? tf.add(tf.mul(x, std), mean) : tf.div(tf.sub(x, mean), std);
    });
  }
}

/** A mean or variance given in the config: one number for all, or one per kept feature. */
function fixed(value: unknown, shape: number[]): tf.Tensor {
  const values = (Array.isArray(value) ? value : [value]).map(Number);
  return values.length === 1 ? tf.scalar(values[0]!) : tf.reshape(tf.tensor1d(values), shape);
}

/** The Random* layers: a per-sample transformation in training, the input itself otherwise. */
abstract class RandomLayer extends ConfigLayer {
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  protected abstract augment(x: tf.Tensor4D): tf.Tensor;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = single(inputs);
    if (!kwargs['training']) return tf.clone(x);
    return tf.tidy(() => this.augment(x as tf.Tensor4D));
  }
}

/** One uniform draw per sample. */
function perSample(n: number, low: number, high: number): number[] {
  const random = noiseSource();
  return Array.from({ length: n }, () => random.uniform(low, high));
}

export class RandomFlip extends RandomLayer {
  static readonly className = 'RandomFlip';

  constructor(args: Config) {
    super(args, ['mode', 'seed']);
  }

  protected augment(x: tf.Tensor4D): tf.Tensor {
    const n = x.shape[0];
    // TF.js camelCases the config's string values too: 'horizontal_and_vertical' arrives as
    // 'horizontalAndVertical'.
    const mode = String(this.own.mode).toLowerCase();
    // Keras 3 (random_flip.py): one draw per image, uniform <= 0.5, flips it in every direction
    // of the mode: 'horizontal_and_vertical' flips both axes together or neither.
    const flips = tf.cast(
      tf.tensor4d(
        perSample(n, 0, 1).map((u) => (u <= 0.5 ? 1 : 0)),
        [n, 1, 1, 1],
      ),
      'bool',
    );
    let flipped: tf.Tensor4D = x;
    if (mode.includes('horizontal')) flipped = tf.reverse(flipped, 2);
    if (mode.includes('vertical')) flipped = tf.reverse(flipped, 1);
    return tf.where(flips, flipped, x);
  }
}

/** Rotation, zoom and translation: Keras 3's affine matrices, applied as TF's ImageProjectiveTransformV3 (projective.ts). */
abstract class AffineLayer extends RandomLayer {
  protected abstract matrices(n: number, height: number, width: number): number[][];

  protected augment(x: tf.Tensor4D): tf.Tensor {
    const [n, h, w] = x.shape;
    return projectiveTransform(
      x,
      this.matrices(n, h, w),
      this.own.interpolation as Interpolation,
      this.own.fillMode as FillMode,
      Number(this.own.fillValue),
    );
  }
}

const AFFINE_KEYS = ['fillMode', 'interpolation', 'seed', 'fillValue'];

/**
 * Keras 3's _compute_affine_matrix with no shear, translation or scale: a rotation by `angle`
 * about the centre (cx, cy) = (0.5 (w - 1), 0.5 (h - 1)) (base_image_preprocessing_layer.py).
 */
export function rotationMatrix(angle: number, h: number, w: number): number[] {
  const cx = 0.5 * (w - 1);
  const cy = 0.5 * (h - 1);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  return [cos, -sin, cx - cx * cos + cy * sin, sin, cos, cy - cx * sin - cy * cos, 0, 0];
}

export class RandomRotation extends AffineLayer {
  static readonly className = 'RandomRotation';

  constructor(args: Config) {
    super(args, ['factor', ...AFFINE_KEYS]);
  }

  protected matrices(n: number, h: number, w: number): number[][] {
    const [low, high] = range(this.own.factor);
    // Keras 3 draws the angle in degrees, factor · 360, and turns it into radians.
    return perSample(n, low * 360, high * 360).map((degrees) => rotationMatrix((degrees * Math.PI) / 180, h, w));
  }
}

export class RandomZoom extends AffineLayer {
  static readonly className = 'RandomZoom';

  constructor(args: Config) {
    super(args, ['heightFactor', 'widthFactor', ...AFFINE_KEYS]);
  }

  protected matrices(n: number, h: number, w: number): number[][] {
    const [hl, hh] = range(this.own.heightFactor);
    const heights = perSample(n, 1 + hl, 1 + hh);
    const hasWidth = this.own.widthFactor !== null && this.own.widthFactor !== undefined;
    const [wl, wh] = hasWidth ? range(this.own.widthFactor) : [0, 0];
    const widths = hasWidth ? perSample(n, 1 + wl, 1 + wh) : heights;
    // Keras's zoom matrix: [[zx, 0, (w-1)/2 (1-zx)], [0, zy, (h-1)/2 (1-zy)]].
    return heights.map((zy, i) => {
      const zx = widths[i]!;
      return [zx, 0, ((w - 1) / 2) * (1 - zx), 0, zy, ((h - 1) / 2) * (1 - zy), 0, 0];
    });
  }
}

export class RandomTranslation extends AffineLayer {
  static readonly className = 'RandomTranslation';

  constructor(args: Config) {
    super(args, ['heightFactor', 'widthFactor', ...AFFINE_KEYS]);
  }

  protected matrices(n: number, h: number, w: number): number[][] {
    const [hl, hh] = range(this.own.heightFactor);
    const [wl, wh] = range(this.own.widthFactor);
    const dys = perSample(n, hl * h, hh * h);
    const dxs = perSample(n, wl * w, wh * w);
    return dys.map((dy, i) => [1, 0, -dxs[i]!, 0, 1, -dy, 0, 0]);
  }
}

export class RandomContrast extends RandomLayer {
  static readonly className = 'RandomContrast';

  constructor(args: Config) {
    super(args, ['factor', 'valueRange', 'seed']);
  }

  protected augment(x: tf.Tensor4D): tf.Tensor {
    const [lower, upper] = Array.isArray(this.own.factor)
      ? [Number(this.own.factor[0]), Number(this.own.factor[1])]
      : [Number(this.own.factor), Number(this.own.factor)];
    const n = x.shape[0];
    const factor = tf.tensor4d(perSample(n, 1 - lower, 1 + upper), [n, 1, 1, 1]);
    const mean = tf.mean(x, [1, 2], true);
    const [low, high] = (this.own.valueRange as number[]).map(Number);
    return tf.clipByValue(tf.add(tf.mul(tf.sub(x, mean), factor), mean), low!, high!);
  }
}

export class RandomBrightness extends RandomLayer {
  static readonly className = 'RandomBrightness';

  constructor(args: Config) {
    super(args, ['factor', 'valueRange', 'seed']);
  }

  protected augment(x: tf.Tensor4D): tf.Tensor {
    const [low, high] = (this.own.valueRange as number[]).map(Number) as [number, number];
    const [fl, fh] = range(this.own.factor);
    const n = x.shape[0];
    const delta = tf.tensor4d(perSample(n, fl * (high - low), fh * (high - low)), [n, 1, 1, 1]);
    return tf.clipByValue(tf.add(x, delta), low, high);
  }
}

/** Keras's ops.normalize(x, axis, order=2, epsilon=1e-12): x · rsqrt(max(sum(x²), 1e-24)). */
export class UnitNormalization extends ConfigLayer {
  static readonly className = 'UnitNormalization';

  constructor(args: Config) {
    super(args, ['axis']);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const axis = this.own.axis;
      const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (Number(a) < 0 ? Number(a) + x.rank : Number(a)));
      const squareSum = tf.sum(tf.square(x), axes, true);
      return tf.mul(x, tf.rsqrt(tf.maximum(squareSum, 1e-24)));
    });
  }
}

export const PREPROCESSING_LAYERS = [
  UnitNormalization,
  Resizing,
  CenterCrop,
  Normalization,
  RandomFlip,
  RandomRotation,
  RandomZoom,
  RandomTranslation,
  RandomContrast,
  RandomBrightness,
];
