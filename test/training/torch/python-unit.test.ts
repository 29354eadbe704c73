// The engine's Python unit tests (python/tests): layer math against numpy references
// of Keras's definitions, optimizers, losses, metrics, initializers, augmentation, PNG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogDefaults } from '../../helpers/keras-defaults';
import { PYTHON, PYTHON_DIR, SKIP, tempDir } from './helpers';

test('python -m unittest discover passes', { skip: SKIP }, () => {
  // The tests build their configs from the catalog's defaults (tests/helpers.py reads this file).
  const catalog = join(tempDir('torch-unit-'), 'catalog.json');
  writeFileSync(catalog, JSON.stringify(catalogDefaults()));
  const r = spawnSync(PYTHON!, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
    cwd: PYTHON_DIR,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      PYTHONPATH: PYTHON_DIR,
      MODELSPEC_TORCH_THREADS: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      MODELSPEC_TEST_CATALOG: catalog,
    },
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const ran = /Ran (\d+) tests/.exec(r.stderr);
  assert.ok(ran && Number(ran[1]) >= 20, r.stderr);
});
