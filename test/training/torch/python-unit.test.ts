// The engine's Python unit tests (python/tests): layer math against numpy references
// of Keras's definitions, optimizers, losses, metrics, initializers, augmentation, PNG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogDefaults } from '../../helpers/keras-defaults';
import { pythonWorker } from '../../helpers/python-worker';
import { PYTHON, PYTHON_DIR, SKIP, tempDir } from './helpers';

test('python -m unittest discover passes', { skip: SKIP }, async () => {
  // The tests build their configs from the catalog's defaults (tests/helpers.py reads this file).
  const catalog = join(tempDir('torch-unit-'), 'catalog.json');
  writeFileSync(catalog, JSON.stringify(catalogDefaults()));
  // `python -m unittest discover -s tests -t .` in the engine's folder, in a warm Python that has
  // imported torch already (test/helpers/python-worker.ts).
  const worker = pythonWorker({
    python: PYTHON!,
    preload: ['torch', 'numpy'],
    cwd: PYTHON_DIR,
    env: {
      ...process.env,
      PYTHONPATH: PYTHON_DIR,
      MODELSPEC_TORCH_THREADS: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      MODELSPEC_TEST_CATALOG: catalog,
    },
  });
  const r = await worker.run(
    "import runpy, sys\nsys.argv = ['python -m unittest', 'discover', '-s', 'tests', '-t', '.']\nrunpy.run_module('unittest', run_name='__main__', alter_sys=True)",
    { timeoutMs: 120_000 },
  );
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  const ran = /Ran (\d+) tests/.exec(r.stderr);
  assert.ok(ran && Number(ran[1]) >= 20, r.stderr);
});
