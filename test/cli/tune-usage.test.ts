// `modelspec tune` refusals, through the CLI as a process (nothing trains): a file without search
// spaces, bad numbers, a --resume folder that is not this file's search.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

function cli(...args: string[]) {
  return spawnSync(process.execPath, [CLI, 'tune', ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('modelspec tune refuses', () => {
  before(() => ensureBuilt());

  it('a file with no search space, saying how to write one', () => {
    const r = cli('examples/digits.model');
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /cannot tune examples\/digits\.model: it has no search space to tune: write one where a value goes, e\.g\. Dense\(Choice\(32, 64, 128\)\)/,
    );
  });

  it('a number of trials or epochs that is not a whole number of at least 1', () => {
    for (const [flag, value] of [
      ['--trials', '0'],
      ['--epochs', '1.5'],
    ]) {
      const r = cli('examples/digits-search.model', flag!, value!);
      assert.equal(r.status, 2);
      assert.match(
        r.stderr,
        new RegExp(`${flag} must be a whole number of at least 1, got '${value!.replace('.', '\\.')}'`),
      );
    }
    assert.match(cli('examples/digits-search.model', '--trials').stderr, /--trials needs a value/);
  });

  it('a --resume folder that does not exist, is not a tune folder, or searched another model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-tune-usage-'));
    let r = cli('examples/digits-search.model', '--resume', join(dir, 'nope'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no such tune folder/);

    r = cli('examples/digits-search.model', '--resume', dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /is not a tune folder \(it has no tune\.jsonl\)/);

    const other = join(dir, 'tune-20260101-000000');
    mkdirSync(other);
    writeFileSync(
      join(other, 'tune.jsonl'),
      `${JSON.stringify({ type: 'tune_started', time: '2026-01-01T00:00:00Z', tuneDir: other, model: 'cifar_cnn', sampler: 'typescript', samplerDetail: '', samplerReason: '', algorithm: 'random', objective: 'val_loss', direction: 'minimize', maxTrials: 2, parallel: 1, executionsPerTrial: 1, hyperparameters: [], previousTrials: 0 })}\n`,
    );
    r = cli('examples/digits-search.model', '--resume', other);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /is a search of the model 'cifar_cnn', not 'digits_search': resume it with the file it searched/,
    );
  });
});
