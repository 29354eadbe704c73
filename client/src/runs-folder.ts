// Where runs live and which earlier runs a model has: <runsRoot>/<model>/<YYYYMMDD-HHMMSS>/
// with an events.jsonl. The runs root is the `modelspec.runsFolder` setting (relative to the
// workspace folder) or, by default, `runs/` next to the .model file, as the CLI does.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LR_FIND_FOLDER_PREFIX } from '../../training/lr-find';
import type { RunSummary } from '../../media/panel/src/messages';

/** The folder that holds `<model>/<timestamp>/` run folders. */
export function runsRoot(modelFile: string, setting: string | undefined, workspaceFolder: string | undefined): string {
  const configured = setting?.trim();
  if (!configured) return join(dirname(resolve(modelFile)), 'runs');
  if (isAbsolute(configured)) return configured;
  return resolve(workspaceFolder ?? dirname(resolve(modelFile)), configured);
}

/** "20261127-081502" → "2026-11-27 08:15:02"; the second run of that second, "…-2", → "… (2)";
 *  anything else as it is. */
export function runLabel(folderName: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-(\d+))?$/.exec(folderName);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}${m[7] ? ` (${m[7]})` : ''}` : folderName;
}

/** The model's run folders that have recorded events, newest first. */
export function listRuns(root: string, model: string): RunSummary[] {
  const dir = join(root, model);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => {
      if (name.startsWith(LR_FIND_FOLDER_PREFIX)) return false; // range tests, not runs
      const events = join(dir, name, 'events.jsonl');
      return existsSync(events) && statSync(events).isFile();
    })
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true })) // "-10" after "-9"
    .map((name) => ({ runDir: join(dir, name), label: runLabel(name) }));
}
