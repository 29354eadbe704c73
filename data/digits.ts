// The `digits` dataset that ships with the extension (dist/data/digits.bin, built at install by
// scripts/build-digits.mjs, which documents the layout): where it is and how its bytes split
// into images and labels. Training reads the whole file (training/data/digits.ts); the data
// preview reads it with a size cap (data/samples.ts); both parse it here.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataError } from '../language/data/errors';

const MAGIC = 'MSDIGIT1';
const HEADER_BYTES = 24;

export interface DigitsSplit {
  /** count × rows × cols uint8 pixels (a view into the file's bytes). */
  x: Uint8Array;
  /** count labels 0-9. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/**
 * Where digits.bin is: $MODELSPEC_DIGITS_FILE, else next to the bundled code (dist/data), else
 * dist/data under the working folder or one of its parents (tests and `tsx` runs).
 */
export function digitsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MODELSPEC_DIGITS_FILE) return env.MODELSPEC_DIGITS_FILE;
  const candidates: string[] = [];
  // In the CommonJS bundles (dist/*.cjs) __dirname is dist/; in ESM (tsx) it does not exist.
  if (typeof __dirname === 'string') candidates.push(join(__dirname, 'data', 'digits.bin'));
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    candidates.push(join(dir, 'dist', 'data', 'digits.bin'));
    if (dirname(dir) === dir) break;
  }
  return candidates.find((c) => existsSync(c)) ?? candidates[0];
}

export function missingDigits(file: string): DataError {
  return new DataError(
    'data-missing',
    `The digits dataset is missing (${file}); run \`npm run build\` in the extension folder to rebuild it`,
  );
}

/** One split of a digits.bin file's bytes (views, no copy). */
export function parseDigits(bytes: Buffer, split: 'train' | 'test', file: string): DigitsSplit {
  if (bytes.length < HEADER_BYTES || bytes.toString('ascii', 0, 8) !== MAGIC) {
    throw new DataError('data-format', `${file} is not a digits file; run \`npm run build\` to rebuild it`);
  }
  const train = bytes.readUInt32LE(8);
  const test = bytes.readUInt32LE(12);
  const rows = bytes.readUInt32LE(16);
  const cols = bytes.readUInt32LE(20);
  const pixels = rows * cols;
  if (bytes.length !== HEADER_BYTES + (train + test) * (1 + pixels)) {
    throw new DataError('data-format', `${file} is truncated; run \`npm run build\` to rebuild it`);
  }
  const labelsAt = HEADER_BYTES + (split === 'train' ? 0 : train);
  const pixelsAt = HEADER_BYTES + train + test + (split === 'train' ? 0 : train * pixels);
  const count = split === 'train' ? train : test;
  return {
    x: bytes.subarray(pixelsAt, pixelsAt + count * pixels),
    labels: bytes.subarray(labelsAt, labelsAt + count),
    count,
    rows,
    cols,
  };
}
