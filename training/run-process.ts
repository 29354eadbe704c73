// Starting an engine in its own process and following its events. The engine appends every
// event to <runDir>/events.jsonl itself, so nothing is lost if this side dies; if the engine dies
// without a final event, this side appends a `failed` event that says how it ended. history.csv
// and the TensorBoard event files are brought up to date after every epoch, so a run killed
// outright keeps every epoch it recorded.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { packageRoot } from '../common/package-root';
import type { EngineChoice } from './engines/detect';
import { pythonModuleCommand } from './engines/python-command';
import { TORCH_SERVER_ENV } from './engines/torch-server';
import { releasePrepared } from './data/cache-lock';
import { writeEnginePid } from './engine-pid';
import { takeWarmEngine } from './warm-engine';
import { appendLine, writeFileAtomic } from './files';
import { STOP_ON_EOF_ENV, type RunEvent, type RunSpec } from './protocol';
import { parseEvent, readEvents, writeHistory } from './run-folder';
import { writeTensorBoard } from './tensorboard';

export { parseEvent } from './run-folder';

export interface RunHandle {
  /** Asks the engine to stop after the current batch (it saves the model and emits `stopped`). */
  stop(reason?: string): void;
  /** Resolves with the final event (finished, stopped or failed). */
  done: Promise<RunEvent>;
  pid: number | undefined;
  /** Whether a warm engine (warm-engine.ts) took the run, rather than a process started for it. */
  warm: boolean;
}

const FINAL = new Set<RunEvent['type']>(['finished', 'stopped', 'failed']);

export function engineCommand(
  choice: EngineChoice,
  specPath: string,
): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  if (choice.engine === 'torch') {
    return pythonModuleCommand(choice.python ?? 'python3', 'modelspec_torch', [specPath]);
  }
  // Inside VS Code, process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it plain Node.
  const env = process.versions.electron ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : { ...process.env };
  return { command: process.execPath, args: [join(packageRoot(), 'dist', 'engine-tfjs.cjs'), specPath], env };
}

/** Starts the engine; throws an IoError (path and cause) if spec.json cannot be written. */
export function startRun(
  spec: RunSpec,
  choice: EngineChoice,
  onEvent: (e: RunEvent) => void,
  onLog?: (line: string) => void,
  extraEnv: NodeJS.ProcessEnv = {},
): RunHandle {
  const specPath = join(spec.runDir, 'spec.json');
  writeFileAtomic(specPath, JSON.stringify({ ...spec, fit: { ...spec.fit, engineReason: choice.reason } }, null, 2));
  // A warm engine (one process per run, already loaded) when there is one for this choice; a
  // data-parallel run starts its launcher cold, not in an engine server either (it starts its
  // workers itself, below its own process).
  const parallel = spec.fit.devices * spec.fit.nnodes > 1;
  // A tune trial's own engine variables (its share of the cores) need a fresh process.
  const ownEnv = extraEnv !== undefined && Object.keys(extraEnv).length > 0;
  const warm = parallel || ownEnv ? undefined : takeWarmEngine(choice);
  let child: ChildProcess;
  if (warm) {
    child = warm;
    child.stdin!.write(specPath + '\n');
  } else {
    const { command, args, env } = engineCommand(choice, specPath);
    if (parallel) delete env[TORCH_SERVER_ENV];
    child = spawn(command, args, {
      env: { ...env, ...extraEnv, [STOP_ON_EOF_ENV]: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }
  if (child.pid !== undefined) {
    try {
      writeEnginePid(spec.runDir, child.pid, warm !== undefined);
    } catch (e) {
      onLog?.(`${(e as Error).message} (modelspec runs will tell a killed run by its age instead)`);
    }
  }
  let final: RunEvent | undefined;
  let last: RunEvent | undefined;
  let stderrTail = '';
  let historyProblem: string | undefined;

  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = parseEvent(line);
    if (!event) {
      if (line.trim()) onLog?.(line);
      return;
    }
    last = event;
    if (FINAL.has(event.type)) final = event;
    if (event.type === 'epoch' && spec.mode !== 'evaluate') {
      try {
        const events = readEvents(spec.runDir);
        writeHistory(spec.runDir, events);
        writeTensorBoard(spec.runDir, events, spec);
      } catch (e) {
        // Reported once; the engine reports its own write failures as a failed event.
        const message = (e as Error).message;
        if (message !== historyProblem) onLog?.(message);
        historyProblem = message;
      }
    }
    onEvent(event);
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail = (stderrTail + line + '\n').slice(-4000);
    onLog?.(line);
  });
  child.stdin?.on('error', () => undefined); // the engine may exit before reading a stop message

  const done = new Promise<RunEvent>((resolve) => {
    const finish = (how: string) => {
      if (final) return resolve(final);
      const epoch = last && 'epoch' in last ? last.epoch : undefined;
      const event: RunEvent = {
        type: 'failed',
        time: new Date().toISOString(),
        message: `The ${choice.engine} engine ${how} without finishing${stderrTail ? `: ${lastLines(stderrTail, 6)}` : ''}`,
        epoch,
      };
      try {
        appendLine(join(spec.runDir, 'events.jsonl'), JSON.stringify(event));
      } catch (e) {
        event.message += ` (and this could not be recorded: ${(e as Error).message})`;
      }
      onEvent(event);
      resolve(event);
    };
    child.on('error', (e) => finish(`could not start (${e.message})`));
    child.on('close', (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    // A warm engine that ended in the instant between being taken and being handed the spec.
    if (warm && (warm.exitCode !== null || warm.signalCode !== null)) finish('had ended before the run reached it');
  });
  // The run's prepared data may be evicted from the cache once its engine has ended.
  void done.then(() => releasePrepared(spec.data));

  return {
    pid: child.pid,
    warm: warm !== undefined,
    done,
    stop(reason?: string) {
      if (child.exitCode !== null) return;
      child.stdin?.write(JSON.stringify(reason ? { type: 'stop', reason } : { type: 'stop' }) + '\n');
    },
  };
}

function lastLines(s: string, n: number): string {
  return s.trim().split('\n').slice(-n).join('\n');
}
