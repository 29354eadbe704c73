// The data of a .npy file as numbers: uint8 and bool stay bytes, other dtypes become float32
// (engines compute in float32). Shared by data preparation (training/data/npy.ts) and the
// checker's label scan of small files, so both read the same values.

import { DataError } from './errors';
import { NPY_DTYPES, type NpyHeader } from './npy-header';

export function npyValues(bytes: Uint8Array, header: NpyHeader, file: string): Uint8Array | Float32Array {
  const count = header.shape.reduce((a, b) => a * b, 1);
  const size = NPY_DTYPES[header.descr].bytes;
  const body = bytes.subarray(header.dataOffset);
  if (body.length < count * size) {
    throw new DataError('data-format', `${file} is cut short: its header promises ${count} values of ${size} bytes but it holds ${body.length} bytes`);
  }
  const view = new DataView(body.buffer, body.byteOffset, count * size);
  switch (header.descr) {
    case '|u1':
      return body.subarray(0, count);
    case '|b1':
      return Uint8Array.from(body.subarray(0, count), (v) => (v ? 1 : 0));
    case '<f4':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
    case '<f8':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
    case '<i4':
      return Float32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
    case '<i8':
      return Float32Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
}
