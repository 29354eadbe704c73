// A few samples of a data source, for the data preview (the hover's strip, the Preview Data
// grid): the images as training sees them (the images() folder resized to size= in its
// color_mode), or a CSV's first rows, and the count of each class. Every read is capped: a
// head of the file, a whole file only when small, so the preview never reads a dataset in full.
// Synchronous, for the language server's probe worker (server/probe-budget.ts) and the
// extension host's preview; one reader per format, sharing each format module's parser.

import { basename, relative } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { DataError } from '../language/data/errors';
import { readCapped, readHead, SMALL_FILE_BYTES, statPath } from '../language/data/read-file';
import { candidatesFor, defaultPlaceEnv } from '../language/data/dataset-places';
import { csvDelimiter, describeSource, pathArg, type PathArg } from '../language/data/source-args';
import {
  BUILTIN_DATASETS,
  builtinClasses,
  isBuiltinSource,
  type SourceErrorCode,
  type SourceRef,
} from '../language/data/types';
import { csvHeader, csvRecords, csvTextOf, labelColumnIndex, parseCsvNumber } from './csv';
import { digitsFilePath, parseDigits } from './digits';
import { decodeImage, imageOptions, listImageFolder, toChannels } from './images';
import { isGzip, parseIdxHeader } from './idx';
import { NPY_DTYPES, npyValues, readNpyHeaderSync } from './npy';
import { resizeBilinear } from './resize';

/** One sample as an image: height × width × channels bytes (0-255), row-major, channels last. */
export interface SampleImage {
  /** Index into the samples' `classes`, when the source has classes. */
  classIndex?: number;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  pixels: Uint8Array;
}

export interface SampleClass {
  name: string;
  /** Samples of this class (in the whole source, or in the part read: see `countedOf`). */
  count?: number;
}

export type SourceSamples =
  | {
      ok: true;
      /** `digits`, `csv('houses.csv')`: the source as the checker names it. */
      source: string;
      /** Samples in the source, when known. */
      total?: number;
      /** One sample's shape as training reads it. */
      sampleShape: number[];
      classes?: SampleClass[];
      /** Set when the class counts cover only the first this-many samples (a large label file). */
      countedOf?: number;
      /** Images, class by class (up to `perClass` of each), for an image source. */
      images: SampleImage[];
      /** The first rows of a CSV source, as written. */
      table?: { columns: string[]; rows: string[][]; labelColumn: number };
      /** Why there are no samples to show, when there are none (a Keras set read only by training). */
      note?: string;
    }
  | { ok: false; code: SourceErrorCode; message: string };

export interface SampleLimits {
  /** Images of each class. */
  perClass: number;
  /** Classes with images (the first ones, in class order). */
  maxClasses: number;
  /** CSV rows. */
  rows: number;
}

/** The hover's strip: one image of each of the first ten classes, five CSV rows. */
export const STRIP_LIMITS: SampleLimits = { perClass: 1, maxClasses: 10, rows: 5 };
/** The Preview Data grid. */
export const GRID_LIMITS: SampleLimits = { perClass: 8, maxClasses: 20, rows: 20 };

/** Bytes read from the head of a large image array (IDX, .npy) to find samples of each class. */
const HEAD_BYTES = 8 << 20;
/** A gzipped head is inflated at most to this. */
const INFLATED_MAX = 32 << 20;
/** One image file of an images() folder. */
const IMAGE_FILE_MAX = 32 << 20;
/** The CSV text read for the table (a whole file when it is small: see SMALL_FILE_BYTES). */
const CSV_HEAD_BYTES = 64 * 1024;
/** The digits file (7.5 MiB as built). */
const DIGITS_MAX = 16 << 20;
/** Longest cell shown in a table. */
const CELL_CHARS = 40;

export function readSamples(ref: SourceRef, baseDir: string, limits: SampleLimits = STRIP_LIMITS): SourceSamples {
  try {
    return { ok: true, source: describeSource(ref), ...read(ref, baseDir, limits) };
  } catch (e) {
    if (e instanceof DataError) return { ok: false, code: e.code, message: e.message };
    return { ok: false, code: 'data-format', message: `Could not read samples: ${(e as Error).message}` };
  }
}

type Read = Omit<Extract<SourceSamples, { ok: true }>, 'ok' | 'source'>;

function read(ref: SourceRef, baseDir: string, limits: SampleLimits): Read {
  switch (ref.name) {
    case 'digits':
      return digitsSamples(ref, limits);
    case 'idx':
      return idxSamples(ref, baseDir, limits);
    case 'npy':
      return npySamples(ref, baseDir, limits);
    case 'images':
      return folderSamples(ref, baseDir, limits);
    case 'csv':
      return csvSamples(ref, baseDir, limits);
    default:
      return builtinFacts(ref, limits);
  }
}

/** Keras's sets are read by training's loaders (downloaded or found on the machine): facts from the catalog only. */
function builtinFacts(ref: SourceRef, limits: SampleLimits): Read {
  if (!isBuiltinSource(ref.name)) throw new DataError('data-format', `unknown data source ${ref.name}`);
  const set = BUILTIN_DATASETS[ref.name];
  const split = ref.args.split === 'test' ? 'test' : 'train';
  const classes = builtinClasses(ref);
  // MNIST and Fashion-MNIST kept as IDX files (Debian's packages, torchvision's folders): read like idx().
  if (ref.name === 'mnist' || ref.name === 'fashion_mnist') {
    const idx = candidatesFor(ref.name, defaultPlaceEnv()).find((c) => !c.place.files);
    if (idx) {
      const [images, labels] = split === 'train' ? idx.paths.slice(0, 2) : idx.paths.slice(2, 4);
      return idxFiles({ path: images, written: images }, { path: labels, written: labels }, classes, limits);
    }
  }
  return {
    total: set.samples[split],
    sampleShape: set.sampleShape ?? [],
    ...(classes.length && { classes: classes.map((name) => ({ name })) }),
    images: [],
    note: `the preview reads digits, files (images, idx, npy, csv) and MNIST-style IDX copies on this machine; ${ref.name} is read by training`,
  };
}

function digitsSamples(ref: SourceRef, limits: SampleLimits): Read {
  const file = digitsFilePath();
  const split = ref.args.split === 'test' ? 'test' : 'train';
  const d = parseDigits(Buffer.from(readCapped(file, DIGITS_MAX, 'the digits dataset')), split, file);
  const names = BUILTIN_DATASETS.digits.classes;
  return {
    total: d.count,
    sampleShape: [d.rows, d.cols, 1],
    classes: countClasses(d.labels, names.length).map((count, k) => ({ name: names[k], count })),
    images: pickPerClass(d.labels, d.count, limits).map((n) => ({
      classIndex: d.labels[n],
      width: d.cols,
      height: d.rows,
      channels: 1,
      pixels: d.x.slice(n * d.rows * d.cols, (n + 1) * d.rows * d.cols),
    })),
  };
}

function idxSamples(ref: SourceRef, baseDir: string, limits: SampleLimits): Read {
  return idxFiles(pathArg(ref, 'images', baseDir), pathArg(ref, 'labels', baseDir), undefined, limits);
}

/** `names`: the class names (a Keras set's); else the label numbers. */
function idxFiles(images: PathArg, labels: PathArg, names: string[] | undefined, limits: SampleLimits): Read {
  const x = headOf(images.path, images.written);
  const y = headOf(labels.path, labels.written, SMALL_FILE_BYTES);
  const xh = parseIdxHeader(x.bytes, images.written);
  const yh = parseIdxHeader(y.bytes, labels.written);
  const total = xh.dims[0];
  const [h, w, c] = xh.dims.length === 3 ? [xh.dims[1], xh.dims[2], 1] : [xh.dims[1], xh.dims[2] ?? 1, xh.dims[3] ?? 1];
  const per = h * w * c;
  const labelValues = y.bytes.subarray(yh.dataOffset, yh.dataOffset + total);
  const readable = Math.min(Math.floor((x.bytes.length - xh.dataOffset) / per), labelValues.length);
  const classCount = maxOf(labelValues) + 1;
  // (N, H, W) or (N, H, W, C) as training's idx loader takes images; (N, features) are not drawn.
  const shown = (xh.dims.length === 3 || xh.dims.length === 4) && isImageShape([h, w, c]);
  return {
    total,
    sampleShape: xh.dims.length === 3 ? [h, w, 1] : xh.dims.slice(1),
    classes: countClasses(labelValues, Math.max(classCount, names?.length ?? 0)).map((count, k) => ({
      name: names?.[k] ?? String(k),
      count,
    })),
    ...(labelValues.length < total && { countedOf: labelValues.length }),
    images: shown
      ? pickPerClass(labelValues, readable, limits).map((n) => ({
          classIndex: labelValues[n],
          width: w,
          height: h,
          channels: c as 1 | 3 | 4,
          pixels: x.bytes.slice(xh.dataOffset + n * per, xh.dataOffset + (n + 1) * per),
        }))
      : [],
  };
}

function npySamples(ref: SourceRef, baseDir: string, limits: SampleLimits): Read {
  const xArg = pathArg(ref, 'x', baseDir);
  const yArg = pathArg(ref, 'y', baseDir);
  const xh = readNpyHeaderSync(xArg.path, xArg.written);
  const yh = readNpyHeaderSync(yArg.path, yArg.written);
  const total = xh.shape[0] ?? 0;
  const sample = xh.shape.slice(1);
  // Images as training's npy loader sees them: uint8 (H, W) or (H, W, C); float arrays only with a
  // channel axis (a float (N, T, F) is a sequence, not a picture).
  const imageShape = sample.length === 2 && xh.descr === '|u1' ? [...sample, 1] : sample;
  const per = sample.reduce((a, b) => a * b, 1);
  // Labels: one class index per sample (1-D, or (N, 1)), or one-hot rows; read when the file is small.
  const oneHot = yh.shape.length === 2 && yh.shape[1] > 1;
  const yBytes =
    statPath(yArg.path, yArg.written).size <= SMALL_FILE_BYTES
      ? readHead(yArg.path, SMALL_FILE_BYTES, yArg.written)
      : undefined;
  const yValues = yBytes && npyValues(yBytes, yh, yArg.written);
  let labels: number[] | undefined;
  if (yValues && oneHot) {
    const k = yh.shape[1];
    labels = Array.from({ length: total }, (_, n) => argmax(yValues, n * k, k));
  } else if (
    yValues &&
    yh.shape.slice(1).every((d) => d === 1) &&
    yValues.every((v) => Number.isInteger(v) && v >= 0 && v < 1000)
  ) {
    labels = Array.from(yValues);
  }
  const classCount = oneHot ? yh.shape[1] : labels ? maxOf(labels) + 1 : 0;
  let images: SampleImage[] = [];
  if (isImageShape(imageShape) && per > 0) {
    const bytesPer = NPY_DTYPES[xh.descr].bytes;
    const readable = Math.min(total, Math.floor(HEAD_BYTES / (per * bytesPer)));
    const head = readHead(xArg.path, xh.dataOffset + readable * per * bytesPer, xArg.written);
    const values = npyValues(head, { ...xh, shape: [readable, ...sample] }, xArg.written);
    const picked = labels
      ? pickPerClass(labels, readable, limits)
      : [...Array(Math.min(readable, limits.maxClasses)).keys()];
    images = picked.map((n) => ({
      ...(labels && { classIndex: labels[n] }),
      width: imageShape[1],
      height: imageShape[0],
      channels: imageShape[2] as 1 | 3 | 4,
      pixels: toBytes(values.subarray(n * per, (n + 1) * per)),
    }));
  }
  return {
    total,
    sampleShape: xh.descr === '|u1' ? imageShape : sample,
    ...(classCount > 0 && {
      classes: Array.from({ length: classCount }, (_, k) => ({
        name: String(k),
        ...(labels && { count: labels.filter((v) => v === k).length }),
      })),
    }),
    images,
  };
}

function folderSamples(ref: SourceRef, baseDir: string, limits: SampleLimits): Read {
  const { path: dir, written } = pathArg(ref, 'directory', baseDir);
  const { height, width, channels } = imageOptions(ref.args);
  const folder = listImageFolder(dir, written);
  const classIndices = folder.files.map((f) => f.classIndex);
  const images = pickPerClass(classIndices, classIndices.length, limits).map((n): SampleImage => {
    const file = folder.files[n];
    const name = `${written}/${relative(dir, file.path)}`;
    const image = decodeImage(
      Buffer.from(readCapped(file.path, IMAGE_FILE_MAX, 'an image of the preview', name)),
      name,
    );
    // As training reads it (data/images.ts's loader): the color mode, then bilinear to size=.
    const pixels = new Uint8Array(height * width * channels);
    resizeBilinear(toChannels(image.rgba, channels), image.height, image.width, channels, height, width, pixels);
    return { classIndex: file.classIndex, width, height, channels: channels as 1 | 3 | 4, pixels };
  });
  return {
    total: folder.files.length,
    sampleShape: [height, width, channels],
    classes: countClasses(classIndices, folder.classes.length).map((count, k) => ({ name: folder.classes[k], count })),
    images,
  };
}

function csvSamples(ref: SourceRef, baseDir: string, limits: SampleLimits): Read {
  const { path, written } = pathArg(ref, 'path', baseDir);
  const delimiter = csvDelimiter(ref);
  const whole = statPath(path, written).size <= SMALL_FILE_BYTES;
  let text = csvTextOf(readHead(path, whole ? SMALL_FILE_BYTES : CSV_HEAD_BYTES, written), written);
  if (!whole) text = text.slice(0, text.lastIndexOf('\n') + 1); // never a cut line
  const columns = csvHeader(text, delimiter);
  const labelColumn = labelColumnIndex(columns, ref.args.label, written);
  // label=[…]: several label columns; text=…: one text column read as output_sequence_length ids.
  const labelCount = Array.isArray(ref.args.label) ? ref.args.label.length : 1;
  const textLength = typeof ref.args.text === 'string' ? ref.args.output_sequence_length : undefined;
  const rows: string[][] = [];
  const labels: string[] = [];
  let first = true;
  for (const { fields } of csvRecords(text, delimiter)) {
    if (first) {
      first = false;
      continue;
    }
    if (rows.length < limits.rows)
      rows.push(fields.map((f) => (f.length > CELL_CHARS ? `${f.slice(0, CELL_CHARS - 1)}…` : f)));
    labels.push(fields[labelColumn] ?? '');
  }
  // Text labels are classes (sorted, as training numbers them); numbers are targets or class numbers, as the loss decides.
  const textLabels = labels.some((l) => l !== '' && parseCsvNumber(l) === undefined);
  const names = textLabels ? [...new Set(labels)].sort() : [];
  return {
    ...(whole && { total: labels.length }),
    sampleShape: typeof textLength === 'number' ? [textLength] : [columns.length - labelCount],
    ...(textLabels && {
      classes: names.map((name) => ({ name, count: labels.filter((l) => l === name).length })),
      ...(!whole && { countedOf: labels.length }),
    }),
    images: [],
    table: { columns, rows, labelColumn },
  };
}

/** The head of a file, inflated when it is gzipped (a partial inflate: a sync flush returns what the head holds). */
function headOf(path: string, written: string, bytes = HEAD_BYTES): { bytes: Uint8Array } {
  const head = readHead(path, bytes, written);
  if (!isGzip(head)) return { bytes: head };
  try {
    return { bytes: gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: INFLATED_MAX }) };
  } catch {
    throw new DataError(
      'data-format',
      `${basename(written)} looks gzipped but cannot be decompressed; the file is damaged, download it again`,
    );
  }
}

/** (H, W, C) with 1, 3 or 4 channels: drawn as an image. */
function isImageShape(shape: number[]): boolean {
  return shape.length === 3 && shape[0] > 0 && shape[1] > 0 && [1, 3, 4].includes(shape[2]);
}

/** Sample indices below `available`: up to perClass of each of the first maxClasses classes, class by class. */
export function pickPerClass(labels: ArrayLike<number>, available: number, limits: SampleLimits): number[] {
  const byClass = new Map<number, number[]>();
  for (let n = 0; n < Math.min(available, labels.length); n++) {
    const k = labels[n];
    let list = byClass.get(k);
    if (!list) byClass.set(k, (list = []));
    if (list.length < limits.perClass) list.push(n);
  }
  return [...byClass.keys()]
    .sort((a, b) => a - b)
    .slice(0, limits.maxClasses)
    .flatMap((k) => byClass.get(k) ?? []);
}

function maxOf(values: ArrayLike<number>): number {
  let max = 0;
  for (let n = 0; n < values.length; n++) if (values[n] > max) max = values[n];
  return max;
}

function countClasses(labels: ArrayLike<number>, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let n = 0; n < labels.length; n++) if (labels[n] < classCount) counts[labels[n]]++;
  return counts;
}

function argmax(values: ArrayLike<number>, from: number, k: number): number {
  let best = 0;
  for (let i = 1; i < k; i++) if (values[from + i] > values[from + best]) best = i;
  return best;
}

/** Bytes as they are; float pixels (a float32 .npy) stretched from their own range to 0-255 for display. */
function toBytes(values: Uint8Array | Float32Array): Uint8Array {
  if (values instanceof Uint8Array) return values.slice();
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi > lo ? hi - lo : 1;
  return Uint8Array.from(values, (v) => Math.round(((v - lo) / span) * 255));
}
