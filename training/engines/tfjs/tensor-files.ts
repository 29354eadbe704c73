// Reads the raw little-endian tensor files of the run protocol into typed arrays.
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { TensorFile } from '../../protocol';

export type HostArray = Float32Array | Int32Array | Uint8Array;

export interface HostTensor {
  data: HostArray;
  shape: number[];
}

export function readTensorFile(file: TensorFile): HostTensor {
  const count = file.shape.reduce((a, b) => a * b, 1);
  const bytesPer = file.dtype === 'uint8' ? 1 : 4;
  // Copy into a fresh, aligned buffer: Buffer slices may start at any byte offset.
  let bytes: Uint8Array;
  if (file.offset !== undefined) {
    // One tensor inside a larger file (a weight in a saved model's weights.bin).
    const size = statSync(file.path).size;
    if (size < file.offset + count * bytesPer) {
      throw new Error(
        `${file.path}: ${size} bytes, too short for ${file.dtype} [${file.shape}] at byte ${file.offset}`,
      );
    }
    bytes = new Uint8Array(count * bytesPer);
    const fd = openSync(file.path, 'r');
    try {
      readSync(fd, bytes, 0, bytes.byteLength, file.offset);
    } finally {
      closeSync(fd);
    }
  } else {
    const buf = readFileSync(file.path);
    bytes = new Uint8Array(buf.byteLength);
    bytes.set(buf);
  }
  const data =
    file.dtype === 'uint8'
      ? bytes
      : file.dtype === 'int32'
        ? new Int32Array(bytes.buffer)
        : new Float32Array(bytes.buffer);
  if (data.length !== count) {
    throw new Error(
      `${file.path}: expected ${count} ${file.dtype} values for shape [${file.shape}], found ${data.length}`,
    );
  }
  return { data, shape: file.shape };
}
