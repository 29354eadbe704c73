// The Preview Data view's content (client/src/preview/preview-content.ts) for real files: the
// digits grid per class, the augmentation drawn by the TF.js engine's own ImageDataGenerator
// (rotation_range=90 turns the digits), seeded by fit.seed and re-drawn with the next seed, the
// samples read once while only augment's arguments change, and a file without data refused with
// a sentence.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { previewMessage, type SamplesCache } from '../../client/src/preview/preview-content';
import { analyze } from '../../language/analysis/analyze';
import type { PreviewContent } from '../../media/preview/src/messages';
import { augmentBatch, parseAugment } from '../../training/engines/tfjs/augment';
import { Random } from '../../training/engines/tfjs/random';
import { readSamples, GRID_LIMITS } from '../../data/samples';
import { augmentArgs } from '../helpers/keras-defaults';

const FILE = join(process.cwd(), 'preview-test.model');

const digitsFile = (augment = '', fit = '') => `model m {
    Input(shape=(28, 28, 1))
    Flatten()
    Dense(10, activation='softmax')
}

data {
    train: digits
${augment ? `    augment: ${augment}\n` : ''}}
${fit}`;

function content(text: string, cache: SamplesCache = {}, redraws = 0): PreviewContent {
  const m = previewMessage(analyze(text, { baseDir: process.cwd() }), FILE, { redraws, cache });
  assert.equal(m.type, 'preview', JSON.stringify(m));
  return (m as Extract<typeof m, { type: 'preview' }>).content;
}

const decode = (uri: string) => PNG.sync.read(Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64'));

/** The orientation of an image's ink (second moments), in degrees in (-90, 90]. */
function orientation(png: PNG): number {
  let m = 0;
  let mx = 0;
  let my = 0;
  const px = (x: number, y: number) => png.data[(y * png.width + x) * 4];
  for (let y = 0; y < png.height; y++)
    for (let x = 0; x < png.width; x++) {
      m += px(x, y);
      mx += x * px(x, y);
      my += y * px(x, y);
    }
  const cx = mx / m;
  const cy = my / m;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let y = 0; y < png.height; y++)
    for (let x = 0; x < png.width; x++) {
      const w = px(x, y);
      xx += w * (x - cx) ** 2;
      yy += w * (y - cy) ** 2;
      xy += w * (x - cx) * (y - cy);
    }
  return (Math.atan2(2 * xy, xx - yy) * 90) / Math.PI;
}

test('digits without augment: ten classes with their counts, eight samples each, no augmented images', () => {
  const c = content(digitsFile());
  assert.equal(c.source, 'digits');
  assert.equal(c.total, 8000);
  assert.deepEqual(c.sampleShape, [28, 28, 1]);
  assert.deepEqual(
    c.classes.map((k) => k.name),
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  );
  assert.equal(
    c.classes.reduce((a, k) => a + (k.count ?? 0), 0),
    8000,
  );
  for (const k of c.classes) {
    assert.equal(k.samples.length, 8);
    for (const s of k.samples) assert.equal(s.augmented, undefined);
  }
  assert.equal(c.augment, undefined);
  assert.equal(decode(c.classes[0].samples[0].original).width, 28, 'at the size training sees (the page enlarges it)');
});

test('rotation_range=90: each digit drawn again as the engine augments it, turned by up to 90°', () => {
  const c = content(digitsFile('ImageDataGenerator(rotation_range=90)', 'fit {\n    seed: 7\n}\n'));
  assert.equal(c.augment, 'ImageDataGenerator(rotation_range=90)');
  assert.equal(c.seed, 7);
  const turns: number[] = [];
  for (const k of c.classes)
    for (const s of k.samples) {
      assert.ok(s.augmented, 'every sample has its augmented twin');
      const a = decode(s.original);
      const b = decode(s.augmented);
      let diff = 0;
      for (let i = 0; i < a.data.length; i += 4) diff += Math.abs(a.data[i] - b.data[i]);
      turns.push(Math.abs(orientation(a) - orientation(b)));
      assert.ok(diff > 0, 'augmented differs');
    }
  // Uniform angles in ±90°: most digits turn visibly (the ink's axis moves by more than 15°).
  const visible = turns.filter((t) => t > 15 && t < 165).length;
  assert.ok(visible > turns.length / 2, `turned visibly: ${visible} of ${turns.length}`);
});

test('the augmented pixels are what the engine computes for the same batch and seed', () => {
  const c = content(
    digitsFile('ImageDataGenerator(rotation_range=30, horizontal_flip=True)', 'fit {\n    seed: 3\n}\n'),
  );
  const read = readSamples({ name: 'digits', args: { split: 'train' } }, process.cwd(), GRID_LIMITS);
  assert.ok(read.ok);
  const per = 28 * 28;
  const batch = new Float32Array(read.images.length * per);
  read.images.forEach((im, i) => batch.set(im.pixels, i * per));
  const args = augmentArgs({ rotation_range: 30, horizontal_flip: true });
  augmentBatch(batch, read.images.length, [28, 28, 1], parseAugment(args), new Random(3));
  const first = decode(c.classes[0].samples[0].augmented!);
  for (let p = 0; p < per; p++) {
    const want = Math.min(255, Math.max(0, Math.round(batch[p])));
    assert.equal(first.data[p * 4], want, `pixel ${p}`);
  }
});

test('the same seed draws the same transforms; Draw again takes the next seed; typing re-augments without reading again', () => {
  const cache: SamplesCache = {};
  const text = digitsFile('ImageDataGenerator(rotation_range=90)');
  const a = content(text, cache);
  const read = cache.samples;
  const b = content(text, cache);
  assert.equal(a.classes[3].samples[2].augmented, b.classes[3].samples[2].augmented);
  const again = content(text, cache, 1);
  assert.equal(again.seed, 1);
  assert.notEqual(again.classes[3].samples[2].augmented, a.classes[3].samples[2].augmented);
  const shifted = content(digitsFile('ImageDataGenerator(width_shift_range=0.2)'), cache);
  assert.equal(cache.samples, read, 'the samples were not read again');
  assert.equal(shifted.augment, 'ImageDataGenerator(width_shift_range=0.2)');
  assert.equal(shifted.classes[0].samples[0].original, a.classes[0].samples[0].original);
});

test('a file without a data block: a sentence saying what to add', () => {
  const m = previewMessage(analyze('model m {\n    Dense(1)\n}\n'), FILE, { redraws: 0, cache: {} });
  assert.equal(m.type, 'problem');
  assert.match((m as { message: string }).message, /add a data block with train:/);
});

test('an images() folder: a row per class folder, and a new image in it is read on the next draw', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-preview-'));
  const write = (cls: string, name: string, value: number) => {
    mkdirSync(join(dir, 'pets', cls), { recursive: true });
    const png = new PNG({ width: 12, height: 10 });
    png.data.fill(value);
    writeFileSync(join(dir, 'pets', cls, name), PNG.sync.write(png));
  };
  write('cats', 'a.png', 40);
  write('dogs', 'a.png', 220);
  const file = join(dir, 'pets.model');
  const text = `model m {\n    Flatten()\n    Dense(2, activation='softmax')\n}\n\ndata {\n    train: images('pets', size=(8, 8), color_mode='grayscale')\n    augment: ImageDataGenerator(horizontal_flip=True)\n}\n`;
  const cache: SamplesCache = {};
  const show = () => {
    const m = previewMessage(analyze(text, { baseDir: dir }), file, { redraws: 0, cache });
    assert.equal(m.type, 'preview', JSON.stringify(m));
    return (m as Extract<typeof m, { type: 'preview' }>).content;
  };
  const first = show();
  assert.deepEqual(
    first.classes.map((k) => [k.name, k.count, k.samples.length]),
    [
      ['cats', 1, 1],
      ['dogs', 1, 1],
    ],
  );
  // Resized to size= in the color mode, as training reads them.
  const cat = decode(first.classes[0].samples[0].original);
  assert.deepEqual([cat.width, cat.height, cat.data[0]], [8, 8, 40]);
  write('cats', 'b.png', 90);
  assert.deepEqual(
    show().classes.map((k) => [k.name, k.count, k.samples.length]),
    [
      ['cats', 2, 2],
      ['dogs', 1, 1],
    ],
  );
});
