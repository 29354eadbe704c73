// THE way the language core reads a file. The checker runs on every keystroke, so a read must
// never block or grow without bound: open with O_NONBLOCK (a FIFO without a writer would block a
// plain open forever), fstat the open descriptor (no race with a rename), refuse anything that is
// not a regular file (/dev/zero never ends, a FIFO blocks on read), and read at most a cap.

import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { DataError } from './errors';

/** Whole files read to count rows or classes (CSV, IDX labels) stay below this. */
export const SMALL_FILE_BYTES = 1 << 20;
/** A saved model's model.json (topology and weight manifest, never the weights) beyond this is refused. */
export const MODEL_JSON_MAX_BYTES = 16 << 20;

// Windows has no O_NONBLOCK (and no FIFOs in the file system); 0 leaves the flag out there.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** 'a FIFO (named pipe)', 'a directory', …: what a non-regular file is, for messages. */
export function describeKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** `1.5 MiB`, `16 MiB`, `900 bytes`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** A DataError for a failed open or stat, naming the path as the user wrote it. */
function openError(e: unknown, written: string, path: string): DataError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new DataError('data-missing', `${written} does not exist (looked for ${path}); fix the path`);
  if (code === 'EACCES' || code === 'EPERM')
    return new DataError('data-format', `${written} cannot be read (permission denied); check its permissions`);
  if (code === 'EISDIR')
    return new DataError('data-format', `${written} is a directory, not a regular file; point it at a file`);
  return new DataError('data-format', `${written} cannot be read (${code ?? (e as Error).message})`);
}

function notRegular(st: Stats, written: string): DataError {
  return new DataError('data-format', `${written} is ${describeKind(st)}, not a regular file; point it at a file`);
}

/** Opens a regular file without blocking; DataError for anything else. The caller closes the fd. */
function openRegular(path: string, written: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw openError(e, written, path);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(st, written);
    return { fd, size: st.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Reads from `fd` until `want` bytes or the end of the file. */
function readUpTo(fd: number, want: number): Uint8Array {
  const buf = Buffer.alloc(want);
  let got = 0;
  while (got < want) {
    const n = readSync(fd, buf, got, want - got, got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** The first `maxBytes` bytes of a regular file (fewer if it is shorter). `written` names it in errors. */
export function readHead(path: string, maxBytes: number, written = path): Uint8Array {
  const { fd, size } = openRegular(path, written);
  try {
    return readUpTo(fd, Math.min(maxBytes, size));
  } finally {
    closeSync(fd);
  }
}

/** A whole regular file of at most `maxBytes`; beyond that a DataError naming the limit and `what` it is. */
export function readCapped(path: string, maxBytes: number, what: string, written = path): Uint8Array {
  const { fd, size } = openRegular(path, written);
  try {
    if (size > maxBytes) {
      throw new DataError(
        'data-format',
        `${written} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for ${what}; check that the path points at the right file`,
      );
    }
    return readUpTo(fd, size);
  } finally {
    closeSync(fd);
  }
}

/** stat (never blocks, even on a FIFO), with the same DataErrors as a read. */
export function statPath(path: string, written = path): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw openError(e, written, path);
  }
}

/** A folder to list; DataError when the path is a file, a FIFO or a device. */
export function requireDirectory(path: string, written = path): void {
  const st = statPath(path, written);
  if (!st.isDirectory()) {
    throw new DataError(
      'data-format',
      `${written} is ${st.isFile() ? 'a file' : describeKind(st)}, not a folder; point it at a folder with one sub-folder per class`,
    );
  }
}
