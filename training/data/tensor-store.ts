// Prepared tensors in the cache: <cacheDir>/prepared/<key>/ holds x.bin, y.bin and meta.json.
// The key is <source>-<version>: <source> a hash of the recipe (source, arguments, the model's
// input shape, the label encoding), <version> a hash of the input files' paths, sizes and
// modification times. A repeated run finds its tensors and skips loading; a new version of the
// files replaces the old entry (cache-prune.ts's dropOtherVersions). A folder appears under its
// key only once complete.
// Each use touches meta.json, so cache-prune.ts can evict the least recently used entries.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TextVocabulary } from '../../data/types';
import type { TensorFile } from '../protocol';

/** Bump when the layout of prepared files changes, so old caches are not reused. */
const FORMAT_VERSION = 1;

export interface StoredSplit {
  x: TensorFile;
  y: TensorFile;
  classes?: string[];
  isImage: boolean;
  /** [H, W, C] of the source's images, whatever shape x was stored in (entries before it lack it). */
  imageShape?: number[];
  count: number;
  /** csv(text=…): the vocabulary the ids index and their length per text. */
  text?: TextVocabulary;
}

export async function recipeKey(recipe: unknown, files: string[]): Promise<string> {
  const stamps = await Promise.all(
    files.map(async (f) => {
      const s = await stat(f);
      return [f, s.size, s.mtimeMs];
    }),
  );
  const hash = (v: unknown, n: number) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, n);
  return `${hash({ version: FORMAT_VERSION, recipe }, 32)}-${hash(stamps, 16)}`;
}

/** The source part of a key: entries with the same one are versions of the same data. */
export function sourceOf(key: string): string {
  return key.split('-')[0]!;
}

export async function readStored(cacheDir: string, key: string): Promise<StoredSplit | undefined> {
  const meta = join(cacheDir, 'prepared', key, 'meta.json');
  if (!existsSync(meta)) return undefined;
  try {
    const stored = JSON.parse(await readFile(meta, 'utf8')) as StoredSplit;
    if (!existsSync(stored.x.path) || !existsSync(stored.y.path)) return undefined;
    // meta.json's mtime is the entry's last use, for least-recently-used pruning (cache-prune.ts).
    const now = new Date();
    await utimes(meta, now, now).catch(() => {}); // a read-only cache still works
    return stored;
  } catch {
    return undefined; // unreadable: prepare again
  }
}

type TypedData = Uint8Array | Int32Array | Float32Array;

export interface TensorToWrite {
  dtype: TensorFile['dtype'];
  shape: number[];
  data: TypedData;
}

/** Writes x and y under the key and returns where they are. */
export async function writeStored(
  cacheDir: string,
  key: string,
  x: TensorToWrite,
  y: TensorToWrite,
  info: { classes?: string[]; isImage: boolean; imageShape?: number[]; count: number; text?: TextVocabulary },
): Promise<StoredSplit> {
  const finalDir = join(cacheDir, 'prepared', key);
  const tmpDir = `${finalDir}.${process.pid}.${Date.now()}.tmp`;
  await mkdir(tmpDir, { recursive: true });
  const stored: StoredSplit = {
    x: { path: join(finalDir, 'x.bin'), dtype: x.dtype, shape: x.shape },
    y: { path: join(finalDir, 'y.bin'), dtype: y.dtype, shape: y.shape },
    ...info,
  };
  await writeFile(join(tmpDir, 'x.bin'), littleEndianBytes(x.data));
  await writeFile(join(tmpDir, 'y.bin'), littleEndianBytes(y.data));
  await writeFile(join(tmpDir, 'meta.json'), JSON.stringify(stored, null, 1));
  // Another run may have prepared the same key meanwhile: keep theirs (an engine may be reading it).
  const theirs = await readStored(cacheDir, key);
  if (theirs) {
    await rm(tmpDir, { recursive: true, force: true });
    return theirs;
  }
  await rm(finalDir, { recursive: true, force: true }); // an unreadable leftover
  try {
    await rename(tmpDir, finalDir);
  } catch (e) {
    await rm(tmpDir, { recursive: true, force: true });
    const raced = await readStored(cacheDir, key);
    if (!raced) throw e;
    return raced;
  }
  return stored;
}

/** The bytes of a typed array as little-endian (every platform Node runs on is little-endian). */
function littleEndianBytes(data: TypedData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
