// NumPy .npy headers: magic '\x93NUMPY', version, a header length (uint16 in v1, uint32 in v2/v3),
// then a Python dict literal like {'descr': '<f4', 'fortran_order': False, 'shape': (100, 3), }.

import { basename } from 'node:path';
import { DataError } from './errors';
import { excerpt } from '../excerpt';
import { readHead } from './read-file';

/** The dtypes ModelSpec reads, by their NumPy descr. */
export const NPY_DTYPES = {
  '<f4': { name: 'float32', bytes: 4 },
  '<f8': { name: 'float64', bytes: 8 },
  '|u1': { name: 'uint8', bytes: 1 },
  '<i4': { name: 'int32', bytes: 4 },
  '<i8': { name: 'int64', bytes: 8 },
  '|b1': { name: 'bool', bytes: 1 },
} as const;

export type NpyDescr = keyof typeof NPY_DTYPES;

export interface NpyHeader {
  descr: NpyDescr;
  shape: number[];
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses the header from the start of a .npy file. Throws DataError with the file name and the fix. */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  const name = basename(file);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataError('data-format', `${name} is not a .npy file (no \\x93NUMPY magic); save it with numpy.save`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start: number;
  let length: number;
  if (major === 1) {
    start = 10;
    length = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    start = 12;
    length = bytes.length >= 12 ? view.getUint32(8, true) : 0;
  } else {
    throw new DataError('data-format', `${name} uses .npy format version ${major}, which is not supported; save it with numpy.save`);
  }
  if (bytes.length < start + length) {
    throw new DataError('data-format', `${name} has a truncated .npy header; the file is damaged, save it again`);
  }
  const text = Buffer.from(bytes.subarray(start, start + length)).toString('latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataError('data-format', `${name} has a .npy header ModelSpec cannot read (${excerpt(text.trim())}); save it with numpy.save`);
  }
  if (fortran === 'True') {
    throw new DataError(
      'data-format',
      `${name} is stored in Fortran (column-major) order; save it in C order: numpy.save('${name}', numpy.ascontiguousarray(a))`,
    );
  }
  const normalized = descr === '<u1' || descr === '>u1' ? '|u1' : descr === '<b1' ? '|b1' : descr;
  if (!(normalized in NPY_DTYPES)) {
    throw new DataError(
      'data-format',
      `${name} has dtype '${excerpt(descr)}'; supported are float32, float64, uint8, int32, int64 and bool, little-endian: convert with a.astype('float32')`,
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new DataError('data-format', `${name} has an unreadable shape (${excerpt(shapeText)}); save it with numpy.save`);
  }
  return { descr: normalized as NpyDescr, shape, dataOffset: start + length };
}

/** Reads only the header of a .npy file. */
export function readNpyHeaderSync(path: string, written = path): NpyHeader {
  const head = readHead(path, 16, written);
  if (head.length >= 10 && head[6] === 1) return parseNpyHeader(readHead(path, 10 + (head[8] | (head[9] << 8)), written), path);
  if (head.length >= 12 && (head[6] === 2 || head[6] === 3)) {
    const length = Buffer.from(head).readUInt32LE(8);
    return parseNpyHeader(readHead(path, 12 + Math.min(length, 1 << 20), written), path);
  }
  return parseNpyHeader(head, path);
}
