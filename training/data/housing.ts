// boston_housing and california_housing exactly as keras.datasets.*.load_data() returns them:
// x and y from the .npz (float64, kept as float32 for the engines), california's version='small'
// keeps the first 600, one np.random.RandomState(seed) shuffle, then the first
// int(n * (1 - test_split)) for train and the rest for test.

import { DataError } from '../../language/data/errors';
import { MT19937, shuffledIndices } from './numpy-random';
import { readNpz, type NpzArray } from './npz';

export interface HousingOptions {
  testSplit: number;
  seed: number;
  /** Keep only the first `limit` rows (california_housing's version='small': 600). */
  limit?: number;
}

export interface Table {
  count: number;
  /** count × features, row-major. */
  x: Float32Array;
  features: number;
  y: Float32Array;
}

export async function loadHousing(path: string, options: HousingOptions): Promise<{ train: Table; test: Table }> {
  const npz = await readNpz(path);
  const x = npz.get('x');
  const y = npz.get('y');
  if (!x || !y || x.shape.length !== 2 || y.shape.length !== 1 || x.shape[0] !== y.shape[0]) {
    throw new DataError(
      'data-format',
      `${path} lacks matching 'x' (rows, features) and 'y' (rows,) arrays; delete it to download it again`,
    );
  }
  const features = x.shape[1];
  const n = Math.min(x.shape[0], options.limit ?? Infinity);
  const xs = floats(x, path);
  const ys = floats(y, path);
  const order = shuffledIndices(new MT19937(options.seed), n);
  const cut = Math.trunc(n * (1 - options.testSplit)); // Python's int(len(x) * (1 - test_split))
  const part = (from: number, to: number): Table => {
    const count = to - from;
    const px = new Float32Array(count * features);
    const py = new Float32Array(count);
    for (let r = 0; r < count; r++) {
      const i = order[from + r];
      px.set(xs.subarray(i * features, (i + 1) * features), r * features);
      py[r] = ys[i];
    }
    return { count, x: px, features, y: py };
  };
  return { train: part(0, cut), test: part(cut, n) };
}

function floats(a: NpzArray, path: string): Float32Array {
  const count = a.shape.reduce((p, d) => p * d, 1);
  const bytes = a.bytes;
  const size = a.descr === '<f8' ? 8 : a.descr === '<f4' ? 4 : 0;
  if (!bytes || !size || bytes.length < count * size)
    throw new DataError('data-format', `${path}: an array of dtype ${a.descr}, expected float64`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: count }, (_, i) =>
    size === 8 ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true),
  );
}
