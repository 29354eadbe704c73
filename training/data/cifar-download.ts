// CIFAR-10's and CIFAR-100's download, as Keras 3 does it: the archive from the CIFAR site,
// checked against Keras's file_hash, kept as `<keras>/datasets/<dirname>_archive` and extracted
// into `<dirname>/<folder>/` (cifar-10-batches-py-target/cifar-10-batches-py/), so Keras finds
// both. Only the batch files are taken from the archive (by exact name: nothing else is
// written), each written to a temporary name and renamed into place.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DATASET_FILES, kerasDatasetsDir, type PlaceEnv } from '../../language/data/dataset-places';
import { DataError } from '../../language/data/errors';
import { ensureFiles } from './download';
import { CIFAR_ARCHIVES, expectedSums } from './remote-datasets';

const gunzipAsync = promisify(gunzip);

export interface CifarDownloadOptions {
  pe: PlaceEnv;
  mirrors: readonly string[];
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** The CIFAR site's folder, unless MODELSPEC_DATASET_MIRROR names others. */
export const CIFAR_MIRRORS = ['https://www.cs.toronto.edu/~kriz/'];

/** Downloads (resumably) and extracts; returns the batch files in DATASET_FILES order. */
export async function downloadCifar(name: 'cifar10' | 'cifar100', opts: CifarDownloadOptions): Promise<string[]> {
  const spec = CIFAR_ARCHIVES[name];
  const keras = kerasDatasetsDir(opts.pe);
  const [archive] = await ensureFiles({
    dir: keras,
    files: expectedSums([{ name: `${spec.dirname}_archive`, remoteName: spec.remoteName, sha256: spec.sha256 }]),
    mirrors: opts.mirrors,
    onProgress: opts.onProgress,
    signal: opts.signal,
  });
  opts.onProgress?.(`Extracting ${archive}`);
  const target = join(keras, spec.dirname, spec.folder);
  await mkdir(target, { recursive: true });
  const wanted = new Set(DATASET_FILES[name].map((f) => `${spec.folder}/${f}`));
  const found = new Set<string>();
  for (const entry of tarEntries(await gunzipAsync(await readFile(archive)), archive)) {
    if (!wanted.has(entry.name)) continue;
    const path = join(target, entry.name.slice(spec.folder.length + 1));
    await writeFile(`${path}.part`, entry.data);
    await rename(`${path}.part`, path);
    found.add(entry.name);
  }
  const missing = [...wanted].filter((n) => !found.has(n));
  if (missing.length)
    throw new DataError('data-format', `${archive} lacks ${missing.join(', ')}; delete it to download it again`);
  return DATASET_FILES[name].map((f) => join(target, f));
}

/** Regular files of a ustar/GNU tar archive. */
function* tarEntries(tar: Buffer, path: string): Generator<{ name: string; data: Buffer }> {
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) return; // end of archive
    const text = (from: number, to: number) => header.toString('latin1', from, to).replace(/\0.*$/s, '');
    const size = parseInt(text(124, 136).trim() || '0', 8);
    if (!Number.isFinite(size) || at + 512 + size > tar.length)
      throw new DataError('data-format', `${path} is a damaged tar archive; delete it to download it again`);
    const prefix = text(257, 263).startsWith('ustar') ? text(345, 500) : '';
    const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100);
    const type = String.fromCharCode(header[156]);
    if (type === '0' || type === '\0') yield { name, data: tar.subarray(at + 512, at + 512 + size) };
    at += 512 + Math.ceil(size / 512) * 512;
  }
}
