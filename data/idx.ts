// `idx(images='…', labels='…')`: a pair of IDX files like MNIST's (magic 0x0000 <type> <ndims>,
// then ndims big-endian uint32 sizes, then the data), gzipped or not. One module for the format:
// the header probe the checker runs on every keystroke (a few KiB read), and the loader training
// runs, with the same checks and messages.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { constants, gunzip, gunzipSync } from 'node:zlib';
import { DataError } from '../language/data/errors';
import { readHead, SMALL_FILE_BYTES, statPath } from '../language/data/read-file';
import { pathArg } from '../language/data/source-args';
import type { SourceInfo, SourceRef } from '../language/data/types';
import { thousands, withArg } from './common';
import type { SourceLoader } from './types';

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
    throw new DataError(
      'data-format',
      `${name} is not an IDX file (it should start with the bytes 00 00); check the path`,
    );
  }
  const type = bytes[2];
  const ndims = bytes[3];
  if (type !== 0x08) {
    const what = IDX_TYPES[type] ?? `unknown type 0x${type.toString(16)}`;
    throw new DataError(
      'data-format',
      `${name} holds ${what} values; only unsigned-byte IDX files (type 0x08, as MNIST uses) can be read`,
    );
  }
  if (ndims < 1 || bytes.length < 4 + 4 * ndims) {
    throw new DataError(
      'data-format',
      `${name} has a truncated IDX header (${ndims} dimensions); the file is damaged, download it again`,
    );
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
      throw new DataError(
        'data-format',
        `${basename(path)} looks gzipped but cannot be decompressed; the file is damaged, download it again`,
      );
    }
  }
  return parseIdxHeader(head, path);
}

const gunzipAsync = promisify(gunzip);

export interface IdxData {
  dims: number[];
  /** Row-major uint8 values, a view into the file's bytes (no copy). */
  data: Uint8Array;
}

/** Reads a whole IDX file, gzipped or not: its dims and uint8 data. */
export async function readIdx(path: string): Promise<IdxData> {
  let bytes: Uint8Array = await readFile(path);
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new DataError(
        'data-format',
        `${basename(path)} cannot be decompressed (${(e as Error).message}); the file is damaged, download it again`,
      );
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

/** One label per sample: the images' and labels' dims must agree (probe and loader). */
function checkPair(x: number[], y: number[], images: string, labels: string): void {
  if (y.length !== 1 || y[0] !== x[0]) {
    throw new DataError(
      'data-format',
      `${labels} holds ${y.join('×')} labels but ${images} holds ${x[0]} samples; they must be one label per sample`,
      'labels',
    );
  }
}

/** A sample's shape: rank-2 samples are grayscale images and gain the channel axis Keras models expect, (28, 28, 1). */
function sampleShapeOf(dims: number[]): number[] {
  const sample = dims.slice(1);
  return sample.length === 2 ? [...sample, 1] : sample;
}

/** A gzipped IDX label file is inflated at most to this (a gzip bomb must not fill memory). */
const LABELS_INFLATED_MAX = 16 << 20;

/** The checker's view: headers only, plus the class count when the label file is small. */
export function probeIdx(ref: SourceRef, baseDir: string): SourceInfo {
  const images = pathArg(ref, 'images', baseDir);
  const labels = pathArg(ref, 'labels', baseDir);
  const x = withArg('images', () => readIdxHeaderSync(images.path, images.written));
  const y = withArg('labels', () => readIdxHeaderSync(labels.path, labels.written));
  checkPair(x.dims, y.dims, images.written, labels.written);
  const samples = x.dims[0];
  const info: SourceInfo = {
    ok: true,
    sampleShape: sampleShapeOf(x.dims),
    samples,
    description: `${basename(images.written)}: ${thousands(samples)} samples of ${x.dims.slice(1).join('×')}`,
  };
  let bytes =
    statPath(labels.path, labels.written).size <= SMALL_FILE_BYTES
      ? readHead(labels.path, SMALL_FILE_BYTES, labels.written)
      : undefined;
  if (bytes && isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: LABELS_INFLATED_MAX });
    } catch {
      bytes = undefined; // damaged or inflating beyond the cap: the class count stays unknown here; training reports it
    }
  }
  if (bytes) {
    let max = 0;
    for (let i = y.dataOffset; i < bytes.length; i++) if (bytes[i] > max) max = bytes[i];
    info.classCount = max + 1;
    info.description += `, ${info.classCount} classes`;
  }
  return info;
}

/** Training's view: both files read whole. */
export const idxSource: SourceLoader = {
  async files(ref, _split, ctx) {
    return [pathArg(ref, 'images', ctx.baseDir).path, pathArg(ref, 'labels', ctx.baseDir).path];
  },
  async load(ref, _split, ctx) {
    const images = pathArg(ref, 'images', ctx.baseDir);
    const labels = pathArg(ref, 'labels', ctx.baseDir);
    const x = await readIdx(images.path);
    const y = await readIdx(labels.path);
    checkPair(x.dims, y.dims, images.written, labels.written);
    const sampleShape = x.dims.slice(1);
    const isImage = sampleShape.length === 2 || (sampleShape.length === 3 && [1, 3, 4].includes(sampleShape[2]));
    let max = 0;
    for (const v of y.data) max = Math.max(max, v);
    return {
      x: { dtype: 'uint8', data: x.data, sampleShape: sampleShapeOf(x.dims) },
      count: x.dims[0],
      y: {
        kind: 'classes',
        indices: Int32Array.from(y.data),
        classes: Array.from({ length: max + 1 }, (_, k) => String(k)),
      },
      isImage,
      at: (n, part) => `index ${n} of ${part === 'x' ? images.written : labels.written}`,
    };
  },
};
