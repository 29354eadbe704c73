// Facts that every test file of one run would otherwise work out again, at seconds of CPU each
// (finding the Python with torch imports torch). `node scripts/test.mjs` makes a folder for the
// run (MODELSPEC_TEST_RUN_DIR) and removes it at the end; the first test process to compute a
// fact leaves it there for the others. A file run on its own computes it itself.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `compute()`'s value, computed once per test run (two files asking at once may both compute it). */
export async function oncePerRun<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const dir = process.env.MODELSPEC_TEST_RUN_DIR;
  if (!dir || !existsSync(dir)) return compute();
  const file = join(dir, `${key}.json`);
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { value: T }).value;
  const value = await compute();
  // Written whole, then renamed: a concurrent reader sees no file or all of it.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ value }));
  renameSync(tmp, file);
  return value;
}
