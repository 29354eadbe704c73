// NumPy .npz archives (a zip of .npy members, as numpy.savez/savez_compressed write them, zip64
// fields included), read whole: each member is a numeric array (decoded as npy(...) does) or an
// object array, whose pickle is read by the safe reader (pickle.ts) as Keras's load_npz does.

import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { DataError } from '../../language/data/errors';
import { NdArray, PickleError, readPickle } from './pickle';

/** A member's array: raw little-endian bytes with its dtype string, or the elements of an object array. */
export interface NpzArray {
  descr: string;
  shape: number[];
  /** Numeric arrays: the raw bytes in C order. Object arrays: undefined (see `objects`). */
  bytes?: Uint8Array;
  objects?: unknown[];
}

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/** Reads every `.npy` member of the archive, keyed without `.npy` (x_train, y_train, …). */
export async function readNpz(path: string): Promise<Map<string, NpzArray>> {
  const zip = await readFile(path);
  const out = new Map<string, NpzArray>();
  try {
    for (const entry of centralDirectory(zip, path)) {
      if (!entry.name.endsWith('.npy')) continue;
      out.set(entry.name.slice(0, -4), parseNpyMember(memberBytes(zip, entry, path), `${path}:${entry.name}`));
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    // A field pointing past the end (RangeError) or a damaged deflate stream: a damaged file.
    throw fail(path, (e as Error).message);
  }
  return out;
}

function fail(path: string, what: string): DataError {
  return new DataError(
    'data-format',
    `${path} is not a readable .npz archive (${what}); delete it to download it again`,
  );
}

function centralDirectory(zip: Buffer, path: string): Entry[] {
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw fail(path, 'no zip directory');
  let count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  if (at === 0xffffffff || count === 0xffff) {
    // zip64: the locator just before points at the zip64 end record.
    const locator = eocd - 20;
    if (locator < 0 || zip.readUInt32LE(locator) !== 0x07064b50)
      throw fail(path, 'a zip64 archive without its locator');
    const end64 = Number(zip.readBigUInt64LE(locator + 8));
    if (end64 + 56 > zip.length || zip.readUInt32LE(end64) !== 0x06064b50)
      throw fail(path, 'a damaged zip64 directory');
    count = Number(zip.readBigUInt64LE(end64 + 32));
    at = Number(zip.readBigUInt64LE(end64 + 48));
  }
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw fail(path, 'a damaged zip directory');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const entry: Entry = {
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      offset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    };
    readZip64Extra(zip.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Fields that did not fit 32 bits are in the zip64 extra block (id 1), in this order. */
function readZip64Extra(extra: Buffer, entry: Entry): void {
  for (let p = 0; p + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(p);
    const length = extra.readUInt16LE(p + 2);
    if (id === 1) {
      let q = p + 4;
      const next = () => {
        const v = Number(extra.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.offset === 0xffffffff) entry.offset = next();
      return;
    }
    p += 4 + length;
  }
}

function memberBytes(zip: Buffer, entry: Entry, path: string): Buffer {
  const at = entry.offset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== 0x04034b50)
    throw fail(path, `a damaged entry for ${entry.name}`);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  if (start + entry.compressedSize > zip.length) throw fail(path, `${entry.name} is cut short`);
  const raw = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method === 8) return inflateRawSync(raw);
  throw fail(path, `${entry.name} uses zip compression method ${entry.method}`);
}

/** A .npy member: the header dict, then raw data, or a pickled object array when descr is '|O'. */
function parseNpyMember(bytes: Buffer, where: string): NpzArray {
  const bad = (what: string) => new DataError('data-format', `${where} is not a .npy array (${what})`);
  if (bytes.length < 10 || bytes.toString('latin1', 1, 6) !== 'NUMPY') throw bad('no \\x93NUMPY magic');
  const major = bytes[6];
  const start = major === 1 ? 10 : 12;
  const length = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const text = bytes.toString('latin1', start, start + length);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || shapeText === undefined || fortran !== 'False') throw bad(`header ${text.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const body = bytes.subarray(start + length);
  if (descr !== '|O') return { descr, shape, bytes: new Uint8Array(body) };
  let value;
  try {
    value = readPickle(body);
  } catch (e) {
    if (e instanceof PickleError) throw bad(e.message);
    throw e;
  }
  if (!(value instanceof NdArray) || !Array.isArray(value.data)) throw bad('the pickle is not an object array');
  return { descr, shape: value.shape, objects: value.data };
}
