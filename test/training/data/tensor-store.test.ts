// Prepared tensors in the cache: little-endian files, found again by key, never half-written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStored, recipeKey, sourceOf, writeStored } from '../../../training/data/tensor-store';

const cache = mkdtempSync(join(tmpdir(), 'modelspec-store-'));
const x = { dtype: 'float32' as const, shape: [2, 2], data: Float32Array.from([1, -2, 3.5, 4]) };
const y = { dtype: 'int32' as const, shape: [2], data: Int32Array.from([1, 258]) };

test('writes raw little-endian bytes and finds them again by key', async () => {
  const stored = await writeStored(cache, 'k1', x, y, { classes: ['a', 'b'], isImage: false, count: 2 });
  assert.deepEqual(readFileSync(stored.y.path), Buffer.from([1, 0, 0, 0, 2, 1, 0, 0]));
  assert.equal(readFileSync(stored.x.path).readFloatLE(8), 3.5);
  assert.deepEqual(await readStored(cache, 'k1'), stored);
  assert.equal(await readStored(cache, 'k2'), undefined);
});

test('a second write of the same key keeps the first files (an engine may be reading them)', async () => {
  const first = await writeStored(cache, 'k3', x, y, { isImage: false, count: 2 });
  const before = readFileSync(first.x.path);
  const second = await writeStored(cache, 'k3', { ...x, data: Float32Array.from([9, 9, 9, 9]) }, y, {
    isImage: false,
    count: 2,
  });
  assert.deepEqual(second, first);
  assert.deepEqual(readFileSync(first.x.path), before);
});

test('an unreadable leftover folder is prepared again', async () => {
  mkdirSync(join(cache, 'prepared', 'k4'), { recursive: true });
  writeFileSync(join(cache, 'prepared', 'k4', 'meta.json'), '{ broken');
  assert.equal(await readStored(cache, 'k4'), undefined);
  const stored = await writeStored(cache, 'k4', x, y, { isImage: false, count: 2 });
  assert.deepEqual(await readStored(cache, 'k4'), stored);
});

test('the key changes with the recipe and with the input files', async () => {
  const file = join(cache, 'input.csv');
  writeFileSync(file, 'a,b\n1,2\n');
  const a = await recipeKey({ shape: [1] }, [file]);
  assert.equal(await recipeKey({ shape: [1] }, [file]), a);
  assert.notEqual(await recipeKey({ shape: [2] }, [file]), a);
  utimesSync(file, new Date(), new Date(Date.now() + 10_000));
  const edited = await recipeKey({ shape: [1] }, [file]);
  assert.notEqual(edited, a);
  // <source>-<version>: an edit keeps the source part, so the new entry replaces the old one.
  assert.equal(sourceOf(edited), sourceOf(a));
  assert.notEqual(sourceOf(await recipeKey({ shape: [2] }, [file])), sourceOf(a));
});
