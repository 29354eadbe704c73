// The `modelspec.dataDirs` setting as MODELSPEC_DATA_DIRS, which data preparation (in the
// extension host) and the language server (a child process, for hover) both read: the
// setting's folders first, then whatever the environment already named. No `vscode` import, so
// it is unit-tested.

import { delimiter } from 'node:path';

/** The value MODELSPEC_DATA_DIRS should have, or undefined for none. */
export function dataDirsEnv(setting: unknown, inherited: string | undefined): string | undefined {
  const fromSetting = Array.isArray(setting)
    ? setting.filter((d): d is string => typeof d === 'string').map((d) => d.trim())
    : [];
  const fromEnv = (inherited ?? '').split(delimiter).map((d) => d.trim());
  const dirs = [...new Set([...fromSetting, ...fromEnv].filter(Boolean))];
  return dirs.length ? dirs.join(delimiter) : undefined;
}
