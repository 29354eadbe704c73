// Whether a Python has a module, found without importing it: importing torch or Optuna costs a
// Python seconds or tenths of CPU, where finding it costs hundredths.
import { spawnSync } from 'node:child_process';

/** Whether `python` finds `module` (false too when `python` cannot be started). */
export function pythonFinds(python: string, module: string): boolean {
  const code = 'import importlib.util, sys; sys.exit(importlib.util.find_spec(sys.argv[1]) is None)';
  return spawnSync(python, ['-c', code, module]).status === 0;
}
