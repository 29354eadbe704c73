// `modelspec train FILE --json` as a process, its events parsed: what the CLI tests of the
// lecture's tasks (tasks-cli, examples) share.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../training/protocol';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

export interface CliRun {
  code: number | null;
  stderr: string;
  events: RunEvent[];
}

/** Trains `file` with the given extra arguments (e.g. --backend tfjs, --epochs 1) into a fresh folder. */
export function trainCli(file: string, args: string[] = [], timeout = 600_000): CliRun {
  const out = mkdtempSync(join(tmpdir(), 'modelspec-train-'));
  const r = spawnSync(process.execPath, [CLI, 'train', file, '--out', out, '--json', ...args], {
    encoding: 'utf8',
    timeout,
  });
  const events = (r.stdout ?? '')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);
  return { code: r.status, stderr: r.stderr ?? '', events };
}

export function epochsOf(run: CliRun) {
  return run.events.flatMap((e) => (e.type === 'epoch' ? [e] : []));
}

/** `modelspec check FILE...` as a process. */
export function checkCli(files: string[]): { code: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [CLI, 'check', ...files], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: `${r.stdout}${r.stderr}` };
}
