// probeSource: what the checker needs to know about a data source (sample shape, classes,
// columns), read from headers and folder listings only. Called on every keystroke, so:
// built-in sets are answered from the catalog without I/O, file reads are bounded (a few KiB of
// headers, whole files only when small), and results are cached by path + size + mtime.

import { readdirSync } from 'node:fs';
import { probeCsv } from '../../data/csv';
import { defaultPlaceEnv, whereFound, type LocalDataset } from './dataset-places';
import { DataError } from './errors';
import { probeImages } from '../../data/images';
import { thousands } from '../../data/common';
import { probeIdx } from '../../data/idx';
import { probeNpy } from '../../data/npy';
import { statPath } from './read-file';
import { pathArg } from './source-args';
import { BUILTIN_DATASETS, builtinClasses, isBuiltinSource, type SourceInfo, type SourceRef } from './types';

const CACHE_ENTRIES = 200;

const cache = new Map<string, { stamp: string; info: SourceInfo }>();

export function probeSource(ref: SourceRef, baseDir: string): SourceInfo {
  try {
    if (isBuiltinSource(ref.name)) return probeBuiltin(ref);
    const key = JSON.stringify([ref.name, ref.args, baseDir]);
    const stamp = stampOf(ref, baseDir);
    const hit = cache.get(key);
    if (hit && hit.stamp === stamp) return hit.info;
    const info = probeFiles(ref, baseDir);
    cache.delete(key);
    cache.set(key, { stamp, info });
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    return info;
  } catch (e) {
    if (e instanceof DataError)
      return { ok: false, code: e.code, message: e.message, ...(e.argName && { argName: e.argName }) };
    return { ok: false, code: 'data-format', message: `Could not read the data: ${(e as Error).message}` };
  }
}

/** Forgets cached results (tests; or when the user asks to re-check). */
export function clearProbeCache(): void {
  cache.clear();
}

function probeBuiltin(ref: SourceRef): SourceInfo {
  const set = BUILTIN_DATASETS[ref.name as keyof typeof BUILTIN_DATASETS];
  const split = ref.args.split ?? 'train';
  if (split !== 'train' && split !== 'test') {
    return {
      ok: false,
      code: 'data-format',
      message: `${ref.name}(split=…) must be 'train' or 'test'`,
      argName: 'split',
    };
  }
  const samples = samplesOf(ref, split);
  const sampleShape = set.sampleShape ?? sequenceSampleShape(ref);
  const classes = builtinClasses(ref);
  const what =
    sampleShape.length === 3
      ? `images, ${sampleShape[0]}×${sampleShape[1]} ${sampleShape[2] === 1 ? 'grayscale' : 'colour'}`
      : set.sampleShape
        ? `rows of ${sampleShape[0]} features`
        : `${ref.name === 'imdb' ? 'reviews' : 'newswires'} as word-index sequences of length ${sampleShape[0]}`;
  return {
    ok: true,
    sampleShape,
    ...(classes.length && { classes, classCount: classes.length }),
    samples,
    description: `${set.title}: ${thousands(samples)} ${split} ${what}, ${classes.length ? `${classes.length} classes` : 'a regression target'}${whereBuiltin(ref)}`,
  };
}

/** Samples in a split; with test_split= (and california's version='small') as load_data() cuts them. */
function samplesOf(ref: SourceRef, split: 'train' | 'test'): number {
  const set = BUILTIN_DATASETS[ref.name as keyof typeof BUILTIN_DATASETS];
  const testSplit = ref.args.test_split;
  const total =
    ref.name === 'california_housing' && ref.args.version === 'small' ? 600 : set.samples.train + set.samples.test;
  if (typeof testSplit !== 'number' && total === set.samples.train + set.samples.test) return set.samples[split];
  const train = Math.trunc(total * (1 - (typeof testSplit === 'number' ? testSplit : 0.2)));
  return split === 'train' ? train : total - train;
}

/** imdb's and reuters' samples are padded to sequence_length, else to maxlen; one of them is needed for a fixed shape. */
export function sequenceSampleShape(ref: SourceRef): number[] {
  const length = ref.args.sequence_length ?? ref.args.maxlen;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 1) {
    throw new DataError(
      'data-format',
      `${ref.name} needs a sequence length for its samples: write ${ref.name}(maxlen=200) (Keras leaves out longer ones) or ${ref.name}(sequence_length=200) (longer ones are cut, as pad_sequences does)`,
      'sequence_length',
    );
  }
  return [length];
}

/** "; found in /usr/share/datasets/fashion-mnist (Debian package)" for the sets that are looked for on the machine. */
function whereBuiltin(ref: SourceRef): string {
  return ref.name === 'digits' ? '' : `; ${whereFound(ref.name as LocalDataset, defaultPlaceEnv())}`;
}

/** Size and mtime of everything the probe reads, so an edit to the data invalidates the cache
 *  (also the data preview's, client/src/preview/). Throws a DataError for a missing path. */
export function stampOf(ref: SourceRef, baseDir: string): string {
  const paths = pathArgsOf(ref).map((name) => pathArg(ref, name, baseDir));
  const parts: string[] = [];
  for (const { path: p, written } of paths) {
    const s = statPath(p, written);
    parts.push(`${p}:${s.size}:${s.mtimeMs}`);
    if (s.isDirectory()) {
      // Adding or removing an image changes its class folder's mtime.
      for (const e of readdirSync(p, { withFileTypes: true })) {
        if (e.isDirectory()) parts.push(`${e.name}:${statPath(`${p}/${e.name}`).mtimeMs}`);
      }
    }
  }
  return parts.join('|');
}

function pathArgsOf(ref: SourceRef): string[] {
  switch (ref.name) {
    case 'idx':
      return ['images', 'labels'];
    case 'csv':
      return ['path'];
    case 'images':
      return ['directory'];
    case 'npy':
      return ['x', 'y'];
    default:
      return [];
  }
}

function probeFiles(ref: SourceRef, baseDir: string): SourceInfo {
  switch (ref.name) {
    case 'csv':
      return probeCsv(ref, baseDir);
    case 'idx':
      return probeIdx(ref, baseDir);
    case 'npy':
      return probeNpy(ref, baseDir);
    case 'images':
      return probeImages(ref, baseDir);
    default:
      throw new DataError('data-format', `unknown data source ${ref.name}`);
  }
}
