// Every file the training side writes goes through here, so that a full or read-only disk gives
// one clear message naming the path and the cause, a model file is either whole or absent
// (temp + fsync + rename), an event line is either whole or absent, and two runs started in the
// same second get two folders. Mirrored for the PyTorch engine in modelspec_torch/files.py.

import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statfsSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** An I/O failure with a message for people: the path, the cause and what to do. */
export class IoError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'IoError';
  }
}

function errnoCode(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The nearest existing folder at or above `path` (where statfs can answer). */
function existingAncestor(path: string): string {
  let dir = path;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The command a message tells to write elsewhere with --out (train, predict: a folder; export, import: a file). */
export type WritingCommand = 'train' | 'export' | 'import' | 'predict';

/** "no space left on /x/runs: 0 bytes free", "/x/runs is on a read-only file system", … */
export function ioCause(e: unknown, dir: string, command: WritingCommand = 'train'): string {
  const code = errnoCode(e);
  const elsewhere = command === 'train' ? 'train with --out on' : `${command} with --out into`;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT': {
      let free = '';
      try {
        const s = statfsSync(existingAncestor(dir));
        free = `: ${(Number(s.bavail) * Number(s.bsize)).toLocaleString('en-US')} bytes free`;
      } catch {
        // statfs itself failed: the cause is still worth saying.
      }
      return `no space left on ${dir}${free}${code === 'EDQUOT' ? ' (disk quota exceeded)' : ''}; free some space or ${elsewhere} another disk`;
    }
    case 'EROFS':
      return `${dir} is on a read-only file system; ${elsewhere} a writable folder`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${dir}; ${elsewhere} a folder you can write`;
    case 'ENOENT':
      return command === 'train'
        ? `${dir} does not exist (was it removed during the run?)`
        : `${dir} does not exist; create it or ${command} with --out into an existing folder`;
    case 'ENOTDIR':
      return `a part of ${dir} is a file, not a folder`;
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/** Wraps a failed file operation on `path` as an IoError that names the path and the cause. */
export function ioError(e: unknown, path: string, verb = 'write', command: WritingCommand = 'train'): IoError {
  if (e instanceof IoError) return e;
  return new IoError(`cannot ${verb} ${path}: ${ioCause(e, dirname(path), command)}`, path, errnoCode(e));
}

/** Whether `e` is a file-system failure (an errno code or our IoError), not a bug. */
export function isIoError(e: unknown): boolean {
  return e instanceof IoError || (e instanceof Error && /^E[A-Z]+$/.test(errnoCode(e) ?? ''));
}

/** mkdir -p, one level at a time: Node's recursive mkdir reports ENOENT on a read-only disk. */
export function makeDirs(path: string): void {
  const missing: string[] = [];
  for (let dir = path; !existsSync(dir) && dirname(dir) !== dir; dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST')
        throw new IoError(`cannot create ${dir}: ${ioCause(e, dirname(dir))}`, dir, errnoCode(e));
    }
  }
}

/**
 * Creates a new run folder `<parent>/<name>` that no other run shares: the leaf is made
 * exclusively (no `recursive`), and a name already taken (another run started in the same
 * second) gets `-2`, `-3`, … Returns the folder made.
 */
export function createRunFolder(parent: string, name: string): string {
  makeDirs(parent);
  for (let n = 1; ; n++) {
    const dir = join(parent, n === 1 ? name : `${name}-${n}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if (errnoCode(e) !== 'EEXIST')
        throw new IoError(`cannot create the run folder ${dir}: ${ioCause(e, parent)}`, dir, errnoCode(e));
    }
  }
}

/**
 * Writes `path` whole or not at all: a temporary file in the same folder, fsync, rename. On
 * failure the temporary file is removed and the old file (if any) is left as it was.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, command: WritingCommand = 'train'): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Closing after a failed write can fail too; the write's error is the one to report.
      }
    }
    rmSync(tmp, { force: true });
    throw ioError(e, path, 'write', command);
  }
}

/**
 * Like writeFileAtomic for a file another program writes (torch.onnx.export, h5py): `write` fills
 * the temporary name, then it is renamed to `path`; on failure nothing is left at either name.
 */
export async function writeViaTemp(path: string, write: (tempPath: string) => void | Promise<void>): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await write(tmp);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw (e as NodeJS.ErrnoException).code ? ioError(e, path) : e;
  }
}

/**
 * Appends one line to `path` in one write. If the disk fills part-way, the part written is cut
 * off again, so the file never ends in half a line.
 */
export function appendLine(path: string, line: string): void {
  appendBytes(path, Buffer.from(line.endsWith('\n') ? line : line + '\n', 'utf8'));
}

/** Appends `bytes` in one write; a short or failed write is cut back, so the file holds all of it or none. */
export function appendBytes(path: string, bytes: Uint8Array): void {
  let fd: number | undefined;
  let size = 0;
  try {
    fd = openSync(path, 'a');
    size = fstatSync(fd).size;
    const written = writeSync(fd, bytes);
    if (written !== bytes.byteLength) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
  } catch (e) {
    if (fd !== undefined) {
      try {
        ftruncateSync(fd, size);
      } catch {
        // Nothing more to do: readers skip a torn last line.
      }
    }
    throw ioError(e, path);
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // The write (or its error) has been dealt with; a failing close adds nothing.
      }
    }
  }
}
