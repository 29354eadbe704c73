// Finds a verified copy of a built-in dataset where it already is (see dataset-places.ts for the
// places and their order), else downloads it into Keras's cache layout; says which copy it used.
// A file counts when its SHA-256 is the published one, or when its unpacked contents match the
// published data (a re-gzipped copy, like Debian's). A copy that contradicts a published sum is
// skipped, never deleted. Where no per-file sums are published (CIFAR's extracted batches),
// the loader checks the files' structure and sizes instead.

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import {
  DATASET_FILES,
  DATA_DIR_LAYOUT,
  candidatesFor,
  filesAt,
  describePlace,
  downloadPlace,
  placesFor,
  type LocalDataset,
  type Place,
  type PlaceEnv,
} from '../../language/data/dataset-places';
import { DataError } from '../../language/data/errors';
import { DownloadError, ensureFiles, gunzipForHash, readForHash, sha256Of, type RemoteFile } from './download';

export interface FoundCopy {
  place: Place;
  /** The copy's files in filesAt() order. */
  paths: string[];
  /** How the copy was checked: "SHA-256 verified", "contents verified", … */
  check: string;
}

type FileCheck = 'published' | 'contents' | 'unknown' | 'mismatch';

const checked = new Map<string, FileCheck>();

/** Compares a file with its published sums; remembered per path, size and mtime. */
export async function checkFile(path: string, file: RemoteFile): Promise<FileCheck> {
  const s = statSync(path);
  const key = `${path}:${s.size}:${s.mtimeMs}:${file.sha256}`;
  const hit = checked.get(key);
  if (hit) return hit;
  let result: FileCheck;
  if ((await sha256Of(path)) === file.sha256) result = 'published';
  else if (file.contentSha256) result = (await contentSha256(path)) === file.contentSha256 ? 'contents' : 'mismatch';
  // An IDX file re-gzipped or unpacked, with no published sum of its contents (MNIST): cannot be
  // told from a damaged one, so it is used with its headers checked and the message says so.
  else result = file.name.endsWith('.gz') ? 'unknown' : 'mismatch';
  checked.set(key, result);
  return result;
}

/** SHA-256 of a file's contents, unpacked when it is gzipped. */
async function contentSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  const stream = path.endsWith('.gz') ? readForHash(path).pipe(gunzipForHash()) : readForHash(path);
  try {
    for await (const chunk of stream) hash.update(chunk as Buffer);
  } catch {
    return ''; // not gzip after all, or cut short: matches nothing
  }
  return hash.digest('hex');
}

export interface LocateResult {
  found?: FoundCopy;
  /** One line per place that held the files but was not used, saying why. */
  skipped: string[];
}

/** The first copy whose files pass their published sums (found by name in `sums`; no sums: not checked here). */
export async function locateDataset(
  name: LocalDataset,
  pe: PlaceEnv,
  sums?: readonly RemoteFile[],
): Promise<LocateResult> {
  const skipped: string[] = [];
  for (const candidate of candidatesFor(name, pe)) {
    if (!sums) return { found: { ...candidate, check: 'structure checked (no per-file sums are published)' }, skipped };
    const files = filesAt(name, candidate.place).map((f) => sums.find((s) => s.name === f));
    const results = await Promise.all(
      candidate.paths.map((p, i) => (files[i] ? checkFile(p, files[i]) : Promise.resolve<FileCheck>('unknown'))),
    );
    const bad = results.indexOf('mismatch');
    if (bad >= 0) {
      skipped.push(
        `${describePlace(candidate.place)}: ${candidate.paths[bad]} does not match the published SHA-256 (a damaged or different file); not used`,
      );
      continue;
    }
    const check = results.every((r) => r === 'published')
      ? 'SHA-256 verified'
      : results.includes('unknown')
        ? 'not checksum-verified (re-packed or unpacked files have no published sum); headers checked'
        : 'contents verified against the published SHA-256';
    return { found: { ...candidate, check }, skipped };
  }
  return { skipped };
}

export interface EnsureOptions {
  pe: PlaceEnv;
  /** The published sums of every file any copy may have. */
  sums: readonly RemoteFile[];
  mirrors: readonly string[];
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /** What Keras calls to get the same files, for the message ("keras.datasets.fashion_mnist.load_data()"). */
  kerasCall?: string;
}

/** The dataset's files from a verified local copy, else downloaded (resumable, verified) into Keras's cache layout. */
export async function ensureDataset(name: LocalDataset, opts: EnsureOptions): Promise<FoundCopy> {
  const { found, skipped } = await locateDataset(name, opts.pe, opts.sums);
  if (found) {
    opts.onProgress?.(`${name}: ${describePlace(found.place)}, ${found.check}`);
    return found;
  }
  const target = downloadPlace(name, opts.pe);
  try {
    const paths = await ensureFiles({
      dir: target.dir,
      files: filesAt(name, target).map((f) => opts.sums.find((s) => s.name === f)!),
      mirrors: opts.mirrors,
      onProgress: opts.onProgress,
      signal: opts.signal,
      reuseExisting: false,
    });
    opts.onProgress?.(`${name}: downloaded into ${describePlace(target)}, SHA-256 verified`);
    return { place: target, paths, check: 'SHA-256 verified' };
  } catch (e) {
    if (!(e instanceof DownloadError)) throw e;
    throw new DataError('data-missing', offlineMessage(name, opts, e.reason, skipped));
  }
}

/** What is missing, every place looked in, and where to put the files. */
export function offlineMessage(
  name: LocalDataset,
  opts: Pick<EnsureOptions, 'pe' | 'kerasCall'>,
  reason: string,
  skipped: readonly string[],
): string {
  const target = downloadPlace(name, opts.pe);
  const looked = placesFor(name, opts.pe).map(
    (p) => `  ${describePlace(p)}${p.files ? `: ${p.files.join(', ')}` : ''}`,
  );
  const targetFiles = filesAt(name, target);
  return [
    `${name} is not on this machine and could not be downloaded: ${reason}`,
    `Looked for ${DATASET_FILES[name].join(', ')} in:`,
    ...looked,
    ...skipped.map((s) => `  skipped ${s}`),
    `Put ${targetFiles.length > 1 ? 'the files' : targetFiles[0]} into ${target.dir}${opts.kerasCall ? ` (where ${opts.kerasCall} keeps ${targetFiles.length > 1 ? 'them' : 'it'})` : ''}, ` +
      `or name a folder holding ${DATA_DIR_LAYOUT[name]}${DATA_DIR_LAYOUT[name].endsWith('/') ? '…' : ''} in MODELSPEC_DATA_DIRS, and run again.`,
  ].join('\n');
}
