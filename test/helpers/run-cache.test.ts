// oncePerRun (onceIn with the run's folder): a fact is computed once per test run, even when several ask at the same time
// (files run concurrently and in shared processes, and each asks as it loads).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { onceIn } from './run-cache';

// Its own folder, given explicitly: process.env is the process's, which other files may share.
const dir = mkdtempSync(join(tmpdir(), 'modelspec-run-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('askers that come while the first computes wait for its value instead of computing it again', async () => {
  let computed = 0;
  const slow = async () => {
    computed++;
    await new Promise((r) => setTimeout(r, 300));
    return { python: '/usr/bin/python3', n: computed };
  };
  const values = await Promise.all([onceIn(dir, 'fact', slow), onceIn(dir, 'fact', slow), onceIn(dir, 'fact', slow)]);
  assert.equal(computed, 1);
  assert.deepEqual(values, Array(3).fill({ python: '/usr/bin/python3', n: 1 }));
  assert.deepEqual(await onceIn(dir, 'fact', slow), { python: '/usr/bin/python3', n: 1 }, 'later askers read it');
  assert.equal(computed, 1);
  assert.equal(existsSync(join(dir, 'fact.lock')), false, 'the lock is gone');
});

test('a failed computation leaves no lock: the next asker computes it', async () => {
  await assert.rejects(
    onceIn(dir, 'broken', async () => {
      throw new Error('no torch');
    }),
    /no torch/,
  );
  assert.equal(await onceIn(dir, 'broken', async () => 7), 7);
});
