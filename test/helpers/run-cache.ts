// Facts that every test file of one run would otherwise work out again, at seconds of CPU each
// (finding the Python with torch imports torch). `node scripts/test.mjs` makes a folder for the
// run (MODELSPEC_TEST_RUN_DIR) and removes it at the end; the first test process to compute a
// fact leaves it there for the others, which wait for it meanwhile. A file run on its own
// computes it itself.

import { existsSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** How long a process waits for another that is computing the same fact before computing it itself. */
const WAIT_MS = 120_000;

/**
 * `compute()`'s value, computed once per test run. The first process to ask takes `<key>.lock`
 * (created exclusively) and computes; one asking meanwhile waits for the value rather than
 * computing it too (with files running concurrently, several ask in the same second).
 */
export function oncePerRun<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const dir = process.env.MODELSPEC_TEST_RUN_DIR;
  if (!dir || !existsSync(dir)) return compute();
  return onceIn(dir, key, compute);
}

/** oncePerRun with the run's folder given (its test passes one of its own). */
export async function onceIn<T>(dir: string, key: string, compute: () => Promise<T>): Promise<T> {
  const file = join(dir, `${key}.json`);
  const lock = join(dir, `${key}.lock`);
  const read = () => (JSON.parse(readFileSync(file, 'utf8')) as { value: T }).value;
  if (existsSync(file)) return read();
  if (!takeLock(lock)) {
    // Another process is computing it: wait for its value, or for its lock to go (it failed).
    const deadline = Date.now() + WAIT_MS;
    while (existsSync(lock) && !existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (existsSync(file)) return read();
  }
  try {
    const value = await compute();
    // Written whole, then renamed: a concurrent reader sees no file or all of it.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ value }));
    renameSync(tmp, file);
    return value;
  } finally {
    rmSync(lock, { force: true });
  }
}

function takeLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch {
    return false;
  }
}
