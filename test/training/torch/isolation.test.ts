// Issue #8 item 2: the PyTorch engine must not import Python code from the user's folder. A
// folder with booby-trapped `torch.py`, `numpy.py`, `json.py`, `runpy.py` and `modelspec_torch/`
// (each writes a marker file when imported), and a `python3` that a PATH search from the folder
// would find, is the working directory of `modelspec engines` and `modelspec train --backend
// torch`, and holds the .model file: nothing of it may run, and the engine must still work.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../../helpers/build';
import type { EngineReport } from '../../../training/engines/detect';
import type { RunEvent } from '../../../training/protocol';
import { PYTHON, SKIP } from './helpers';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

/** A folder whose Python files, if imported, leave `marker-<name>` behind and break the import. */
function trappedFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-trap-'));
  const trap = (name: string) =>
    `import os\nopen(os.path.join(${JSON.stringify(dir)}, 'marker-${name}'), 'w').close()\nraise ImportError('booby trap ${name} was imported')\n`;
  for (const name of ['torch', 'numpy', 'json', 'runpy']) writeFileSync(join(dir, `${name}.py`), trap(name));
  // An interpreter of the project's own, found if the engine were started by a bare name while
  // PATH has an empty entry (the working folder); it runs the real one so only the marker tells.
  writeFileSync(
    join(dir, 'python3'),
    `#!/bin/sh\ntouch ${JSON.stringify(join(dir, 'marker-python3'))}\nexec ${JSON.stringify(PYTHON ?? '/usr/bin/python3')} "$@"\n`,
  );
  chmodSync(join(dir, 'python3'), 0o755);
  mkdirSync(join(dir, 'modelspec_torch'));
  writeFileSync(join(dir, 'modelspec_torch', '__init__.py'), trap('modelspec_torch'));
  writeFileSync(join(dir, 'modelspec_torch', '__main__.py'), trap('modelspec_torch-main'));
  writeFileSync(
    join(dir, 'tiny.csv'),
    'a,b,c,d,y\n' +
      Array.from({ length: 40 }, (_, i) => `${i % 5},${i % 3},${i % 7},${i % 2},${(i % 5) + (i % 3)}`).join('\n') +
      '\n',
  );
  writeFileSync(
    join(dir, 'tiny.model'),
    `model tiny {\n  Input(shape=(4,))\n  Dense(4, activation='relu')\n  Dense(1)\n}\ncompile {\n  loss: 'mse'\n  optimizer: 'adam'\n}\n` +
      `data {\n  train: csv('tiny.csv', label='y')\n  validation_split: 0.2\n}\nfit {\n  epochs: 1\n  batch_size: 8\n}\n`,
  );
  return dir;
}

function markers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('marker-'));
}

/**
 * A user with no MODELSPEC_PYTHON, a PYTHONPATH naming their folder, and a PATH with an empty
 * entry (the working folder) ahead of the folder of the interpreter that has torch.
 */
function userEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: dir, MODELSPEC_CACHE: join(dir, '.cache') };
  delete env.MODELSPEC_PYTHON;
  // Nor an engine server (the test run has one): this is about how a cold engine starts.
  delete env.MODELSPEC_TORCH_SERVER;
  if (process.platform !== 'win32') env.PATH = `:${dirname(PYTHON!)}:${process.env.PATH ?? ''}`;
  return env;
}

describe('the PyTorch engine ignores Python files in the working folder', { skip: SKIP }, () => {
  before(() => ensureBuilt());

  it('modelspec engines finds torch and imports nothing from the folder', () => {
    const dir = trappedFolder();
    const r = spawnSync(process.execPath, [CLI, 'engines', '--json'], {
      cwd: dir,
      env: userEnv(dir),
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(markers(dir), [], 'no booby-trapped module was imported');
    const torch = (JSON.parse(r.stdout) as EngineReport[]).find((e) => e.engine === 'torch');
    assert.equal(torch?.available, true, torch?.detail);
  });

  it('modelspec train --backend torch trains a tiny model from that folder and imports nothing from it', () => {
    const dir = trappedFolder();
    const out = join(dir, 'runs');
    const r = spawnSync(process.execPath, [CLI, 'train', 'tiny.model', '--backend', 'torch', '--out', out, '--json'], {
      cwd: dir,
      env: userEnv(dir),
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.deepEqual(markers(dir), [], 'no booby-trapped module was imported');
    assert.equal(r.status, 0, r.stderr + r.stdout.slice(-2000));
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as RunEvent);
    const started = events.find((e) => e.type === 'started');
    assert.equal(started?.type === 'started' && started.engine, 'torch');
    assert.equal(events.filter((e) => e.type === 'epoch').length, 1);
    assert.equal(events[events.length - 1]?.type, 'finished');
    assert.ok(
      started?.type === 'started' && existsSync(join(started.runDir, 'model.pt')),
      'the torch engine saved its model',
    );
  });
});
