// The prepared-data cache stays under its budget: least recently used entries go first; the
// entries a run uses (kept, or locked by a live process), downloads and young temporary folders stay.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { lockEntries, releaseEntries } from '../../../training/data/cache-lock';
import { cacheBudget, DEFAULT_CACHE_MAX_BYTES, prunePrepared } from '../../../training/data/cache-prune';
import { prepareData } from '../../../training/data/prepare';
import { readStored, writeStored } from '../../../training/data/tensor-store';

const HOUR = 3600_000;
const NOW = Date.now();

/** A prepared entry of `kb` KiB of x, last used `hoursAgo` hours ago. */
async function entry(cache: string, key: string, kb: number, hoursAgo: number): Promise<void> {
  const x = { dtype: 'uint8' as const, shape: [kb, 1024], data: new Uint8Array(kb * 1024) };
  const y = { dtype: 'int32' as const, shape: [kb], data: new Int32Array(kb) };
  await writeStored(cache, key, x, y, { isImage: false, count: kb });
  age(cache, key, hoursAgo);
}

function age(cache: string, key: string, hoursAgo: number): void {
  const t = new Date(NOW - hoursAgo * HOUR);
  utimesSync(join(cache, 'prepared', key, 'meta.json'), t, t);
}

const keys = (cache: string) => readdirSync(join(cache, 'prepared')).sort();

test('evicts least recently used entries until the cache fits, and leaves downloads alone', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'modelspec-prune-'));
  await entry(cache, 'old', 100, 50);
  await entry(cache, 'older', 100, 70);
  await entry(cache, 'recent', 100, 2);
  await entry(cache, 'middle', 100, 20);
  mkdirSync(join(cache, 'mnist'));
  writeFileSync(join(cache, 'mnist', 'train-images-idx3-ubyte.gz'), new Uint8Array(500 * 1024));

  const r = await prunePrepared(cache, { maxBytes: 250 * 1024, now: NOW });
  assert.deepEqual(r.removed, ['older', 'old']);
  assert.deepEqual(keys(cache), ['middle', 'recent']);
  assert.ok(r.totalBytes <= 250 * 1024 && r.totalBytes > 200 * 1024, String(r.totalBytes));
  assert.ok(r.freedBytes > 200 * 1024);
  assert.ok(existsSync(join(cache, 'mnist', 'train-images-idx3-ubyte.gz')), 'a download is never pruned');

  // Under budget: nothing to do.
  assert.deepEqual((await prunePrepared(cache, { maxBytes: 250 * 1024, now: NOW })).removed, []);
});

test('never evicts the entries in use: kept keys and entries a live process holds; a recent use alone protects nothing', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'modelspec-prune-'));
  await entry(cache, 'mine', 100, 100); // the oldest, but this run is using it
  await entry(cache, 'just-used', 100, 0.05); // 3 minutes ago, but no run holds it (issue #8: it used to be kept 10 minutes)
  await entry(cache, 'idle', 100, 1);
  await entry(cache, 'held', 100, 200); // the oldest of all, locked by another live process
  await entry(cache, 'crashed', 100, 150); // locked by a process that has exited
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  try {
    mkdirSync(join(cache, 'prepared-locks'));
    writeFileSync(join(cache, 'prepared-locks', `held@${other.pid}`), '');
    writeFileSync(join(cache, 'prepared-locks', `crashed@${dead}`), '');
    const r = await prunePrepared(cache, { maxBytes: 0, keep: ['mine'], now: NOW });
    assert.deepEqual(r.removed, ['crashed', 'idle', 'just-used']);
    assert.deepEqual(keys(cache), ['held', 'mine']);
    assert.deepEqual(
      readdirSync(join(cache, 'prepared-locks')),
      [`held@${other.pid}`],
      "the dead process's lock is removed",
    );
  } finally {
    other.kill();
    await once(other, 'exit');
  }
  // This process's own lock (lockEntries) protects until released.
  lockEntries(cache, ['mine']);
  assert.deepEqual((await prunePrepared(cache, { maxBytes: 0, now: NOW })).removed, ['held']);
  releaseEntries(cache, ['mine']);
  assert.deepEqual((await prunePrepared(cache, { maxBytes: 0, now: NOW })).removed, ['mine']);
});

test('minIdleMs, when asked for, still spares recently used entries', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'modelspec-prune-'));
  await entry(cache, 'just-used', 100, 0.05);
  await entry(cache, 'idle', 100, 1);
  const r = await prunePrepared(cache, { maxBytes: 0, minIdleMs: 10 * 60 * 1000, now: NOW });
  assert.deepEqual(r.removed, ['idle']);
  assert.deepEqual(keys(cache), ['just-used']);
});

test('reading an entry counts as a use (least recently USED, not written)', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'modelspec-prune-'));
  await entry(cache, 'a', 100, 30);
  await entry(cache, 'b', 100, 20);
  assert.ok(await readStored(cache, 'a')); // touched now
  const meta = statSync(join(cache, 'prepared', 'a', 'meta.json')).mtimeMs;
  assert.ok(Date.now() - meta < 60_000, 'readStored stamps meta.json');
  const r = await prunePrepared(cache, { maxBytes: 150 * 1024, minIdleMs: 0 });
  assert.deepEqual(r.removed, ['b']);
  assert.ok(await readStored(cache, 'a'));
  assert.equal(await readStored(cache, 'b'), undefined, 'an evicted key is prepared again');
});

test('stale temporary folders of interrupted writes go; a young one (a write in progress) stays', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'modelspec-prune-'));
  const stale = join(cache, 'prepared', 'k.123.456.tmp');
  const young = join(cache, 'prepared', 'k.124.457.tmp');
  const evicting = join(cache, 'prepared', 'j.99.evicting');
  for (const d of [stale, young, evicting]) mkdirSync(d, { recursive: true });
  const t = new Date(NOW - 48 * HOUR);
  utimesSync(stale, t, t);
  await prunePrepared(cache, { maxBytes: 1, now: NOW });
  assert.deepEqual(keys(cache), [basename(young)]);
});

test('the budget: option, then MODELSPEC_CACHE_MAX_MB, then 4 GiB; 0 or "unlimited" turns pruning off', () => {
  assert.equal(cacheBudget(undefined, {}), DEFAULT_CACHE_MAX_BYTES);
  assert.equal(cacheBudget(undefined, { MODELSPEC_CACHE_MAX_MB: '512' }), 512 * 1024 * 1024);
  assert.equal(cacheBudget(undefined, { MODELSPEC_CACHE_MAX_MB: 'unlimited' }), Infinity);
  assert.equal(cacheBudget(undefined, { MODELSPEC_CACHE_MAX_MB: '0' }), Infinity);
  assert.equal(cacheBudget(1000, { MODELSPEC_CACHE_MAX_MB: '512' }), 1000);
  assert.equal(cacheBudget(0, {}), Infinity);
});

test('prepareData prunes old entries over the budget but keeps the ones it returns', async () => {
  const root = mkdtempSync(join(tmpdir(), 'modelspec-prune-prep-'));
  const cache = join(root, 'cache');
  await entry(cache, 'stale-run', 200, 48);
  const rows = Array.from({ length: 50 }, (_, i) => `${i},${i * 2},${i % 3}`).join('\n');
  writeFileSync(join(root, 'train.csv'), `a,b,label\n${rows}\n`);
  writeFileSync(join(root, 'test.csv'), `a,b,label\n${rows}\n`);
  const data = await prepareData(
    {
      train: { name: 'csv', args: { path: 'train.csv', label: 'label' }, split: undefined },
      test: { name: 'csv', args: { path: 'test.csv', label: 'label' }, split: undefined },
      validationSplit: 0,
      shuffle: true,
    },
    { baseDir: root, cacheDir: cache, inputShape: [2], labelEncoding: 'onehot', cacheMaxBytes: 1 },
  );
  const used = [data.train, data.test!].map((s) => basename(dirname(s.x.path))).sort();
  assert.deepEqual(keys(cache), used);
  for (const s of [data.train, data.test!]) assert.ok(existsSync(s.x.path) && existsSync(s.y.path));
});
