// The files given to `modelspec predict`, as the model's input: images decoded, converted to the
// training colour mode and resized exactly as training prepared them (images.ts, resize.ts),
// CSV rows by the training feature columns' names, .npy arrays of N samples; then rescaled as the
// engines rescale x. Each sample keeps a name (file, row, index) for the output.

import { extname } from 'node:path';
import { csvRecords, csvTextOf, isMissingCsvValue, parseCsvNumber } from '../data/csv';
import { DataError } from '../language/data/errors';
import { readCapped } from '../language/data/read-file';
import { decodeImage, toChannels } from '../data/images';
import { decodeNpy } from '../data/npy';
import { resizeBilinear } from '../data/resize';
import { PredictError, type PredictRun } from './run-model';

/** Inputs larger than this are refused before reading (a CSV or .npy of 1 GiB is not a prediction batch). */
const MAX_INPUT_BYTES = 1 << 30;

export interface PredictInputs {
  /** count × product(inputShape), rescaled. */
  x: Float32Array;
  count: number;
  /** Each sample's name: the image's path, "rows.csv row 3", "x.npy [5]". */
  names: string[];
  /** Each sample's file, and its row (CSV line) or index (.npy of several samples). */
  sources: SampleSource[];
}

export interface SampleSource {
  file: string;
  index?: number;
}

const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const show = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

export type InputKind = 'image' | 'csv' | 'npy';

export function inputKind(file: string): InputKind | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.png' || ext === '.jpg' || ext === '.jpeg') return 'image';
  if (ext === '.csv') return 'csv';
  if (ext === '.npy') return 'npy';
  return undefined;
}

export function readInputs(files: string[], run: PredictRun): PredictInputs {
  const per = product(run.inputShape);
  const parts: Float32Array[] = [];
  const names: string[] = [];
  const sources: SampleSource[] = [];
  for (const file of files) {
    const kind = inputKind(file);
    if (!kind)
      throw new PredictError(
        `${file}: predict reads PNG or JPEG images, .csv rows and .npy arrays; this file is none of them`,
      );
    let bytes: Uint8Array;
    try {
      bytes = readCapped(file, MAX_INPUT_BYTES, 'an input to predict', file);
    } catch (e) {
      throw new PredictError(e instanceof Error ? e.message : String(e));
    }
    try {
      const read =
        kind === 'image'
          ? imageSample(bytes, file, run)
          : kind === 'csv'
            ? csvSamples(bytes, file, run)
            : npySamples(bytes, file, run);
      if (read.x.length !== read.names.length * per)
        throw new Error(`internal: ${file} gave ${read.x.length} values for ${read.names.length} samples of ${per}`);
      parts.push(read.x);
      names.push(...read.names);
      sources.push(...read.names.map((_, i) => ({ file, index: read.indices?.[i] })));
    } catch (e) {
      if (e instanceof DataError) throw new PredictError(e.message);
      throw e;
    }
  }
  const x = new Float32Array(names.length * per);
  let offset = 0;
  for (const p of parts) {
    x.set(p, offset);
    offset += p.length;
  }
  // The engines multiply x by rescale before the model sees it (tfjs/data.ts hostX, the torch engine alike).
  const scale = run.spec.data.rescale ?? 1;
  if (scale !== 1) for (let i = 0; i < x.length; i++) x[i] = x[i]! * scale;
  return { x, count: names.length, names, sources };
}

function imageSample(bytes: Uint8Array, file: string, run: PredictRun): FileSamples {
  if (!run.imageShape) {
    throw new PredictError(
      `${file}: the model's input ${show(run.inputShape)} is not an image, so an image cannot be fed to it; give .csv rows or a .npy array`,
    );
  }
  const [h, w, c] = run.imageShape;
  if (h * w * c !== product(run.inputShape)) {
    throw new PredictError(
      `${file}: images are resized to ${h}×${w}×${c} (${h * w * c} values) but the model's input ${show(run.inputShape)} takes ${product(run.inputShape)} values`,
    );
  }
  const image = decodeImage(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  // As training: converted to the colour mode, resized bilinear and rounded to bytes (images.ts).
  const pixels = new Uint8Array(h * w * c);
  resizeBilinear(toChannels(image.rgba, c), image.height, image.width, c, h, w, pixels, 0);
  return { x: Float32Array.from(pixels), names: [file] };
}

/** One file's samples; `indices` number them (CSV lines, .npy positions) when a file holds several. */
interface FileSamples {
  x: Float32Array;
  names: string[];
  indices?: number[];
}

function csvSamples(bytes: Uint8Array, file: string, run: PredictRun): FileSamples {
  const per = product(run.inputShape);
  const records = csvRecords(csvTextOf(bytes, file), run.csvDelimiter);
  const header = records.next();
  if (header.done) throw new PredictError(`${file} is empty; it needs a header row with the column names`);
  const columns = header.value.fields;
  let picks: number[];
  if (run.csvColumns) {
    const missing = run.csvColumns.filter((c) => !columns.includes(c));
    if (missing.length > 0) {
      const shown =
        missing
          .slice(0, 10)
          .map((c) => `'${c}'`)
          .join(', ') + (missing.length > 10 ? ` and ${missing.length - 10} more` : '');
      throw new PredictError(
        `${file} lacks the feature column${missing.length === 1 ? '' : 's'} ${shown} that the model was trained on; add ${missing.length === 1 ? 'it' : 'them'} to the header and rows`,
      );
    }
    // By name, in training's order: extra columns (the label, an id) are left out.
    picks = run.csvColumns.map((c) => columns.indexOf(c));
  } else if (columns.length === per) {
    picks = columns.map((_, i) => i);
  } else {
    throw new PredictError(
      `${file} has ${columns.length} columns but the model takes ${per} values per sample (and the training CSV's column names are not known: its .model file or data moved)`,
    );
  }
  const values: number[] = [];
  const names: string[] = [];
  const lines: number[] = [];
  for (const { fields, line } of records) {
    if (fields.length !== columns.length) {
      throw new PredictError(
        `${file}:${line}: ${fields.length} values but the header has ${columns.length} columns; check for a missing or extra '${run.csvDelimiter}'`,
      );
    }
    for (const i of picks) {
      const field = fields[i]!;
      const v = isMissingCsvValue(field) ? undefined : parseCsvNumber(field);
      if (v === undefined)
        throw new PredictError(
          `${file}:${line}: column '${columns[i]}' has '${field}', not a number; every feature needs a numeric value`,
        );
      values.push(v);
    }
    names.push(`${file} row ${line}`);
    lines.push(line);
  }
  if (names.length === 0) throw new PredictError(`${file} has a header but no rows to predict`);
  if (run.inputShape.length !== 1 && picks.length !== per)
    throw new PredictError(`${file}: ${picks.length} features per row, but the model takes ${show(run.inputShape)}`);
  return { x: Float32Array.from(values), names, indices: lines };
}

function npySamples(bytes: Uint8Array, file: string, run: PredictRun): FileSamples {
  const a = decodeNpy(bytes, file);
  const per = product(run.inputShape);
  // One sample with the input's number of values (a 28×28 digit for Input(shape=(784,))), or N samples on the first axis.
  const single = a.shape.length > 0 && product(a.shape) === per && channelsMatch(a.shape, run);
  const sample = single ? a.shape : a.shape.slice(1);
  const count = single ? 1 : (a.shape[0] ?? 0);
  if (a.shape.length === 0)
    throw new PredictError(
      `${file} holds a single number (shape ()); the model takes samples of shape ${show(run.inputShape)}`,
    );
  const ok = product(sample) === per && channelsMatch(sample, run);
  if (!ok) {
    throw new PredictError(
      `${file} holds samples of shape ${show(sample)} (${product(sample)} values) but the model takes ${show(run.inputShape)} (${per} values); ` +
        `give an array of shape (N, ${run.inputShape.join(', ')}) or one sample of shape ${show(run.inputShape)}`,
    );
  }
  if (count === 0) throw new PredictError(`${file} has no samples (its first axis is 0)`);
  // Training refuses NaN and infinite inputs (label-rules.ts); a prediction from one means nothing.
  const bad = a.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    const at = single ? `value ${bad}` : `value ${bad % per} of sample [${Math.floor(bad / per)}]`;
    throw new PredictError(`${file} has ${a.data[bad]} at ${at}; replace NaN and infinite values before predicting`);
  }
  return {
    x: Float32Array.from(a.data),
    names: Array.from({ length: count }, (_, i) => (single ? file : `${file} [${i}]`)),
    indices: single ? undefined : Array.from({ length: count }, (_, i) => i),
  };
}

/** An image array must have the model's channel count (RGB samples for a grayscale model do not reshape into it). */
function channelsMatch(sample: number[], run: PredictRun): boolean {
  if (sample.length !== 3 || run.inputShape.length !== 3) return true;
  return sample[2] === run.inputShape[2];
}
