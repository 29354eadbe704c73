// The engine's Python unit tests (python/tests): layer math against numpy references
// of Keras's definitions, optimizers, losses, metrics, initializers, augmentation, PNG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PYTHON, PYTHON_DIR, SKIP } from './helpers';

test('python -m unittest discover passes', { skip: SKIP }, () => {
  const r = spawnSync(PYTHON!, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
    cwd: PYTHON_DIR, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, PYTHONPATH: PYTHON_DIR, MODELSPEC_TORCH_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const ran = /Ran (\d+) tests/.exec(r.stderr);
  assert.ok(ran && Number(ran[1]) >= 20, r.stderr);
});
