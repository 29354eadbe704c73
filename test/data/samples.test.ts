// The data preview's reader (data/samples.ts) on real files of each format: per-class picks,
// class counts, the sample pixels as stored, the caps (only the head of a large file), and the
// thumbnails (data/thumbnail.ts) as PNGs of the right size.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { GRID_LIMITS, pickPerClass, readSamples, STRIP_LIMITS } from '../../data/samples';
import { GRID_THUMBNAIL, STRIP_THUMBNAIL, thumbnailPng } from '../../data/thumbnail';

const dir = mkdtempSync(join(tmpdir(), 'modelspec-samples-'));

function idx(dims: number[], values: (i: number) => number): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const n = dims.reduce((a, b) => a * b, 1);
  return Buffer.concat([header, Buffer.from(Array.from({ length: n }, (_, i) => values(i)))]);
}

function npy(descr: string, shape: number[], data: Buffer): Buffer {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  dict += ' '.repeat(64 - ((10 + dict.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), data]);
}

test('pickPerClass: up to perClass of each class, class by class, within what was read', () => {
  const labels = [2, 0, 2, 1, 0, 2, 1, 0];
  assert.deepEqual(pickPerClass(labels, labels.length, { perClass: 2, maxClasses: 10, rows: 0 }), [1, 4, 3, 6, 0, 2]);
  assert.deepEqual(pickPerClass(labels, 4, { perClass: 2, maxClasses: 10, rows: 0 }), [1, 3, 0, 2]);
  assert.deepEqual(pickPerClass(labels, labels.length, { perClass: 1, maxClasses: 2, rows: 0 }), [1, 3]);
});

test('idx (gzipped): each sample is the stored bytes, the classes counted over the labels', () => {
  // 30 images of 4×5 whose pixels all hold their own index; labels cycle 0, 1, 2.
  writeFileSync(join(dir, 'x.idx.gz'), gzipSync(idx([30, 4, 5], (i) => Math.floor(i / 20))));
  writeFileSync(
    join(dir, 'y.idx'),
    idx([30], (i) => i % 3),
  );
  const s = readSamples({ name: 'idx', args: { images: 'x.idx.gz', labels: 'y.idx' } }, dir, GRID_LIMITS);
  assert.ok(s.ok, JSON.stringify(s));
  assert.equal(s.total, 30);
  assert.deepEqual(s.sampleShape, [4, 5, 1]);
  assert.deepEqual(s.classes, [
    { name: '0', count: 10 },
    { name: '1', count: 10 },
    { name: '2', count: 10 },
  ]);
  assert.equal(s.images.length, 24, '8 of each of 3 classes');
  for (const im of s.images) {
    assert.deepEqual([im.width, im.height, im.channels], [5, 4, 1]);
    const n = im.pixels[0];
    assert.equal(im.classIndex, n % 3, `sample ${n} has its own label`);
    assert.ok(im.pixels.every((p) => p === n));
  }
});

test('npy: uint8 images with one-hot labels, float images stretched to 0-255 for display', () => {
  // 6 RGB images of 2×2; one-hot y over 2 classes.
  writeFileSync(join(dir, 'x.npy'), npy('|u1', [6, 2, 2, 3], Buffer.from(Array.from({ length: 72 }, (_, i) => i))));
  const onehot = Buffer.alloc(6 * 2 * 4);
  for (let n = 0; n < 6; n++) onehot.writeFloatLE(1, (n * 2 + (n % 2)) * 4);
  writeFileSync(join(dir, 'y.npy'), npy('<f4', [6, 2], onehot));
  const s = readSamples({ name: 'npy', args: { x: 'x.npy', y: 'y.npy' } }, dir, STRIP_LIMITS);
  assert.ok(s.ok, JSON.stringify(s));
  assert.deepEqual(s.classes, [
    { name: '0', count: 3 },
    { name: '1', count: 3 },
  ]);
  assert.deepEqual(
    s.images.map((im) => [im.classIndex, im.channels, im.pixels[0]]),
    [
      [0, 3, 0],
      [1, 3, 12],
    ],
  );
  const floats = Buffer.alloc(2 * 2 * 2 * 4);
  for (let i = 0; i < 8; i++) floats.writeFloatLE(i / 7 - 0.5, i * 4);
  writeFileSync(join(dir, 'xf.npy'), npy('<f4', [2, 2, 2, 1], floats));
  writeFileSync(join(dir, 'yf.npy'), npy('|u1', [2], Buffer.from([0, 1])));
  const f = readSamples({ name: 'npy', args: { x: 'xf.npy', y: 'yf.npy' } }, dir, STRIP_LIMITS);
  assert.ok(f.ok);
  assert.deepEqual([...f.images[0].pixels], [0, 85, 170, 255]);
  // A float (N, T, F) array is a sequence: counted, not drawn.
  writeFileSync(join(dir, 'xs.npy'), npy('<f4', [2, 2, 2], floats));
  const seq = readSamples({ name: 'npy', args: { x: 'xs.npy', y: 'yf.npy' } }, dir, STRIP_LIMITS);
  assert.ok(seq.ok);
  assert.deepEqual([seq.images.length, seq.total, seq.sampleShape], [0, 2, [2, 2]]);
  // IDX rows of features (N, F) are not drawn either.
  writeFileSync(
    join(dir, 'rows.idx'),
    idx([3, 4], (i) => i),
  );
  writeFileSync(
    join(dir, 'rows-y.idx'),
    idx([3], (i) => i % 2),
  );
  const rows = readSamples({ name: 'idx', args: { images: 'rows.idx', labels: 'rows-y.idx' } }, dir, STRIP_LIMITS);
  assert.ok(rows.ok);
  assert.deepEqual([rows.images.length, rows.sampleShape], [0, [4]]);
});

test('fashion_mnist from the IDX copy on this machine (Debian package): its class names and counts', (t) => {
  const s = readSamples({ name: 'fashion_mnist', args: { split: 'test' } }, dir, STRIP_LIMITS);
  assert.ok(s.ok);
  if (!s.images.length) {
    t.skip(`no IDX copy of Fashion-MNIST here: ${s.note}`);
    return;
  }
  assert.equal(s.total, 10_000);
  assert.equal(s.classes?.[9].name, 'Ankle boot');
  assert.equal(
    s.classes?.reduce((a, c) => a + (c.count ?? 0), 0),
    10_000,
  );
  assert.equal(s.images.length, 10);
});

test('cifar10 (read only by training): the facts, no samples, and a note that says so', () => {
  const s = readSamples({ name: 'cifar10', args: {} }, dir, STRIP_LIMITS);
  assert.ok(s.ok);
  assert.equal(s.images.length, 0);
  assert.match(s.note ?? '', /cifar10 is read by training/);
  assert.equal(s.classes?.[0].name, 'airplane');
});

test('thumbnails: tiny images enlarged by a whole factor (crisp), large ones shrunk', () => {
  const tiny = { width: 28, height: 28, channels: 1 as const, pixels: new Uint8Array(28 * 28).fill(200) };
  const strip = PNG.sync.read(Buffer.from(thumbnailPng(tiny, STRIP_THUMBNAIL)));
  assert.deepEqual([strip.width, strip.height, strip.data[0]], [56, 56, 200]);
  assert.equal(PNG.sync.read(Buffer.from(thumbnailPng(tiny, GRID_THUMBNAIL))).width, 28);
  const big = { width: 200, height: 100, channels: 3 as const, pixels: new Uint8Array(200 * 100 * 3).fill(90) };
  const shrunk = PNG.sync.read(Buffer.from(thumbnailPng(big, STRIP_THUMBNAIL)));
  assert.deepEqual([shrunk.width, shrunk.height, shrunk.data[1]], [64, 32, 90]);
});
