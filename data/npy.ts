// `npy(x='x.npy', y='y.npy')`: NumPy .npy arrays (magic '\x93NUMPY', version, a header length,
// then a Python dict literal like {'descr': '<f4', 'fortran_order': False, 'shape': (100, 3), }).
// uint8 and bool stay bytes; other dtypes become float32 (engines compute in float32); C order
// only. One module for the format: the header probe the checker runs on every keystroke, and the
// loader training runs, with the same checks and messages.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { DataError } from '../language/data/errors';
import { labelValuesOf } from '../language/data/label-rules';
import { readHead, SMALL_FILE_BYTES, statPath } from '../language/data/read-file';
import { pathArg } from '../language/data/source-args';
import type { SourceInfo, SourceRef } from '../language/data/types';
import { excerpt } from '../language/excerpt';
import { thousands, withArg } from './common';
import type { SourceLoader } from './types';

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
    throw new DataError(
      'data-format',
      `${name} uses .npy format version ${major}, which is not supported; save it with numpy.save`,
    );
  }
  if (bytes.length < start + length) {
    throw new DataError('data-format', `${name} has a truncated .npy header; the file is damaged, save it again`);
  }
  const text = Buffer.from(bytes.subarray(start, start + length)).toString('latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataError(
      'data-format',
      `${name} has a .npy header ModelSpec cannot read (${excerpt(text.trim())}); save it with numpy.save`,
    );
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
    throw new DataError(
      'data-format',
      `${name} has an unreadable shape (${excerpt(shapeText)}); save it with numpy.save`,
    );
  }
  return { descr: normalized as NpyDescr, shape, dataOffset: start + length };
}

/** Reads only the header of a .npy file. */
export function readNpyHeaderSync(path: string, written = path): NpyHeader {
  const head = readHead(path, 16, written);
  if (head.length >= 10 && head[6] === 1)
    return parseNpyHeader(readHead(path, 10 + (head[8] | (head[9] << 8)), written), path);
  if (head.length >= 12 && (head[6] === 2 || head[6] === 3)) {
    const length = Buffer.from(head).readUInt32LE(8);
    return parseNpyHeader(readHead(path, 12 + Math.min(length, 1 << 20), written), path);
  }
  return parseNpyHeader(head, path);
}

/** The data of a .npy file as numbers: the probe's label scan of small files and the loader read the same values. */
export function npyValues(bytes: Uint8Array, header: NpyHeader, file: string): Uint8Array | Float32Array {
  const count = header.shape.reduce((a, b) => a * b, 1);
  const size = NPY_DTYPES[header.descr].bytes;
  const body = bytes.subarray(header.dataOffset);
  if (body.length < count * size) {
    throw new DataError(
      'data-format',
      `${file} is cut short: its header promises ${count} values of ${size} bytes but it holds ${body.length} bytes`,
    );
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

/** One sample per row of y: x and y must have the same first axis (probe and loader). */
function checkPair(x: number[], y: number[], xFile: string, yFile: string): void {
  if (x.length === 0 || y.length === 0 || x[0] !== y[0]) {
    throw new DataError(
      'data-format',
      `${xFile} has shape (${x.join(', ')}) and ${yFile} has (${y.join(', ')}); they need the same number of samples (first axis)`,
      'y',
    );
  }
}

/** A sample's shape: uint8 (N, H, W) arrays are grayscale images and gain a channel axis. */
function sampleShapeOf(descr: NpyDescr, shape: number[]): number[] {
  const sample = shape.slice(1);
  return descr === '|u1' && sample.length === 2 ? [...sample, 1] : sample;
}

/** The checker's view: both headers, plus the label values when y is small and one label per sample. */
export function probeNpy(ref: SourceRef, baseDir: string): SourceInfo {
  const xArg = pathArg(ref, 'x', baseDir);
  const yArg = pathArg(ref, 'y', baseDir);
  const x = withArg('x', () => readNpyHeaderSync(xArg.path, xArg.written));
  const y = withArg('y', () => readNpyHeaderSync(yArg.path, yArg.written));
  checkPair(x.shape, y.shape, xArg.written, yArg.written);
  const scan = y.shape.slice(1).every((d) => d === 1) && statPath(yArg.path, yArg.written).size <= SMALL_FILE_BYTES;
  const labels = scan
    ? withArg('y', () => npyValues(readHead(yArg.path, SMALL_FILE_BYTES, yArg.written), y, yArg.written))
    : undefined;
  return {
    ...(labels && { labelValues: labelValuesOf(labels, (i) => `index ${i} of ${yArg.written}`) }),
    ok: true,
    sampleShape: sampleShapeOf(x.descr, x.shape),
    targetShape: y.shape.slice(1),
    samples: x.shape[0],
    // A 2-D y is one-hot: its width is the number of classes.
    ...(y.shape.length === 2 && y.shape[1] > 1 && { classCount: y.shape[1] }),
    description: `${xArg.written}: ${thousands(x.shape[0])} samples of shape (${x.shape.slice(1).join(', ')})`,
  };
}

/** Training's view: both arrays read whole. */
export const npySource: SourceLoader = {
  async files(ref, _split, ctx) {
    return [pathArg(ref, 'x', ctx.baseDir).path, pathArg(ref, 'y', ctx.baseDir).path];
  },
  async load(ref, _split, ctx) {
    const xArg = pathArg(ref, 'x', ctx.baseDir);
    const yArg = pathArg(ref, 'y', ctx.baseDir);
    const x = decodeNpy(await readFile(xArg.path), xArg.written);
    const y = decodeNpy(await readFile(yArg.path), yArg.written);
    checkPair(x.shape, y.shape, xArg.written, yArg.written);
    return {
      x: {
        dtype: x.data instanceof Uint8Array ? 'uint8' : 'float32',
        data: x.data,
        sampleShape: sampleShapeOf(x.descr, x.shape),
      },
      count: x.shape[0],
      y: { kind: 'numbers', values: Float32Array.from(y.data), shape: y.shape.slice(1) },
      isImage: looksLikeImages(x),
      // numpy's own word for a position on the first axis: x[37].
      at: (n, part) => `index ${n} of ${part === 'x' ? xArg.written : yArg.written}`,
    };
  },
};
