// Writes an export's output file whole or not at all: a temporary name next to it, then a
// rename, so an interrupted export never leaves a truncated model where a good one was.

import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** The temporary name `path` is written under before the rename. */
export function tempNameFor(path: string): string {
  return `${path}.${process.pid}.tmp`;
}

/** Calls `write(tempPath)`, then renames the temporary file to `path`. Errors name `path`. */
export async function writeAtomically(path: string, write: (tempPath: string) => void | Promise<void>): Promise<void> {
  const tmp = tempNameFor(path);
  try {
    await write(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code ? `cannot write ${path} (${code}): ${(e as Error).message}` : (e as Error).message);
  }
}

export function writeFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  return writeAtomically(path, (tmp) => writeFileSync(tmp, data));
}
