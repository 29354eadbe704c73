// Turns the prepared tensor files into batches: validation split (Keras: the last fraction of
// train, before shuffling), seeded shuffling, rescale, reshape to the model's input, label
// encoding, featurewise standardisation and on-the-fly augmentation of training batches.
import * as tf from '@tensorflow/tfjs-core';
import type { PreparedData, PreparedSplit } from '../../protocol';
import { augmentBatch, parseAugment, type AugmentOptions } from './augment';
import type { Random } from './random';
import { readTensorFile, type HostArray, type HostTensor } from './tensor-files';

/** One split: the backing arrays plus which of their rows belong to it. */
export interface Split {
  x: HostTensor;
  y: HostTensor;
  rows: Int32Array;
}

export interface DataShapes {
  /** Model input shape without the batch axis. */
  input: number[];
  /** Model output shape without the batch axis. */
  output: number[];
}

const product = (s: number[]) => s.reduce((a, b) => a * b, 1);

function rangeRows(start: number, end: number): Int32Array {
  const r = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < r.length; i++) r[i] = start + i;
  return r;
}

function loadSplit(split: PreparedSplit): Split {
  const x = readTensorFile(split.x);
  const y = readTensorFile(split.y);
  if (x.shape[0] !== y.shape[0]) {
    throw new Error(`data: ${x.shape[0]} samples in ${split.x.path} but ${y.shape[0]} labels in ${split.y.path}`);
  }
  return { x, y, rows: rangeRows(0, x.shape[0]!) };
}

export class DataPipeline {
  readonly train: Split;
  readonly validation?: Split;
  readonly test?: Split;
  /** Sample shape as stored (without the batch axis), e.g. [28, 28] or [28, 28, 1]. */
  readonly sampleShape: number[];
  readonly augment?: AugmentOptions;
  private featureMean?: Float32Array;
  private featureStd?: Float32Array;

  constructor(
    readonly spec: PreparedData,
    readonly shapes: DataShapes,
  ) {
    const train = loadSplit(spec.train);
    this.sampleShape = train.x.shape.slice(1);
    const need = product(shapes.input);
    if (product(this.sampleShape) !== need) {
      throw new Error(
        `data: samples of ${spec.source} have shape (${this.sampleShape.join(', ')}) = ${product(this.sampleShape)} values, ` +
          `but the model's input (${shapes.input.join(', ')}) takes ${need}`,
      );
    }
    if (spec.validation) {
      this.train = train;
      this.validation = loadSplit(spec.validation);
    } else if (spec.validationSplit > 0) {
      // Keras: split_at = floor(n * (1 - validation_split)); validation is the tail, unshuffled.
      const n = train.rows.length;
      const splitAt = Math.floor(n * (1 - spec.validationSplit));
      this.train = { ...train, rows: rangeRows(0, splitAt) };
      this.validation = { ...train, rows: rangeRows(splitAt, n) };
    } else {
      this.train = train;
    }
    if (spec.test) this.test = loadSplit(spec.test);
    if (spec.augment && spec.isImage) this.augment = parseAugment(spec.augment);
    if (this.augment?.featurewiseCenter || this.augment?.featurewiseStdNormalization) this.computeFeatureStats();
  }

  get isImage(): boolean {
    return this.spec.isImage && this.sampleShape.length >= 2;
  }

  /** Image geometry [H, W, C] of a sample (a missing channel axis counts as 1). */
  get imageShape(): [number, number, number] {
    const s = this.sampleShape;
    return [s[0]!, s[1]!, s.length >= 3 ? s[2]! : 1];
  }

  /** Per-channel mean and std over the training rows (after rescale), as Keras's fit() does. */
  private computeFeatureStats(): void {
    const channels = this.isImage ? this.imageShape[2] : 1;
    const sum = new Float64Array(channels);
    const sq = new Float64Array(channels);
    const per = product(this.sampleShape);
    const { data } = this.train.x;
    const scale = this.spec.rescale;
    let count = 0;
    for (const r of this.train.rows) {
      const base = r * per;
      for (let i = 0; i < per; i++) {
        const v = data[base + i]! * scale;
        const c = i % channels;
        sum[c] += v;
        sq[c] += v * v;
      }
      count += per / channels;
    }
    this.featureMean = new Float32Array(channels);
    this.featureStd = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      const m = sum[c]! / count;
      this.featureMean[c] = m;
      this.featureStd[c] = Math.sqrt(Math.max(0, sq[c]! / count - m * m));
    }
  }

  /** The float values of `rows` (rescaled, optionally augmented and standardised). */
  hostX(split: Split, rows: ArrayLike<number>, augment: boolean, random?: Random): Float32Array {
    const per = product(this.sampleShape);
    const out = new Float32Array(rows.length * per);
    const src: HostArray = split.x.data;
    const scale = this.spec.rescale;
    for (let b = 0; b < rows.length; b++) {
      const base = rows[b]! * per;
      const o = b * per;
      for (let i = 0; i < per; i++) out[o + i] = src[base + i]! * scale;
    }
    if (augment && this.augment && random && this.isImage)
      augmentBatch(out, rows.length, this.imageShape, this.augment, random);
    if (this.featureMean && this.featureStd) {
      const channels = this.featureMean.length;
      // No ImageDataGenerator: no featurewise statistics.
      const center = this.augment?.featurewiseCenter === true;
      const normalise = this.augment?.featurewiseStdNormalization === true;
      for (let i = 0; i < out.length; i++) {
        const c = i % channels;
        let v = out[i]!;
        if (center) v -= this.featureMean[c]!;
        if (normalise) v /= this.featureStd[c]! + 1e-6;
        out[i] = v;
      }
    }
    return out;
  }

  batchX(split: Split, rows: ArrayLike<number>, augment = false, random?: Random): tf.Tensor {
    return tf.tensor(this.hostX(split, rows, augment, random), [rows.length, ...this.shapes.input], 'float32');
  }

  /**
   * A training batch: the (augmented) inputs and their targets. With class_mode 'input' the
   * targets are those same inputs, so an augmented image is reconstructed as augmented.
   */
  trainBatch(split: Split, rows: ArrayLike<number>, random: Random): [tf.Tensor, tf.Tensor] {
    const x = this.batchX(split, rows, true, random);
    if (this.spec.classMode === 'input') return [x, tf.reshape(x, [rows.length, ...this.shapes.output])];
    return [x, this.batchY(split, rows)];
  }

  get numClasses(): number {
    return this.shapes.output[this.shapes.output.length - 1] ?? 1;
  }

  /** Labels of `rows` as the loss expects them. */
  batchY(split: Split, rows: ArrayLike<number>): tf.Tensor {
    const y = split.y;
    const per = product(y.shape.slice(1));
    if (this.spec.labelEncoding === 'onehot') {
      const k = this.numClasses;
      const out = new Float32Array(rows.length * k);
      for (let b = 0; b < rows.length; b++) {
        const label = y.data[rows[b]! * per]!;
        if (label < 0 || label >= k) throw new Error(`data: label ${label} is outside the model's ${k} classes`);
        out[b * k + label] = 1;
      }
      return tf.tensor2d(out, [rows.length, k]);
    }
    if (this.spec.labelEncoding === 'index') {
      const out = new Int32Array(rows.length);
      for (let b = 0; b < rows.length; b++) out[b] = y.data[rows[b]! * per]!;
      return tf.tensor1d(out, 'int32');
    }
    const out = new Float32Array(rows.length * per);
    for (let b = 0; b < rows.length; b++) {
      const base = rows[b]! * per;
      for (let i = 0; i < per; i++) out[b * per + i] = y.data[base + i]!;
    }
    const shape = per === product(this.shapes.output) ? this.shapes.output : y.shape.slice(1);
    return tf.tensor(out, [rows.length, ...shape], 'float32');
  }

  /** Integer class of each row (classification only), for the confusion matrix. */
  classOf(split: Split, row: number): number {
    const per = product(split.y.shape.slice(1));
    if (this.spec.labelEncoding === 'raw' && per > 1) {
      // One-hot stored labels: the arg max.
      let best = 0;
      for (let i = 1; i < per; i++) if (split.y.data[row * per + i]! > split.y.data[row * per + best]!) best = i;
      return best;
    }
    return Math.round(split.y.data[row * per]!);
  }
}

/** Row order for one epoch. */
export function epochOrder(split: Split, shuffle: boolean, random: Random): Int32Array {
  const rows = Int32Array.from(split.rows);
  return shuffle ? random.shuffle(rows) : rows;
}
