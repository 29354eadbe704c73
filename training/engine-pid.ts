// The engine's process id in its run folder (<runDir>/engine.pid), so a reader of the folder
// (`modelspec runs`, the runs view) can tell a run whose engine still runs from one whose engine
// was killed outright and could write no final event — instead of guessing from how long
// events.jsonl has been still.

import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './files';

export const ENGINE_PID_FILE = 'engine.pid';

export interface EnginePid {
  pid: number;
  /** The machine it runs on: a run folder on a shared disk may be read from another. */
  host: string;
  /** What the engine was started with (its spec.json), to tell it from a later process that got its pid. */
  specPath: string;
  /** An argument its command line holds instead, for a warm engine (started with `--warm` before the run). */
  marker?: string;
}

export function writeEnginePid(runDir: string, pid: number, warm = false): void {
  const record: EnginePid = {
    pid,
    host: hostname(),
    specPath: join(runDir, 'spec.json'),
    ...(warm ? { marker: '--warm' } : {}),
  };
  writeFileAtomic(join(runDir, ENGINE_PID_FILE), JSON.stringify(record) + '\n');
}

export function readEnginePid(runDir: string): EnginePid | undefined {
  const file = join(runDir, ENGINE_PID_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8').slice(0, 4096)) as Partial<EnginePid>;
    if (typeof r.pid === 'number' && typeof r.host === 'string' && typeof r.specPath === 'string')
      return r as EnginePid;
  } catch {
    // cut short: as if absent
  }
  return undefined;
}

/**
 * Whether the run folder's engine is still running: true or false when this machine can tell
 * (its pid file names this host), undefined when it cannot (no pid file, another machine's run).
 */
export function engineAlive(runDir: string): boolean | undefined {
  const record = readEnginePid(runDir);
  if (!record || record.host !== hostname()) return undefined;
  try {
    process.kill(record.pid, 0);
  } catch {
    // ESRCH: no such process; EPERM: another user's process has that pid now. Either way not ours.
    return false;
  }
  // Where /proc tells, the process must be the engine started with this run's spec (a pid is
  // reused once its process ended), and not a zombie.
  try {
    const stat = readFileSync(`/proc/${record.pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
    return readFileSync(`/proc/${record.pid}/cmdline`, 'utf8')
      .split('\0')
      .includes(record.marker ?? record.specPath);
  } catch {
    // No /proc here (macOS, Windows): the signal test above is all there is. With /proc, the
    // process went between the two looks.
    return !existsSync('/proc/self');
  }
}
