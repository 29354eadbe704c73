// NumPy .npy arrays: `npy(x='x.npy', y='y.npy')`. uint8 and bool stay bytes; other dtypes become
// float32 (engines compute in float32). C order only.

import { readFile } from 'node:fs/promises';
import { DataError } from '../../language/data/errors';
import { parseNpyHeader, type NpyDescr } from '../../language/data/npy-header';
import { npyValues } from '../../language/data/npy-values';
import { pathArg } from '../../language/data/source-args';
import type { SourceLoader } from './types';

export { parseNpyHeader, readNpyHeaderSync } from '../../language/data/npy-header';

export interface NpyArray {
  descr: NpyDescr;
  shape: number[];
  /** uint8 for '|u1' and '|b1', float32 for the rest. */
  data: Uint8Array | Float32Array;
}

export function decodeNpy(bytes: Uint8Array, file: string): NpyArray {
  const header = parseNpyHeader(bytes, file);
  return { descr: header.descr, shape: header.shape, data: npyValues(bytes, header, file) };
}

/** Whether the array's values are images: uint8 samples of rank 2 or rank 3 with 1, 3 or 4 channels. */
function looksLikeImages(a: NpyArray): boolean {
  const sample = a.shape.slice(1);
  return a.descr === '|u1' && (sample.length === 2 || (sample.length === 3 && [1, 3, 4].includes(sample[2])));
}

export const npySource: SourceLoader = {
  async files(ref, _split, ctx) {
    return [pathArg(ref, 'x', ctx.baseDir).path, pathArg(ref, 'y', ctx.baseDir).path];
  },
  async load(ref, _split, ctx) {
    const xArg = pathArg(ref, 'x', ctx.baseDir);
    const yArg = pathArg(ref, 'y', ctx.baseDir);
    const x = decodeNpy(await readFile(xArg.path), xArg.written);
    const y = decodeNpy(await readFile(yArg.path), yArg.written);
    if (x.shape.length === 0 || y.shape.length === 0 || x.shape[0] !== y.shape[0]) {
      throw new DataError(
        'data-format',
        `${xArg.written} has shape (${x.shape.join(', ')}) and ${yArg.written} has (${y.shape.join(', ')}); they need the same number of samples (first axis)`,
        'y',
      );
    }
    const images = looksLikeImages(x);
    const sampleShape = x.shape.slice(1);
    return {
      x: {
        dtype: x.data instanceof Uint8Array ? 'uint8' : 'float32',
        data: x.data,
        sampleShape: images && sampleShape.length === 2 ? [...sampleShape, 1] : sampleShape,
      },
      count: x.shape[0],
      y: { kind: 'numbers', values: Float32Array.from(y.data), shape: y.shape.slice(1) },
      isImage: images,
      // numpy's own word for a position on the first axis: x[37].
      at: (n, part) => `index ${n} of ${part === 'x' ? xArg.written : yArg.written}`,
    };
  },
};
