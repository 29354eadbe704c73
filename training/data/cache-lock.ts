// Which prepared entries are in use. A process that prepares data for a run holds a lock on each
// entry, from before it looks the entry up until the run's engine has ended: an empty file
// <cache>/prepared-locks/<entry>@<pid>. A lock counts only while its process is alive
// (process.kill(pid, 0)), so a crashed run protects nothing; cache-prune.ts removes such locks.
// Several runs of one process (the VS Code extension) share its lock file, counted here.
// A pid reused by an unrelated process keeps an entry a little longer: never a lost file.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PreparedData } from '../protocol';

const LOCKS = 'prepared-locks';
/** Lock file -> how many runs of this process hold it. */
const held = new Map<string, number>();

function lockPath(cacheDir: string, entry: string, pid: number): string {
  return join(cacheDir, LOCKS, `${entry}@${pid}`);
}

/** Marks the entries as in use by this process (until releaseEntries). Throws, naming the path, when the lock cannot be written. */
export function lockEntries(cacheDir: string, entries: readonly string[]): void {
  for (const entry of entries) {
    const path = lockPath(cacheDir, entry, process.pid);
    const count = held.get(path) ?? 0;
    if (count === 0) {
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, '');
      } catch (e) {
        throw new Error(
          `Cannot write the cache lock ${path}: ${e instanceof Error ? e.message : String(e)}. Check that the cache folder is writable, or set MODELSPEC_CACHE to another folder`,
        );
      }
    }
    held.set(path, count + 1);
  }
}

/** Undoes one lockEntries of these entries; the lock file goes with the last holder. Never throws. */
export function releaseEntries(cacheDir: string, entries: readonly string[]): void {
  for (const entry of entries) {
    const path = lockPath(cacheDir, entry, process.pid);
    const count = held.get(path) ?? 0;
    if (count > 1) {
      held.set(path, count - 1);
      continue;
    }
    held.delete(path);
    rmSync(path, { force: true });
  }
}

/** The cache folder and entry name of a prepared tensor file (<cache>/prepared/<entry>/x.bin). */
export function entryOf(tensorPath: string): { cacheDir: string; entry: string } | undefined {
  const entryDir = dirname(tensorPath);
  const prepared = dirname(entryDir);
  return basename(prepared) === 'prepared' ? { cacheDir: dirname(prepared), entry: basename(entryDir) } : undefined;
}

function entriesOf(data: PreparedData): { cacheDir: string; entry: string }[] {
  return [data.train, data.validation, data.test].flatMap((split) => {
    const where = split && entryOf(split.x.path);
    return where ? [where] : [];
  });
}

/** Locks the entries of data this process did not prepare itself (a run's saved spec). */
export function lockPrepared(data: PreparedData): void {
  for (const { cacheDir, entry } of entriesOf(data)) lockEntries(cacheDir, [entry]);
}

/** Releases the entries a run's data came from (called once its engine has ended). */
export function releasePrepared(data: PreparedData): void {
  for (const { cacheDir, entry } of entriesOf(data)) releaseEntries(cacheDir, [entry]);
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/** The entries some live process holds; the locks of dead processes are removed. */
export function lockedEntries(cacheDir: string): Set<string> {
  const locked = new Set<string>();
  let names: string[];
  try {
    names = readdirSync(join(cacheDir, LOCKS));
  } catch {
    return locked; // no locks yet
  }
  for (const name of names) {
    const at = name.lastIndexOf('@');
    const pid = Number(name.slice(at + 1));
    if (at > 0 && Number.isInteger(pid) && pid > 0 && processAlive(pid)) locked.add(name.slice(0, at));
    else rmSync(join(cacheDir, LOCKS, name), { force: true });
  }
  return locked;
}
