// Image folders: PNG and JPEG decoding, color modes, bilinear resizing like tf.image.resize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedPermutation, imagesSource, toChannels } from '../../../data/images';
import { resizeBilinear } from '../../../data/resize';
import type { PrepareContext, SourceRef } from '../../../training/data/types';
import { writeJpeg, writePng } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'modelspec-img-'));
const ctx: PrepareContext = { baseDir: root, cacheDir: join(root, 'cache'), labelEncoding: 'onehot' };
// pets/cat: 3 red PNGs; pets/dog: 2 blue JPEGs (of other sizes); a stray text file is ignored.
for (let i = 0; i < 3; i++) writePng(join(root, 'pets/cat', `c${i}.png`), 8, 6, () => [255, 0, 0, 255]);
for (let i = 0; i < 2; i++) writeJpeg(join(root, 'pets/dog', `d${i}.jpg`), 10, 10, () => [0, 0, 255]);
writeFileSync(join(root, 'pets/dog/notes.txt'), 'not an image');

test('bilinear upscaling matches tf.image.resize (half-pixel centers)', () => {
  const out = new Uint8Array(4);
  resizeBilinear(new Uint8Array([0, 100]), 1, 2, 1, 1, 4, out);
  assert.deepEqual([...out], [0, 25, 75, 100]);
});

test('bilinear downscaling by 2 averages pixel pairs; channels stay separate', () => {
  const out = new Uint8Array(4);
  resizeBilinear(new Uint8Array([10, 0, 30, 100, 50, 0, 70, 100]), 1, 4, 2, 1, 2, out);
  assert.deepEqual([...out], [20, 50, 60, 50]);
});

test('grayscale uses TensorFlow weights; rgb drops alpha', () => {
  const rgba = new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128]);
  const gray = toChannels(rgba, 1);
  assert.ok(Math.abs(gray[0] - 0.2989 * 255) < 1e-3 && Math.abs(gray[1] - 0.587 * 255) < 1e-3);
  assert.deepEqual([...toChannels(rgba, 3)], [255, 0, 0, 0, 255, 0]);
});

test('a class folder per class: sorted names, every image resized and labelled', async () => {
  const ref: SourceRef = { name: 'images', args: { directory: 'pets', size: [4, 4], color_mode: 'rgb' } };
  const loaded = await imagesSource.load(ref, 'train', ctx);
  assert.equal(loaded.count, 5);
  assert.deepEqual(loaded.x.sampleShape, [4, 4, 3]);
  assert.equal(loaded.y.kind, 'classes');
  if (loaded.y.kind !== 'classes') return;
  assert.deepEqual(loaded.y.classes, ['cat', 'dog']);
  assert.deepEqual([...loaded.y.indices].sort(), [0, 0, 0, 1, 1]);
  loaded.y.indices.forEach((label, n) => {
    const pixel = [...loaded.x.data.subarray(n * 48, n * 48 + 3)];
    if (label === 0) assert.deepEqual(pixel, [255, 0, 0]);
    else assert.ok(pixel[2] > 240 && pixel[0] < 15, `blue JPEG pixel ${pixel}`);
  });
});

test('samples are shuffled with a fixed seed: the same order every run, classes mixed', async () => {
  assert.deepEqual(fixedPermutation(10), fixedPermutation(10));
  assert.notDeepEqual(fixedPermutation(10), [...Array(10).keys()]);
  const ref: SourceRef = { name: 'images', args: { directory: 'pets', size: [2, 2] } };
  const a = await imagesSource.load(ref, 'train', ctx);
  const b = await imagesSource.load(ref, 'train', ctx);
  assert.deepEqual(a.y, b.y);
});

test('grayscale and rgba color modes; Keras defaults are 256×256 rgb', async () => {
  const gray = await imagesSource.load(
    { name: 'images', args: { directory: 'pets', size: [3, 3], color_mode: 'grayscale' } },
    'train',
    ctx,
  );
  assert.deepEqual(gray.x.sampleShape, [3, 3, 1]);
  assert.equal(gray.x.data.length, 5 * 9);
  const rgba = await imagesSource.load(
    { name: 'images', args: { directory: 'pets', size: [3, 3], color_mode: 'rgba' } },
    'train',
    ctx,
  );
  assert.deepEqual(rgba.x.sampleShape, [3, 3, 4]);
  const defaults = await imagesSource.load({ name: 'images', args: { directory: 'pets' } }, 'train', ctx);
  assert.deepEqual(defaults.x.sampleShape, [256, 256, 3]);
});

test('errors: no class folders, a GIF, a broken image, a bad size', async () => {
  mkdirSync(join(root, 'flat'));
  writePng(join(root, 'flat', 'a.png'), 2, 2, () => [0, 0, 0, 255]);
  await assert.rejects(
    imagesSource.load({ name: 'images', args: { directory: 'flat' } }, 'train', ctx),
    /flat has no sub-folders; put the images of each class in a folder of its own/,
  );
  mkdirSync(join(root, 'gifs/a'), { recursive: true });
  writeFileSync(join(root, 'gifs/a/x.gif'), 'GIF89a');
  await assert.rejects(
    imagesSource.load({ name: 'images', args: { directory: 'gifs' } }, 'train', ctx),
    /a\/x\.gif is a \.gif image; only PNG and JPEG are read/,
  );
  mkdirSync(join(root, 'broken/a'), { recursive: true });
  writeFileSync(join(root, 'broken/a/x.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  await assert.rejects(
    imagesSource.load({ name: 'images', args: { directory: 'broken' } }, 'train', ctx),
    /broken\/a\/x\.png cannot be decoded/,
  );
  await assert.rejects(
    imagesSource.load({ name: 'images', args: { directory: 'pets', size: 0 } }, 'train', ctx),
    /size=\(64, 64\)/,
  );
});
