// Optuna as the sampler: `python -m modelspec_tune` (python/modelspec_tune) holds an Optuna study
// in <tune>/study.db (SQLite) and answers ask / report / tell over JSON lines. Started like the
// PyTorch engine (engines/python-command.ts: -E, the working folder off sys.path), from the
// engine's own folder. The interpreter is the one named (the editor's setting or MODELSPEC_PYTHON),
// else the first of python3 and /usr/bin/python3 that imports Optuna.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pythonModuleCommand, pythonPath } from '../engines/python-command';
import { startupTrials, type AskedTrial, type FinalState, type Sampler, type StudyConfig } from './sampler';
import { gridValues, mirror } from './space';
import type { Assignment, SearchParam } from './types';

export const STUDY_DB = 'study.db';
/** The study's name inside study.db. */
export const STUDY_NAME = 'modelspec';

/** What python/modelspec_tune/protocol.py answers (its Response TypedDict). */
interface OptunaResponse {
  ok: boolean;
  error?: string;
  missing?: string;
  optuna?: string;
  sampler?: string;
  pruner?: string;
  previous?: number;
  number?: number;
  params?: Assignment;
  prune?: boolean;
}

/** The interpreters to try for Optuna, in order. */
export function optunaCandidates(configured?: string): string[] {
  const named = configured ?? process.env.MODELSPEC_PYTHON;
  return named ? [named] : ['python3', '/usr/bin/python3'];
}

/** One Python process serving one study; requests are answered in order. */
class OptunaProcess {
  private readonly pending: { resolve: (r: OptunaResponse) => void; reject: (e: Error) => void }[] = [];
  private stderrTail = '';
  private exited: string | undefined;

  constructor(
    private readonly child: ChildProcess,
    readonly python: string,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      let response: OptunaResponse;
      try {
        response = JSON.parse(line) as OptunaResponse;
      } catch {
        return;
      }
      this.pending.shift()?.resolve(response);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      this.stderrTail = (this.stderrTail + line + '\n').slice(-2000);
    });
    child.stdin?.on('error', () => undefined);
    const end = (how: string) => {
      this.exited = `${python} ${how}${this.stderrTail ? `: ${this.stderrTail.trim().split('\n').slice(-3).join(' ')}` : ''}`;
      for (const p of this.pending.splice(0)) p.reject(new Error(this.exited));
    };
    child.on('error', (e) => end(`could not start (${e.message})`));
    child.on('close', (code, signal) => end(signal ? `was killed by ${signal}` : `exited with code ${code}`));
  }

  request(message: Record<string, unknown>): Promise<OptunaResponse> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin?.write(JSON.stringify(message) + '\n');
    });
  }

  /** A request whose failure is an error naming what was asked. */
  async call(message: Record<string, unknown>): Promise<OptunaResponse> {
    const r = await this.request(message);
    if (!r.ok)
      throw new Error(`Optuna (${this.python}) could not ${String(message.op)}: ${r.error ?? 'no reason given'}`);
    return r;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.exited) return resolve();
      this.child.once('close', () => resolve());
      this.child.stdin?.end();
    });
  }
}

function spawnOptuna(python: string): OptunaProcess {
  const { command, args, env } = pythonModuleCommand(python, 'modelspec_tune', []);
  const child = spawn(command, args, { env, cwd: pythonPath(), stdio: ['pipe', 'pipe', 'pipe'] });
  return new OptunaProcess(child, python);
}

/** The space as modelspec_tune reads it (grid: each parameter's points, as space.ts lists them). */
function wireSpace(space: readonly SearchParam[], grid: boolean): Record<string, unknown>[] {
  return space.map((p) => {
    if (grid) return { ...p, grid: gridValues(p) };
    // Optuna has no reverse_log: it samples log, and ask() mirrors the value back.
    if ((p.kind === 'int' || p.kind === 'float') && p.sampling === 'reverse_log') return { ...p, sampling: 'log' };
    return { ...p };
  });
}

/** Optuna's values as the file's spaces mean them (reverse_log mirrored). */
function fromOptuna(space: readonly SearchParam[], params: Assignment, grid: boolean): Assignment {
  const out: Assignment = { ...params };
  if (grid) return out;
  for (const p of space)
    if ((p.kind === 'int' || p.kind === 'float') && p.sampling === 'reverse_log' && typeof out[p.name] === 'number')
      out[p.name] = mirror(p, out[p.name] as number);
  return out;
}

/**
 * Opens the study with Optuna, or returns why it cannot (no interpreter, no Optuna): the caller
 * then falls back to the TypeScript sampler. An error of Optuna's own (a study.db of another
 * search) is thrown: falling back would start a second, different study.
 */
export async function openOptunaSampler(
  config: StudyConfig,
  configuredPython?: string,
): Promise<{ sampler?: Sampler; why?: string }> {
  const tried: string[] = [];
  for (const python of optunaCandidates(configuredPython)) {
    const proc = spawnOptuna(python);
    let opened: OptunaResponse;
    try {
      opened = await proc.request({
        op: 'open',
        storage: join(config.tuneDir, STUDY_DB),
        study: STUDY_NAME,
        direction: config.direction,
        algorithm: config.algorithm,
        pruning: config.pruning,
        seed: config.seed ?? null,
        space: wireSpace(config.space, config.algorithm === 'grid'),
        steps: config.steps,
        startup: startupTrials(config.maxTrials),
      });
    } catch (e) {
      tried.push((e as Error).message);
      continue;
    }
    if (!opened.ok) {
      await proc.close();
      if (opened.missing) {
        tried.push(opened.error ?? `${python}: no ${opened.missing}`);
        continue;
      }
      throw new Error(`Optuna (${python}) could not open the study in ${config.tuneDir}: ${opened.error}`);
    }
    const sampler = opened.sampler ?? '?';
    const pruner = opened.pruner ?? '?';
    return {
      sampler: {
        info: {
          kind: 'optuna',
          sampler,
          pruner,
          description: `Optuna ${opened.optuna} (${sampler}, ${pruner}) in ${python}`,
          reason: `Optuna ${opened.optuna} found in ${python}`,
        },
        previousTrials: opened.previous ?? 0,
        async ask(): Promise<AskedTrial | undefined> {
          const r = await proc.call({ op: 'ask' });
          if (r.number === undefined || !r.params) throw new Error(`Optuna (${python}) asked for no trial`);
          return { number: r.number, hyperparameters: fromOptuna(config.space, r.params, config.algorithm === 'grid') };
        },
        async report(trial: number, step: number, value: number) {
          // JSON has no NaN: a diverged value travels as null (Optuna prunes it).
          const r = await proc.call({
            op: 'report',
            number: trial,
            step,
            value: Number.isFinite(value) ? value : null,
          });
          return r.prune === true;
        },
        async tell(trial: number, state: FinalState, value?: number) {
          await proc.call({
            op: 'tell',
            number: trial,
            state,
            value: value !== undefined && Number.isFinite(value) ? value : null,
          });
        },
        close: () => proc.close(),
      },
    };
  }
  return { why: `Optuna not found (${tried.join('; ') || 'no Python interpreter'})` };
}
