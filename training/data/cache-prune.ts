// Keeps the prepared-tensor part of the cache (<cache>/prepared/<key>/) under a size budget by
// evicting the least recently used entries. What is and is not pruned:
// - Only prepared entries: they are derived data, rebuilt from their source on the next run that
//   needs them (and `modelspec evaluate` prepares a run's data again when it left the cache).
// - Never the downloaded datasets (<cache>/mnist, <cache>/fashion_mnist): they are small, and
//   getting them back needs the network; delete those folders by hand to reclaim them.
// - Never an entry in use: the entries the current prepareData call returned, and any entry a
//   live process holds a lock on (cache-lock.ts: from preparing a run's data until its engine
//   ends). Nothing else is protected, so the budget holds. Even so, an engine that has opened
//   its files is not disturbed by their removal (POSIX keeps open/mapped files; on Windows the
//   delete fails and the entry is skipped).
// - An entry is named <source>-<version> (tensor-store.ts): a new version of a source's files
//   replaces the older ones (dropOtherVersions) instead of adding a full copy per edit.
// "Used" is the modification time of the entry's meta.json, which readStored/writeStored set.
// Stale temporary folders of interrupted writes (older than a day) are removed too.
//
// The budget: PrepareOptions.cacheMaxBytes, else MODELSPEC_CACHE_MAX_MB, else 4 GiB;
// 0 or a negative value (or MODELSPEC_CACHE_MAX_MB=unlimited) turns pruning off.

import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { lockedEntries } from './cache-lock';
import { sourceOf } from './tensor-store';

export const DEFAULT_CACHE_MAX_BYTES = 4 * 1024 ** 3;
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
  /** Also spare entries used this recently (default 0: only the kept and the locked ones). */
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
  const minIdle = opts.minIdleMs ?? 0;
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
      if (info && (name.endsWith('.evicting') || now - info.mtimeMs > STALE_TMP_MS))
        await rm(dir, { recursive: true, force: true }).catch(() => {});
      continue;
    }
    const entry = await describe(name, dir);
    if (entry) entries.push(entry);
  }
  result.totalBytes = entries.reduce((a, e) => a + e.bytes, 0);
  if (result.totalBytes <= opts.maxBytes) return result;

  entries.sort((a, b) => a.lastUsed - b.lastUsed);
  let locked = lockedEntries(cacheDir);
  for (const e of entries) {
    if (result.totalBytes <= opts.maxBytes) break;
    if (keep.has(e.key) || locked.has(e.key) || now - e.lastUsed < minIdle) continue;
    // Look again right before removing: a run may have just locked or used it.
    locked = lockedEntries(cacheDir);
    const fresh = await describe(e.key, e.dir);
    if (!fresh || locked.has(e.key) || now - fresh.lastUsed < minIdle) continue;
    if (!(await evict(e.dir))) continue;
    result.removed.push(e.key);
    result.freedBytes += e.bytes;
    result.totalBytes -= e.bytes;
  }
  return result;
}

/**
 * Removes the other versions of `entry`'s source (the same <source>- prefix) that no live
 * process holds: a changed file's prepared copy replaces the old one. Returns the removed keys.
 */
export async function dropOtherVersions(cacheDir: string, entry: string): Promise<string[]> {
  const source = sourceOf(entry);
  const root = join(cacheDir, 'prepared');
  const names = await readdir(root).catch(() => [] as string[]);
  const others = names.filter(
    (n) => n !== entry && !n.endsWith('.tmp') && !n.endsWith('.evicting') && sourceOf(n) === source,
  );
  if (!others.length) return [];
  const locked = lockedEntries(cacheDir);
  const removed: string[] = [];
  for (const name of others) if (!locked.has(name) && (await evict(join(root, name)))) removed.push(name);
  return removed;
}

/** Renames first (atomic): a run looking the key up from now on prepares it again instead of finding a half-deleted folder. */
async function evict(dir: string): Promise<boolean> {
  const doomed = `${dir}.${process.pid}.evicting`;
  try {
    await rename(dir, doomed);
  } catch {
    return false; // gone already, or locked (Windows: an engine has the files open)
  }
  await rm(doomed, { recursive: true, force: true }).catch(() => {});
  return true;
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
