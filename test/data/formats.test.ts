// Each data format is one module (data/<format>.ts): the checker's header probe and
// training's loader apply the same checks with the same message. For each format, a file both
// refuse: the checker's diagnostic text (probeSource) and training's error (the format's loader,
// as prepareData calls it) are the same sentence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearProbeCache, probeSource } from '../../language/data/probe';
import type { SourceRef } from '../../language/data/types';
import { loaderFor } from '../../training/data/sources';

function idxBytes(dims: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.alloc(dims.reduce((a, b) => a * b, 1))]);
}

function npyBytes(shape: number[]): Buffer {
  let dict = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  dict += ' '.repeat(64 - ((10 + dict.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), Buffer.alloc(shape.reduce((a, b) => a * b, 1))]);
}

/** The checker's message and training's message for the same source. */
async function bothMessages(ref: SourceRef, dir: string): Promise<{ probe: string; loader: string }> {
  clearProbeCache();
  const info = probeSource(ref, dir);
  assert.equal(info.ok, false, `the checker refuses ${ref.name}`);
  const ctx = { baseDir: dir, cacheDir: join(dir, 'cache'), labelEncoding: 'index' as const };
  const loader = await loaderFor(ref)
    .load(ref, 'train', ctx)
    .then(
      () => assert.fail(`training refuses ${ref.name}`),
      (e: Error) => e.message,
    );
  return { probe: (info as { message: string }).message, loader };
}

test('idx: one label per sample, the same message from the checker and from training', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'formats-idx-'));
  writeFileSync(join(dir, 'x.idx'), idxBytes([5, 2, 2]));
  writeFileSync(join(dir, 'y.idx'), idxBytes([4]));
  const m = await bothMessages({ name: 'idx', args: { images: 'x.idx', labels: 'y.idx' } } as SourceRef, dir);
  assert.match(m.probe, /y\.idx holds 4 labels but x\.idx holds 5 samples/);
  assert.equal(m.loader, m.probe);
});

test('npy: the same first axis, the same message from the checker and from training', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'formats-npy-'));
  writeFileSync(join(dir, 'x.npy'), npyBytes([5, 3]));
  writeFileSync(join(dir, 'y.npy'), npyBytes([4]));
  const m = await bothMessages({ name: 'npy', args: { x: 'x.npy', y: 'y.npy' } } as SourceRef, dir);
  assert.match(m.probe, /they need the same number of samples/);
  assert.equal(m.loader, m.probe);
});

test('csv: a column named twice, the same message from the checker and from training', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'formats-csv-'));
  writeFileSync(join(dir, 'd.csv'), 'a,a,y\n1,2,0\n3,4,1\n');
  const m = await bothMessages({ name: 'csv', args: { path: 'd.csv' } } as SourceRef, dir);
  assert.match(m.probe, /column 'a' appears twice in the header; rename one/);
  assert.equal(m.loader, m.probe);
});

test('csv: a file with one column, the same message from the checker and from training', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'formats-csv1-'));
  writeFileSync(join(dir, 'd.csv'), 'y\n0\n1\n');
  const m = await bothMessages({ name: 'csv', args: { path: 'd.csv' } } as SourceRef, dir);
  assert.match(m.probe, /has one column \('y'\); it needs feature columns and a label column/);
  assert.equal(m.loader, m.probe);
});

test('images: a file that is not an image, the same advice from the checker and from training', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'formats-images-'));
  mkdirSync(join(dir, 'pics', 'cat'), { recursive: true });
  writeFileSync(join(dir, 'pics', 'cat', 'a.png'), 'not a png at all');
  const m = await bothMessages({ name: 'images', args: { directory: 'pics', size: [4, 4] } } as SourceRef, dir);
  assert.match(m.probe, /a\.png is not a PNG or JPEG image; convert it to PNG or JPEG, or remove it from the folder/);
  assert.match(m.loader, /a\.png is not a PNG or JPEG image; convert it to PNG or JPEG, or remove it from the folder/);
});
