// Issue #8 item 12: with MODELSPEC_CACHE_MAX_MB=3, `modelspec train` keeps the prepared-data
// cache under 3 MB. Editing a CSV replaces its prepared entry instead of adding a copy, and
// entries of finished runs (no live process holds them) are evicted at once, not after an idle
// window. Each prepared CSV here is about 0.9 MB.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const ROWS = 11_000;
const FEATURES = 20; // 11,000 × 21 float32 columns ≈ 0.9 MB per prepared entry

function writeCsv(path: string, seed: number): void {
  const header = [...Array.from({ length: FEATURES }, (_, i) => `f${i}`), 'y'].join(',');
  const rows = Array.from({ length: ROWS }, (_, r) =>
    [...Array.from({ length: FEATURES }, (_, c) => ((r * 31 + c * 7 + seed) % 97) / 10), (r + seed) % 5].join(','),
  );
  writeFileSync(path, `${header}\n${rows.join('\n')}\n`);
}

function writeModel(dir: string, name: string, csv: string): string {
  const path = join(dir, `${name}.model`);
  writeFileSync(
    path,
    `model ${name} {\n  Input(shape=(${FEATURES},))\n  Dense(1)\n}\ncompile {\n  loss: 'mse'\n  optimizer: 'sgd'\n}\n` +
      `data {\n  train: csv('${csv}', label='y')\n}\nfit {\n  epochs: 1\n  batch_size: 2048\n}\n`,
  );
  return path;
}

function entries(cache: string): { name: string; bytes: number }[] {
  const root = join(cache, 'prepared');
  return readdirSync(root).map((name) => ({
    name,
    bytes: readdirSync(join(root, name)).reduce((a, f) => a + statSync(join(root, name, f)).size, 0),
  }));
}

function train(dir: string, model: string, cache: string): void {
  const r = spawnSync(process.execPath, [CLI, 'train', model, '--backend', 'tfjs', '--out', join(dir, 'runs')], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, MODELSPEC_CACHE: cache, MODELSPEC_CACHE_MAX_MB: '3' },
  });
  assert.equal(r.status, 0, r.stderr + r.stdout.slice(-1500));
}

describe('MODELSPEC_CACHE_MAX_MB=3 holds across runs and CSV edits', () => {
  before(() => ensureBuilt());

  it('editing a CSV replaces its prepared entry: one entry per source after each edit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-cache-edit-'));
    const cache = join(dir, 'cache');
    const model = writeModel(dir, 'edited', 'rows.csv');
    for (let edit = 0; edit < 4; edit++) {
      writeCsv(join(dir, 'rows.csv'), edit);
      train(dir, model, cache);
      const now = entries(cache);
      assert.equal(now.length, 1, `after edit ${edit}: ${now.map((e) => e.name).join(', ')}`);
      assert.ok(now[0]!.bytes > 800_000, 'the entry is the whole prepared CSV');
    }
  });

  it('different sources: the least recently used entries of finished runs go, the total stays under 3 MB', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-cache-many-'));
    const cache = join(dir, 'cache');
    for (let i = 0; i < 5; i++) {
      writeCsv(join(dir, `rows${i}.csv`), i);
      train(dir, writeModel(dir, `m${i}`, `rows${i}.csv`), cache);
      const total = entries(cache).reduce((a, e) => a + e.bytes, 0);
      assert.ok(total <= 3 * 1024 * 1024, `after run ${i}: ${total} bytes in ${entries(cache).length} entries`);
    }
    assert.equal(entries(cache).length, 3, 'three 0.9 MB entries fit in 3 MB');
  });
});
