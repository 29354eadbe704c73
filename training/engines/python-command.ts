// How every Python process of the PyTorch engine is started (the probe, training, evaluation,
// --describe, the bench): one place, so none of them imports code from the user's folder.
//
// `python -m modelspec_torch` puts the working directory first on sys.path, so a `torch.py`,
// `numpy.py` or `modelspec_torch/` in the folder of the .model file would be imported and run.
// Instead the interpreter runs with
//   -E  ignore PYTHON* variables (a PYTHONPATH naming the folder, PYTHONSTARTUP, ...),
//   -u  unbuffered stdout (events stream line by line; -E ignores PYTHONUNBUFFERED),
//   -c  a bootstrap that drops the working-directory entry ('') from sys.path before importing
//       anything that is not built in, puts the engine's own folder first and runs the module
//       as `python -m` would (python/modelspec_start.py; with MODELSPEC_TORCH_SERVER set, an
//       engine command runs in a child of that fork server instead: engines/torch-server.ts).
// This works on every Python 3 (unlike -P, 3.11+). Not -I/-s: they also drop the user's
// site-packages, where `pip install --user torch` puts torch; that folder is the user's own,
// not the project's. The working directory itself is left as the caller's, since run specs and
// callbacks may hold paths relative to it; nothing is imported from it.

import { join } from 'node:path';
import { packageRoot } from '../../common/package-root';

export interface PythonCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The folder that holds the `modelspec_torch` package. */
export function pythonPath(): string {
  return join(packageRoot(), 'python');
}

// argv after -c: [engine folder, module, ...module args]; both are popped before the module runs.
const BOOTSTRAP = [
  'import sys',
  "sys.path[:] = [p for p in sys.path if p != '']",
  'sys.path.insert(0, sys.argv.pop(1))',
  'import modelspec_start',
  'modelspec_start.main()',
].join('; ');

/**
 * The command line that runs `python -m <module> <args>` with only the engine's folder and the
 * interpreter's own site-packages importable. `env` adds variables (MODELSPEC_*, ...).
 */
export function pythonModuleCommand(
  python: string,
  module: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): PythonCommand {
  return {
    command: python,
    args: ['-E', '-u', '-c', BOOTSTRAP, pythonPath(), module, ...args],
    env: { ...process.env, ...env },
  };
}
