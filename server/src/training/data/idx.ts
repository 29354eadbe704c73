// Reads IDX files (MNIST's format), gzipped or not: the header's dims and the uint8 data.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { isGzip, parseIdxHeader } from '../../language/data/idx-header';
import { DataError } from '../../language/data/errors';

export { readIdxHeaderSync, parseIdxHeader } from '../../language/data/idx-header';
export type { IdxHeader } from '../../language/data/idx-header';

const gunzipAsync = promisify(gunzip);

export interface IdxData {
  dims: number[];
  /** Row-major uint8 values, a view into the file's bytes (no copy). */
  data: Uint8Array;
}

export async function readIdx(path: string): Promise<IdxData> {
  let bytes: Uint8Array = await readFile(path);
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new DataError('data-format', `${basename(path)} cannot be decompressed (${(e as Error).message}); the file is damaged, download it again`);
    }
  }
  const header = parseIdxHeader(bytes, path);
  const count = header.dims.reduce((a, b) => a * b, 1);
  const available = bytes.length - header.dataOffset;
  if (available < count) {
    throw new DataError(
      'data-format',
      `${basename(path)} is cut short: its header promises ${header.dims.join('×')} = ${count} bytes but it holds ${available}; download it again`,
    );
  }
  return { dims: header.dims, data: bytes.subarray(header.dataOffset, header.dataOffset + count) };
}
