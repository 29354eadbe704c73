// The PyTorch engine and the tune sampler are type-checked with mypy (python/mypy.ini), so protocol.py's
// TypedDicts are checked against every event the engine emits and every RunSpec field it reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const PYTHON_DIR = resolve(import.meta.dirname, '../../python');
// Debian's mypy (apt-get install mypy) sees Debian's python3-torch and numpy stubs.
const MYPY = ['/usr/bin/mypy', 'mypy'].find((m) => spawnSync(m, ['--version'], { encoding: 'utf8' }).status === 0);
const SKIP = MYPY ? false : 'mypy not found (apt-get install mypy)';

test(
  'mypy finds no type errors in the PyTorch engine and the tune sampler (python/modelspec_torch, python/modelspec_tune)',
  { skip: SKIP, timeout: 300_000 },
  () => {
    // The first run builds .mypy_cache (about 2 min with torch's stubs); later runs take seconds.
    const r = spawnSync(MYPY!, [], { cwd: PYTHON_DIR, encoding: 'utf8', timeout: 290_000 });
    assert.equal(r.status, 0, `mypy (config python/mypy.ini) reports:\n${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /Success: no issues found in \d+ source files/);
  },
);
