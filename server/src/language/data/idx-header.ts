// IDX headers (the MNIST file format): magic 0x0000 <type> <ndims>, then ndims big-endian
// uint32 sizes, then the data. Files may be gzipped. Reading a header touches only the first
// bytes of the file, so the checker can afford it on every keystroke.

import { basename } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { DataError } from './errors';
import { readHead } from './read-file';

const IDX_TYPES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};

export interface IdxHeader {
  /** Always 0x08 (unsigned byte): the only type MNIST-style data uses, and the only one read. */
  type: number;
  dims: number[];
  /** Offset of the data after the header (in the uncompressed bytes). */
  dataOffset: number;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Parses an IDX header from the (uncompressed) start of a file. `file` is used in messages. */
export function parseIdxHeader(bytes: Uint8Array, file: string): IdxHeader {
  const name = basename(file);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError('data-format', `${name} is not an IDX file (it should start with the bytes 00 00); check the path`);
  }
  const type = bytes[2];
  const ndims = bytes[3];
  if (type !== 0x08) {
    const what = IDX_TYPES[type] ?? `unknown type 0x${type.toString(16)}`;
    throw new DataError('data-format', `${name} holds ${what} values; only unsigned-byte IDX files (type 0x08, as MNIST uses) can be read`);
  }
  if (ndims < 1 || bytes.length < 4 + 4 * ndims) {
    throw new DataError('data-format', `${name} has a truncated IDX header (${ndims} dimensions); the file is damaged, download it again`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { type, dims, dataOffset: 4 + 4 * ndims };
}

/** Reads only the header of an IDX file, gzipped or not. Throws DataError; `written` names the file in them. */
export function readIdxHeaderSync(path: string, written = path): IdxHeader {
  let head = readHead(path, 4096, written);
  if (isGzip(head)) {
    // Inflate just the first block: a sync flush lets zlib return what it has without the end of the stream.
    try {
      head = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      throw new DataError('data-format', `${basename(path)} looks gzipped but cannot be decompressed; the file is damaged, download it again`);
    }
  }
  return parseIdxHeader(head, path);
}
