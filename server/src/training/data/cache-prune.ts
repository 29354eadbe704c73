// Keeps the prepared-tensor part of the cache (<cache>/prepared/<key>/) under a size budget by
// evicting the least recently used entries. What is and is not pruned:
// - Only prepared entries: they are derived data, rebuilt from their source on the next run that
//   needs them (and `modelspec evaluate` prepares a run's data again when it left the cache).
// - Never the downloaded datasets (<cache>/mnist, <cache>/fashion_mnist): they are small, and
//   getting them back needs the network; delete those folders by hand to reclaim them.
// - Never an entry in use: the entries the current prepareData call returned, and any entry used
//   (read or written) within `minIdleMs` (default 10 minutes), which covers another run between
//   preparing its data and its engine opening the files. Once an engine has opened them,
//   removing the folder does not disturb it (POSIX keeps open/mapped files; on Windows the
//   delete fails and the entry is skipped).
// "Used" is the modification time of the entry's meta.json, which readStored/writeStored set.
// Stale temporary folders of interrupted writes (older than a day) are removed too.
//
// The budget: PrepareOptions.cacheMaxBytes, else MODELSPEC_CACHE_MAX_MB, else 4 GiB;
// 0 or a negative value (or MODELSPEC_CACHE_MAX_MB=unlimited) turns pruning off.

import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const DEFAULT_CACHE_MAX_BYTES = 4 * 1024 ** 3;
export const DEFAULT_MIN_IDLE_MS = 10 * 60 * 1000;
const STALE_TMP_MS = 24 * 60 * 60 * 1000;

/** The prepared-data budget in bytes; Infinity when pruning is off. */
export function cacheBudget(option?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (option !== undefined) return option > 0 ? option : Infinity;
  const raw = env.MODELSPEC_CACHE_MAX_MB?.trim();
  if (raw) {
    if (/^(unlimited|none|off)$/i.test(raw)) return Infinity;
    const mb = Number(raw);
    if (Number.isFinite(mb)) return mb > 0 ? mb * 1024 * 1024 : Infinity;
  }
  return DEFAULT_CACHE_MAX_BYTES;
}

export interface PruneOptions {
  maxBytes: number;
  /** Keys never evicted (the entries the caller is about to use). */
  keep?: Iterable<string>;
  minIdleMs?: number;
  now?: number;
}

export interface PruneResult {
  /** Keys removed, least recently used first. */
  removed: string[];
  freedBytes: number;
  /** The prepared entries' size after pruning. */
  totalBytes: number;
}

interface Entry {
  key: string;
  dir: string;
  bytes: number;
  lastUsed: number;
}

/** Evicts least recently used prepared entries until they fit `maxBytes`. Never throws. */
export async function prunePrepared(cacheDir: string, opts: PruneOptions): Promise<PruneResult> {
  const result: PruneResult = { removed: [], freedBytes: 0, totalBytes: 0 };
  const root = join(cacheDir, 'prepared');
  const now = opts.now ?? Date.now();
  const minIdle = opts.minIdleMs ?? DEFAULT_MIN_IDLE_MS;
  const keep = new Set(opts.keep ?? []);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return result; // no cache yet
  }
  const entries: Entry[] = [];
  for (const name of names) {
    const dir = join(root, name);
    if (name.endsWith('.tmp') || name.endsWith('.evicting')) {
      // An interrupted write or eviction; a young .tmp may be another run writing right now.
      const info = await stat(dir).catch(() => undefined);
      if (info && (name.endsWith('.evicting') || now - info.mtimeMs > STALE_TMP_MS)) await rm(dir, { recursive: true, force: true }).catch(() => {});
      continue;
    }
    const entry = await describe(name, dir);
    if (entry) entries.push(entry);
  }
  result.totalBytes = entries.reduce((a, e) => a + e.bytes, 0);
  if (result.totalBytes <= opts.maxBytes) return result;

  entries.sort((a, b) => a.lastUsed - b.lastUsed);
  for (const e of entries) {
    if (result.totalBytes <= opts.maxBytes) break;
    if (keep.has(e.key) || now - e.lastUsed < minIdle) continue;
    // Look again right before removing: a run may have just used it.
    const fresh = await describe(e.key, e.dir);
    if (!fresh || keep.has(e.key) || now - fresh.lastUsed < minIdle) continue;
    // Rename first (atomic): a run looking the key up from now on prepares it again instead of
    // finding a half-deleted folder.
    const doomed = `${e.dir}.${process.pid}.evicting`;
    try {
      await rename(e.dir, doomed);
    } catch {
      continue; // gone already, or locked (Windows: an engine has the files open)
    }
    await rm(doomed, { recursive: true, force: true }).catch(() => {});
    result.removed.push(e.key);
    result.freedBytes += e.bytes;
    result.totalBytes -= e.bytes;
  }
  return result;
}

async function describe(key: string, dir: string): Promise<Entry | undefined> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) return undefined;
    let bytes = 0;
    let lastUsed = info.mtimeMs;
    for (const file of await readdir(dir, { withFileTypes: true })) {
      if (!file.isFile()) continue;
      const s = await stat(join(dir, file.name));
      bytes += s.size;
      if (file.name === 'meta.json') lastUsed = s.mtimeMs;
    }
    return { key, dir, bytes, lastUsed };
  } catch {
    return undefined;
  }
}
