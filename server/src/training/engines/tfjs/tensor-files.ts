// Reads the raw little-endian tensor files of the run protocol into typed arrays.
import { readFileSync } from 'node:fs';
import type { TensorFile } from '../../protocol';

export type HostArray = Float32Array | Int32Array | Uint8Array;

export interface HostTensor {
  data: HostArray;
  shape: number[];
}

export function readTensorFile(file: TensorFile): HostTensor {
  const buf = readFileSync(file.path);
  const count = file.shape.reduce((a, b) => a * b, 1);
  // Copy into a fresh, aligned buffer: Buffer slices may start at any byte offset.
  const bytes = new Uint8Array(buf.byteLength);
  bytes.set(buf);
  const data =
    file.dtype === 'uint8' ? bytes : file.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  if (data.length !== count) {
    throw new Error(`${file.path}: expected ${count} ${file.dtype} values for shape [${file.shape}], found ${data.length}`);
  }
  return { data, shape: file.shape };
}
