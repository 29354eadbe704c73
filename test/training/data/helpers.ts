// Helpers that write small data files the way the real tools do (numpy.save, PNG and JPEG encoders).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { slotSplit, type ResolvedSource, type Slot } from '../../../language/analysis/plan';
import type { SourceRef } from '../../../language/data/types';

/** A source as the plan hands it to data preparation: a built-in set's split resolved for its slot. */
export function resolved(ref: SourceRef, slot: Slot = 'train'): ResolvedSource {
  return { ...ref, split: slotSplit(ref, slot) };
}

/** Writes what numpy.save writes: magic, version, padded header dict, little-endian data. */
export function npyBytes(
  descr: string,
  shape: number[],
  data: Uint8Array,
  options: { version?: 1 | 2; fortran?: boolean } = {},
): Buffer {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';
  const head = Buffer.alloc(prefix);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(dict.length, 8);
  else head.writeUInt32LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** Writes a PNG of one solid RGBA color (or a per-pixel function). */
export function writePng(
  path: string,
  width: number,
  height: number,
  color: (x: number, y: number) => [number, number, number, number],
): void {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) png.data.set(color(x, y), (y * width + x) * 4);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, PNG.sync.write(png));
}

export function writeJpeg(
  path: string,
  width: number,
  height: number,
  color: (x: number, y: number) => [number, number, number],
): void {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([...color(x, y), 255], (y * width + x) * 4);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, jpeg.encode({ data, width, height }, 95).data);
}

/** Runs fn with these environment variables set (undefined: unset), restoring them after. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}
