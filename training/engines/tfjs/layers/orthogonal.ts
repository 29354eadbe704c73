// Keras's Orthogonal initializer (the default recurrent_initializer of SimpleRNN, LSTM, GRU).
// TF.js's version calls chained tensor methods (flatten, sign, ...) that only the full
// @tensorflow/tfjs bundle installs, so it fails with tfjs-core alone. This one follows Keras 3:
// QR of a (max(r,c) x min(r,c)) normal matrix, columns signed so R's diagonal is positive,
// transposed when rows < cols, times gain. Gram-Schmidt in float64 gives that Q directly.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Random } from '../random';

type InitializerClass = new (
  args: object,
) => { apply(shape: number[], dtype?: tf.DataType): tf.Tensor; getConfig(): tf.serialization.ConfigDict };
const InitializerBase = Object.getPrototypeOf(tfl.initializers.orthogonal({})).constructor as InitializerClass;

function normal(random: Random): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Orthonormal columns of an m x n normal matrix (m >= n), row-major. */
export function orthonormalColumns(m: number, n: number, random: Random): Float64Array {
  const a = new Float64Array(m * n);
  for (let i = 0; i < a.length; i++) a[i] = normal(random);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += a[i * n + j]! * a[i * n + k]!;
      for (let i = 0; i < m; i++) a[i * n + j] -= dot * a[i * n + k]!;
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += a[i * n + j]! ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < m; i++) a[i * n + j] /= norm;
  }
  return a;
}

export class KerasOrthogonal extends InitializerBase {
  static readonly className = 'Orthogonal';
  private readonly gain: number;
  private readonly seed?: number;

  constructor(args: { gain?: number; seed?: number | null } = {}) {
    super(args);
    this.gain = args.gain ?? 1;
    this.seed = args.seed ?? undefined;
  }

  override apply(shape: number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    const cols = shape[shape.length - 1]!;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const q = orthonormalColumns(m, n, new Random(this.seed ?? Math.floor(Math.random() * 2 ** 31)));
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) out[i * cols + j] = this.gain * (rows >= cols ? q[i * n + j]! : q[j * n + i]!);
    return tf.tensor(out, shape, dtype);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { gain: this.gain, seed: this.seed ?? null };
  }
}
