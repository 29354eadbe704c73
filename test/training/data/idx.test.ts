// The IDX reader on the real Fashion-MNIST files Debian ships, and on small hand-made files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdx, readIdxHeaderSync } from '../../../data/idx';

const FASHION = '/usr/share/datasets/fashion-mnist';
const dir = mkdtempSync(join(tmpdir(), 'modelspec-idx-'));

function idxBytes(dims: number[], data: number[], type = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

test('reads Fashion-MNIST train: 60,000 images of 28×28 and 6,000 labels per class', async () => {
  const images = await readIdx(join(FASHION, 'train-images-idx3-ubyte.gz'));
  assert.deepEqual(images.dims, [60000, 28, 28]);
  assert.equal(images.data.length, 60000 * 784);
  const labels = await readIdx(join(FASHION, 'train-labels-idx1-ubyte.gz'));
  assert.deepEqual(labels.dims, [60000]);
  const histogram = new Array(10).fill(0);
  for (const l of labels.data) histogram[l]++;
  assert.deepEqual(histogram, new Array(10).fill(6000));
});

test('reads Fashion-MNIST test: 10,000 images, 1,000 per class, pixels using the full byte range', async () => {
  const images = await readIdx(join(FASHION, 't10k-images-idx3-ubyte.gz'));
  assert.deepEqual(images.dims, [10000, 28, 28]);
  let max = 0;
  for (const v of images.data) if (v > max) max = v;
  assert.equal(max, 255);
  const labels = await readIdx(join(FASHION, 't10k-labels-idx1-ubyte.gz'));
  const histogram = new Array(10).fill(0);
  for (const l of labels.data) histogram[l]++;
  assert.deepEqual(histogram, new Array(10).fill(1000));
});

test('header-only probe of a gzipped file reads the dims without decompressing everything', () => {
  const start = performance.now();
  assert.deepEqual(readIdxHeaderSync(join(FASHION, 'train-images-idx3-ubyte.gz')).dims, [60000, 28, 28]);
  assert.deepEqual(readIdxHeaderSync(join(FASHION, 't10k-labels-idx1-ubyte.gz')).dims, [10000]);
  assert.ok(performance.now() - start < 50);
});

test('reads uncompressed and gzipped small files alike', async () => {
  const raw = idxBytes([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  writeFileSync(join(dir, 'plain'), raw);
  writeFileSync(join(dir, 'packed.gz'), gzipSync(raw));
  for (const f of ['plain', 'packed.gz']) {
    const { dims, data } = await readIdx(join(dir, f));
    assert.deepEqual(dims, [2, 2, 3]);
    assert.deepEqual([...data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  }
});

test('rejects a wrong magic, a non-byte type and a truncated file with the file name', async () => {
  writeFileSync(join(dir, 'bad-magic'), Buffer.from([1, 2, 8, 1, 0, 0, 0, 1, 5]));
  await assert.rejects(readIdx(join(dir, 'bad-magic')), /bad-magic is not an IDX file/);
  writeFileSync(join(dir, 'floats'), idxBytes([1], [0, 0, 0, 0], 0x0d));
  await assert.rejects(readIdx(join(dir, 'floats')), /floats holds float values; only unsigned-byte/);
  writeFileSync(join(dir, 'short'), idxBytes([10, 2], [1, 2, 3]));
  await assert.rejects(
    readIdx(join(dir, 'short')),
    /short is cut short: its header promises 10×2 = 20 bytes but it holds 3/,
  );
  assert.throws(() => readIdxHeaderSync(join(dir, 'bad-magic')), /not an IDX file/);
});
