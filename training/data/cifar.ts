// CIFAR-10 from the batches Keras, torchvision and the CIFAR site all use (`cifar-10-batches-py/`:
// data_batch_1..5 and test_batch, Python pickles of {b'data': uint8 (N, 3072), b'labels': [...]}),
// read as keras.datasets.cifar10.load_data() does: each row is 3 planes of 32×32 (R, G, B),
// transposed to channels-last (N, 32, 32, 3); train is the five batches in order.
// No per-file sums are published (Keras hashes only the archive), so each batch's structure is
// checked instead: the keys, dtype, shape and label range.

import { readFile } from 'node:fs/promises';
import { DataError } from '../../language/data/errors';
import { NdArray, PickleError, PyDict, readPickle } from './pickle';

export interface CifarBatch {
  count: number;
  /** Channels-last uint8 pixels, count × 32 × 32 × 3. */
  x: Uint8Array;
  labels: Int32Array;
}

const PIXELS = 32 * 32;

/** One batch file, transposed to channels-last; `labelKey` is 'labels' (CIFAR-10) or 'fine_labels'/'coarse_labels' (CIFAR-100). */
export async function readCifarBatch(path: string, classCount: number, labelKey = 'labels'): Promise<CifarBatch> {
  let root;
  try {
    root = readPickle(await readFile(path));
  } catch (e) {
    if (e instanceof PickleError) throw new DataError('data-format', `${path} is not a CIFAR batch: ${e.message}`);
    throw e;
  }
  const bad = (what: string) =>
    new DataError(
      'data-format',
      `${path} is not a CIFAR batch (${what}); delete it, or the folder, to download it again`,
    );
  if (!(root instanceof PyDict)) throw bad('not a dict');
  const data = root.get('data');
  const labels = root.get(labelKey);
  if (!(data instanceof NdArray) || !(data.data instanceof Uint8Array)) throw bad("no uint8 'data' array");
  if (data.dtype?.code !== 'u1' || data.shape.length !== 2 || data.shape[1] !== 3 * PIXELS || data.fortranOrder) {
    throw bad(`'data' is ${data.dtype?.str ?? '?'} ${JSON.stringify(data.shape)}, expected |u1 (N, 3072)`);
  }
  const count = data.shape[0];
  if (data.data.length !== count * 3 * PIXELS) throw bad(`'data' holds ${data.data.length} bytes for ${count} images`);
  if (!Array.isArray(labels) || labels.length !== count) throw bad(`'${labelKey}' is not a list of ${count} labels`);
  const y = new Int32Array(count);
  labels.forEach((l, i) => {
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= classCount)
      throw bad(`label ${i} is ${String(l)}, expected 0–${classCount - 1}`);
    y[i] = l;
  });
  // (N, 3, 32, 32) → (N, 32, 32, 3), Keras's transpose(0, 2, 3, 1).
  const src = data.data;
  const x = new Uint8Array(count * 3 * PIXELS);
  for (let n = 0; n < count; n++) {
    const s = n * 3 * PIXELS;
    for (let p = 0; p < PIXELS; p++) {
      const d = (n * PIXELS + p) * 3;
      x[d] = src[s + p];
      x[d + 1] = src[s + PIXELS + p];
      x[d + 2] = src[s + 2 * PIXELS + p];
    }
  }
  return { count, x, labels: y };
}

/** Batches read in order and joined, as load_data() fills x_train from data_batch_1..5. */
export async function readCifarBatches(
  paths: readonly string[],
  classCount: number,
  labelKey?: string,
): Promise<CifarBatch> {
  const batches: CifarBatch[] = [];
  for (const p of paths) batches.push(await readCifarBatch(p, classCount, labelKey));
  if (batches.length === 1) return batches[0];
  const count = batches.reduce((n, b) => n + b.count, 0);
  const x = new Uint8Array(count * 3 * PIXELS);
  const labels = new Int32Array(count);
  let at = 0;
  for (const b of batches) {
    x.set(b.x, at * 3 * PIXELS);
    labels.set(b.labels, at);
    at += b.count;
  }
  return { count, x, labels };
}
