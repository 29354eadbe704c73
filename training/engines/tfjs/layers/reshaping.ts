// Keras layers TF.js lacks that only move values around: UpSampling1D/3D, ZeroPadding1D/3D,
// Cropping1D/3D and GlobalMax/AveragePooling3D; and Flatten, which TF.js refuses on (None, n).
// Arguments arrive camel-cased from modelFromJSON.
import * as tf from '@tensorflow/tfjs-core';
import { required } from './required';
import * as tfl from '@tensorflow/tfjs-layers';

type Shape = (number | null)[];
type Args = Record<string, unknown> & {
  name?: string;
  batchInputShape?: Shape;
  inputShape?: Shape;
  dtype?: string;
  trainable?: boolean;
};

/** The common Layer arguments (name, input shape, dtype) to pass to the base constructor. */
function baseArgs(args: Args): object {
  const { name, batchInputShape, inputShape, dtype, trainable } = args;
  return { name, batchInputShape, inputShape, dtype, trainable };
}

/** Keras's int | (a, b) | ((a, b), ...) padding/cropping argument as [before, after] per axis. */
export function pairs(value: unknown, dims: number, fallback: number): [number, number][] {
  if (value == null) return Array.from({ length: dims }, () => [fallback, fallback]);
  if (typeof value === 'number') return Array.from({ length: dims }, () => [value, value]);
  const list = value as unknown[];
  if (dims === 1 && list.length === 2 && typeof list[0] === 'number') return [[list[0] as number, list[1] as number]];
  return list.map((v) => (typeof v === 'number' ? [v, v] : [(v as number[])[0]!, (v as number[])[1]!]));
}

function repeatAxis(x: tf.Tensor, axis: number, times: number): tf.Tensor {
  if (times === 1) return x;
  const expanded = tf.expandDims(x, axis + 1);
  const reps = expanded.shape.map((_, i) => (i === axis + 1 ? times : 1));
  const shape = x.shape.slice();
  shape[axis] = shape[axis]! * times;
  return tf.reshape(tf.tile(expanded, reps), shape);
}

abstract class SimpleLayer extends tfl.layers.Layer {
  protected readonly keras: Args;
  constructor(args: Args) {
    super(baseArgs(args));
    this.keras = args;
  }
  protected abstract mapShape(s: Shape): Shape;
  protected abstract apply1(x: tf.Tensor): tf.Tensor;
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return this.mapShape(inputShape as Shape) as tfl.Shape;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => this.apply1(Array.isArray(inputs) ? inputs[0]! : inputs));
  }
}

const scaled = (d: number | null, k: number) => (d == null ? null : d * k);
const grown = (d: number | null, [a, b]: [number, number]) => (d == null ? null : d + a + b);
const shrunk = (d: number | null, [a, b]: [number, number]) => (d == null ? null : d - a - b);

export class UpSampling1D extends SimpleLayer {
  static readonly className = 'UpSampling1D';
  private get size() {
    return Number(required(UpSampling1D.className, this.keras, 'size'));
  }
  protected mapShape(s: Shape): Shape {
    return [s[0]!, scaled(s[1]!, this.size), s[2]!];
  }
  protected apply1(x: tf.Tensor) {
    return repeatAxis(x, 1, this.size);
  }
  override getConfig() {
    return { ...super.getConfig(), size: this.size };
  }
}

export class UpSampling3D extends SimpleLayer {
  static readonly className = 'UpSampling3D';
  private get size(): number[] {
    const s = required<number | number[]>(UpSampling3D.className, this.keras, 'size');
    return typeof s === 'number' ? [s, s, s] : (s as number[]);
  }
  protected mapShape(s: Shape): Shape {
    return [s[0]!, ...this.size.map((k, i) => scaled(s[i + 1]!, k)), s[4]!];
  }
  protected apply1(x: tf.Tensor) {
    return this.size.reduce((t, k, i) => repeatAxis(t, i + 1, k), x);
  }
  override getConfig() {
    return { ...super.getConfig(), size: this.size };
  }
}

abstract class PadOrCrop extends SimpleLayer {
  protected abstract readonly key: 'padding' | 'cropping';
  constructor(
    args: Args,
    /** How many spatial axes: 1 or 3 (TF.js has the 2D layers). */
    protected readonly dims: number,
  ) {
    super(args);
  }
  protected get amounts() {
    return pairs(this.keras[this.key], this.dims, 1);
  }
  override getConfig() {
    return { ...super.getConfig(), [this.key]: this.amounts };
  }
}

class ZeroPadding extends PadOrCrop {
  protected readonly key = 'padding' as const;
  protected mapShape(s: Shape): Shape {
    return s.map((d, i) => (i >= 1 && i <= this.dims ? grown(d, this.amounts[i - 1]!) : d));
  }
  protected apply1(x: tf.Tensor) {
    return tf.pad(x, [[0, 0], ...this.amounts, [0, 0]]);
  }
}

class Cropping extends PadOrCrop {
  protected readonly key = 'cropping' as const;
  protected mapShape(s: Shape): Shape {
    return s.map((d, i) => (i >= 1 && i <= this.dims ? shrunk(d, this.amounts[i - 1]!) : d));
  }
  protected apply1(x: tf.Tensor) {
    const begin = [0, ...this.amounts.map(([a]) => a), 0];
    const size = x.shape.map((d, i) =>
      i >= 1 && i <= this.dims ? d - this.amounts[i - 1]![0] - this.amounts[i - 1]![1] : -1,
    );
    return tf.slice(x, begin, size);
  }
}

export class ZeroPadding1D extends ZeroPadding {
  static readonly className = 'ZeroPadding1D';
  constructor(args: Args) {
    super(args, 1);
  }
}
export class ZeroPadding3D extends ZeroPadding {
  static readonly className = 'ZeroPadding3D';
  constructor(args: Args) {
    super(args, 3);
  }
}
export class Cropping1D extends Cropping {
  static readonly className = 'Cropping1D';
  constructor(args: Args) {
    super(args, 1);
  }
}
export class Cropping3D extends Cropping {
  static readonly className = 'Cropping3D';
  constructor(args: Args) {
    super(args, 3);
  }
}

/**
 * Global pooling over the spatial axes with Keras's keepdims (TF.js lacks the 3D layers and
 * ignores keepdims on the 2D ones, which MobileNetV3's squeeze-and-excitation needs).
 */
abstract class GlobalPooling extends SimpleLayer {
  protected abstract reduce(x: tf.Tensor, axes: number[], keep: boolean): tf.Tensor;
  constructor(
    args: Args,
    private readonly dims: 2 | 3,
  ) {
    super(args);
  }
  private get keepdims() {
    return this.keras['keepdims'] === true;
  }
  protected mapShape(s: Shape): Shape {
    return this.keepdims ? [s[0]!, ...Array<number>(this.dims).fill(1), s[this.dims + 1]!] : [s[0]!, s[this.dims + 1]!];
  }
  protected apply1(x: tf.Tensor) {
    return this.reduce(
      x,
      Array.from({ length: this.dims }, (_, i) => i + 1),
      this.keepdims,
    );
  }
  override getConfig() {
    return { ...super.getConfig(), keepdims: this.keepdims };
  }
}

const maxOver = (x: tf.Tensor, axes: number[], keep: boolean) => tf.max(x, axes, keep);
const meanOver = (x: tf.Tensor, axes: number[], keep: boolean) => tf.mean(x, axes, keep);

export class GlobalMaxPooling2D extends GlobalPooling {
  static readonly className = 'GlobalMaxPooling2D';
  constructor(args: Args) {
    super(args, 2);
  }
  protected reduce = maxOver;
}
export class GlobalAveragePooling2D extends GlobalPooling {
  static readonly className = 'GlobalAveragePooling2D';
  constructor(args: Args) {
    super(args, 2);
  }
  protected reduce = meanOver;
}
export class GlobalMaxPooling3D extends GlobalPooling {
  static readonly className = 'GlobalMaxPooling3D';
  constructor(args: Args) {
    super(args, 3);
  }
  protected reduce = maxOver;
}
export class GlobalAveragePooling3D extends GlobalPooling {
  static readonly className = 'GlobalAveragePooling3D';
  constructor(args: Args) {
    super(args, 3);
  }
  protected reduce = meanOver;
}

// TF.js exports Flatten only through its factory; its class is the instance's constructor.
const TfjsFlatten = tfl.layers.flatten({}).constructor as new (args?: object) => tfl.layers.Layer;

/** Keras 3's Flatten: (None, 4) stays (None, 4); TF.js's demands at least 3 axes. */
export class KerasFlatten extends TfjsFlatten {
  static readonly className = 'Flatten';
  constructor(args?: object) {
    super(args);
    this.inputSpec = [{ minNDim: 2 }];
  }
}

// TF.js exports Reshape only through its factory too.
const TfjsReshape = tfl.layers.reshape({ targetShape: [1] }).constructor as new (
  args: object,
) => tfl.layers.Layer & {
  targetShape: Shape;
  fixUnknownDimension(inputShape: number[], outputShape: Shape): number[];
};

/**
 * Keras 3's Reshape: one -1 is inferred from the sample's size (compute_reshape_output_shape),
 * and stays None only when a sample axis is unknown. TF.js's counts the batch axis among the
 * unknown ones, so it never infers -1 while building and the next layer sees a None axis.
 */
export class KerasReshape extends TfjsReshape {
  static readonly className = 'Reshape';
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const input = inputShape as Shape;
    const sample = input.slice(1);
    if (sample.some((d) => d == null)) return [input[0]!, ...this.targetShape] as tfl.Shape;
    return [input[0]!, ...this.fixUnknownDimension(sample as number[], this.targetShape)] as tfl.Shape;
  }
  override getConfig() {
    // TF.js stores the -1 as null; Keras's config (and a saved model.json) writes -1.
    return { ...super.getConfig(), targetShape: this.targetShape.map((d) => (d == null ? -1 : d)) };
  }
}

export const RESHAPING_LAYERS = [
  KerasFlatten,
  KerasReshape,
  UpSampling1D,
  UpSampling3D,
  ZeroPadding1D,
  ZeroPadding3D,
  Cropping1D,
  Cropping3D,
  GlobalMaxPooling2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling3D,
  GlobalAveragePooling3D,
];
