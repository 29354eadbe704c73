// `modelspec export --out FILE` writes through the training side's one atomic write helper: a
// script is whole or absent (an existing one is kept when the disk is full), and a read-only or
// full disk gives one line naming the path and the cause, no stack trace, exit code 1. The disks
// are small tmpfs mounts (root only); the tests skip where mounting is not permitted. The model
// reads a CSV, so the script is the only file written (a `digits` export also writes an .npz).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { mountSkip, mountTmpfs, unmount } from '../helpers/tmpfs';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let work: string;
before(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-export-out-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('modelspec export --out on a disk that cannot take it', () => {
  it(
    'a read-only folder: one line naming the file and that the disk is read-only, exit code 1',
    { skip: mountSkip },
    () => {
      const mnt = mountTmpfs(work, '64k', true)!;
      try {
        const out = join(mnt, 'houses.py');
        const r = run('export', 'examples/regression-csv.model', '--to', 'keras', '--out', out);
        assert.equal(r.status, 1, r.stderr);
        assert.equal(r.stdout, '');
        assert.equal(
          r.stderr,
          `modelspec: cannot write ${out}: ${mnt} is on a read-only file system; export with --out into a writable folder\n`,
        );
      } finally {
        unmount(mnt);
      }
    },
  );

  it(
    'a full disk: the script already there is kept whole, no temporary file is left, and the message says how much space is free',
    { skip: mountSkip },
    () => {
      const mnt = mountTmpfs(work, '16k')!;
      try {
        const out = join(mnt, 'houses.py');
        const old = '# the script exported yesterday, edited by hand\n';
        writeFileSync(out, old);
        // Fill the rest of the disk; the PyTorch script (several KB) cannot fit, even in the page
        // the old script would free if it were truncated first.
        try {
          writeFileSync(join(mnt, 'filler'), Buffer.alloc(64 * 1024, 1));
        } catch (e) {
          assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
        }
        const r = run('export', 'examples/regression-csv.model', '--to', 'pytorch', '--out', out);
        assert.equal(r.status, 1, r.stderr);
        assert.match(
          r.stderr,
          new RegExp(
            `^modelspec: cannot write ${escape(out)}: no space left on ${escape(mnt)}: [\\d,]+ bytes free; free some space or export with --out into another disk\\n$`,
          ),
        );
        assert.equal(readFileSync(out, 'utf8'), old, 'the old script is left as it was');
        assert.deepEqual(readdirSync(mnt).sort(), ['filler', 'houses.py']);
      } finally {
        unmount(mnt);
      }
    },
  );

  it('a writable folder still gets the whole script, and "Wrote" names it', () => {
    const out = join(mkdtempSync(join(work, 'ok-')), 'houses.py');
    const r = run('export', 'examples/regression-csv.model', '--to', 'keras', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, `Wrote ${out}\n`);
    assert.equal(readFileSync(out, 'utf8'), run('export', 'examples/regression-csv.model', '--to', 'keras').stdout);
  });
});
