// One training run, from a plan to a finished run folder: the run sequence that `modelspec train`
// (cli/train.ts) and the editor's Train command (client/src/commands/train.ts) share. They only
// render it. plan → RunSpec (data prepared) → engine choice → engine process → events → the run
// folder's report. Free of `vscode` imports and of any output: callers are told, and print.

import type { TrainingPlan } from '../language/analysis/plan';
import { releasePrepared } from './data/cache-lock';
import { backendForReplicas, withDistributedFlags, type DistributedFlags } from './distributed-flags';
import { chooseEngine, type EngineChoice } from './engines/detect';
import type { RunEvent, RunSpec } from './protocol';
import { finalizeRunFolder, reportTitle } from './run-folder';
import { startRun, type RunHandle } from './run-process';
import { buildRunSpec, type RunOptions } from './run-spec';
import { prestartEngine } from './warm-engine';

export type RunListener = (event: RunEvent) => void;

export interface SessionOptions extends RunOptions {
  /** The configured Python interpreter (the editor's setting), for the PyTorch engine. */
  python?: string;
  /** Told once the engine is chosen, before it starts ("Training X with tfjs (…)"). */
  onEngine?: (spec: RunSpec, choice: EngineChoice) => void;
  /** The engine's lines that are not events (its stderr, stray prints). */
  log?: (line: string) => void;
  /** `--devices`, `--nnodes`, `--node-rank`, `--master`: they win over the file's `devices`. */
  distributed?: DistributedFlags;
  /** Variables for the engine process: a tune's parallel trials share the cores through the
   *  engines' thread settings (MODELSPEC_TORCH_THREADS, MODELSPEC_TFJS_THREADS) and the GPUs
   *  through CUDA_VISIBLE_DEVICES. */
  env?: NodeJS.ProcessEnv;
  /** Once the run has ended, start a warm engine of the same kind for the next run (warm-engine.ts). */
  keepWarm?: boolean;
  /**
   * Chooses the engine in the caller's stead, given the backend asked for and the usual choice:
   * a search hands every trial one memo, so its trials run on the engine its first trial chose.
   */
  chooseEngine?: (backend: string, choose: () => Promise<EngineChoice>) => Promise<EngineChoice>;
}

/** The run was cancelled (the signal aborted) after its data were prepared and before the engine started. */
export class RunCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'RunCancelled';
  }
}

/**
 * Prepares the data, chooses the engine and starts it. Throws (with the reason, for the user)
 * when any step fails; the prepared data's cache locks are released then, as no run will.
 */
export async function startRunSession(
  plan: TrainingPlan,
  opts: SessionOptions = {},
  start: typeof startRun = startRun,
): Promise<RunSession> {
  const built = await buildRunSpec(plan, opts);
  const spec = { ...built, fit: withDistributedFlags(built.fit, opts.distributed ?? {}) };
  try {
    if (opts.signal?.aborted) throw new RunCancelled();
    // A data-parallel run needs the torch engine: 'auto' becomes torch, tfjs is refused with why.
    // 'auto' measures the engines on this run's model (cached per machine and model signature).
    const backend = backendForReplicas(spec.fit);
    const choose = () =>
      chooseEngine(backend, opts.python, {
        spec,
        cacheDir: opts.cacheDir,
        onProgress: opts.onProgress,
        timing: { signal: opts.signal },
      });
    const choice = await (opts.chooseEngine ? opts.chooseEngine(backend, choose) : choose());
    opts.onEngine?.(spec, choice);
    const session = new RunSession(spec, choice, opts.log ?? (() => undefined), start, opts.env);
    // Started after the run, not beside it: its imports would take cores from the run's start.
    if (opts.keepWarm) void session.done.then(() => prestartEngine(choice));
    return session;
  } catch (e) {
    // No run will release the prepared data's cache locks (cache-lock.ts): release them here.
    releasePrepared(spec.data);
    if (opts.signal?.aborted) throw new RunCancelled(); // also when it came during the engine probe
    throw e;
  }
}

/**
 * A started run: the events so far, listeners, stop, and `done` once the engine has ended and
 * the run folder's report is written. Owned by its caller rather than by any view (in the
 * editor, closing the panel does not stop the run).
 */
export class RunSession {
  readonly events: RunEvent[] = [];
  /** Resolves with the final event once the run folder's report has been written (or failed to be). */
  readonly done: Promise<RunEvent>;
  /** Why the run folder's report could not be written, once `done` resolved; undefined when it was. */
  reportError: string | undefined;
  private readonly listeners = new Set<RunListener>();
  private readonly handle: RunHandle;
  private ended = false;
  private stopRequested = false;

  constructor(
    readonly spec: RunSpec,
    readonly choice: EngineChoice,
    log: (line: string) => void,
    start: typeof startRun = startRun,
    env?: NodeJS.ProcessEnv,
  ) {
    this.handle = start(
      spec,
      choice,
      (event) => {
        this.events.push(event);
        for (const listener of [...this.listeners]) listener(event);
      },
      log,
      env,
    );
    this.done = this.handle.done.then((final) => {
      this.ended = true;
      // A range test (mode 'lr-find') trains no model: no history, summary or report to write.
      if (spec.mode === 'lr-find') return final;
      try {
        finalizeRunFolder(spec.runDir, spec.summaryTable ?? '', reportTitle(spec.modelName, spec.runDir));
      } catch (e) {
        this.reportError = e instanceof Error ? e.message : String(e);
      }
      return final;
    });
  }

  /** The panel's run id is the run folder: it survives a window reload in the panel's state. */
  get runId(): string {
    return this.spec.runDir;
  }

  get model(): string {
    return this.spec.modelName;
  }

  /** Whether a warm engine took this run (warm-engine.ts) rather than a process started for it. */
  get warm(): boolean {
    return this.handle.warm;
  }

  /** The engine's process id while it runs (a second Ctrl+C kills it). */
  get pid(): number | undefined {
    return this.handle.pid;
  }

  get running(): boolean {
    return !this.ended;
  }

  get stopping(): boolean {
    return this.stopRequested && !this.ended;
  }

  /** Asks the engine to stop after the current batch; it saves the model and emits `stopped`. */
  stop(reason?: string): void {
    if (this.ended) return;
    this.stopRequested = true;
    this.handle.stop(reason);
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
