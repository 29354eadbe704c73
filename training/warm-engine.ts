// Warm engines: an engine process started ahead of a run (`--warm`: Node and TF.js's backend, or
// Python and torch, already loaded), which takes the next run's spec.json path on its stdin. It
// cuts the engine's start — most of the time from Train to the first point — out of the next
// run. Each warm process serves one run and then ends like any engine, so runs share no state; a
// warm process that died meanwhile is simply not used (the run starts cold). A warm process ends
// itself when idle for MODELSPEC_WARM_IDLE seconds (default 300) or when this process goes.

import { spawn, type ChildProcess } from 'node:child_process';
import type { EngineChoice } from './engines/detect';
import { setChildRef } from '../common/child-ref';
import { engineCommand } from './run-process';
import { STOP_ON_EOF_ENV, WARM_READY } from './protocol';

const WARM_IDLE_ENV = 'MODELSPEC_WARM_IDLE';

interface Warm {
  child: ChildProcess;
  /** Resolves true once the engine said it is loaded, false if it ended first. */
  ready: Promise<boolean>;
}

/** The warm processes by engine and interpreter: at most one each. */
const pool = new Map<string, Warm>();

function keyOf(choice: EngineChoice): string {
  return `${choice.engine}\0${choice.python ?? ''}`;
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && !child.killed;
}

/**
 * Starts a warm engine for `choice` unless one is ready. It does not keep this process alive
 * (a CLI exits as if it were not there; the warm engine then sees its stdin end and exits).
 */
export function prestartEngine(choice: EngineChoice, idleSeconds?: number): void {
  const key = keyOf(choice);
  const existing = pool.get(key);
  if (existing && running(existing.child)) return;
  const { command, args, env } = engineCommand(choice, '--warm');
  const child = spawn(command, args, {
    env: {
      ...env,
      [STOP_ON_EOF_ENV]: '1',
      ...(idleSeconds !== undefined ? { [WARM_IDLE_ENV]: String(idleSeconds) } : {}),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const ready = new Promise<boolean>((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString('utf8')).slice(-4096);
      if (!seen.includes(WARM_READY)) return;
      // Until a run takes it, nothing more is read: later output waits in the pipe for the run.
      child.stderr?.off('data', onData);
      child.stderr?.pause();
      resolve(true);
    };
    child.stderr?.on('data', onData);
    child.once('exit', () => resolve(false));
    child.once('error', () => resolve(false));
  });
  child.on('error', () => undefined);
  child.on('exit', () => {
    if (pool.get(key)?.child === child) pool.delete(key);
  });
  child.stdin?.on('error', () => undefined);
  setChildRef(child, false);
  pool.set(key, { child, ready });
}

/** Resolves true once the warm engine for `choice` is loaded; false when there is none or it ended. */
export function warmEngineReady(choice: EngineChoice): Promise<boolean> {
  return pool.get(keyOf(choice))?.ready ?? Promise.resolve(false);
}

/** The warm engine's process id, if one is waiting (tests end it to see the cold fallback). */
export function warmEnginePid(choice: EngineChoice): number | undefined {
  return pool.get(keyOf(choice))?.child.pid;
}

/** The warm engine for `choice`, taken out of the pool (it serves one run), or undefined. */
export function takeWarmEngine(choice: EngineChoice): ChildProcess | undefined {
  const key = keyOf(choice);
  const child = pool.get(key)?.child;
  pool.delete(key);
  if (!child || !running(child) || !child.stdin?.writable) return undefined;
  setChildRef(child, true);
  return child;
}

/** Ends every warm engine (the extension's deactivate). */
export function disposeWarmEngines(): void {
  for (const { child } of pool.values()) child.kill();
  pool.clear();
}
