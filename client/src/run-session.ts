// One training run, owned by the extension rather than by any view: the panel, the status bar
// and the progress notification all subscribe to it, so closing the panel does not stop the run.
// The engine runs in its own process (run-process.ts); this object keeps the events so far and
// writes the run folder's report when the process ends. Free of `vscode` imports.

import type { RunEvent, RunSpec } from '../../server/src/training/protocol';
import type { EngineChoice } from '../../server/src/training/engines/detect';
import { finalizeRunFolder, reportTitle } from '../../server/src/training/run-folder';
import { startRun, type RunHandle } from '../../server/src/training/run-process';

export type RunListener = (event: RunEvent) => void;

export class RunSession {
  readonly events: RunEvent[] = [];
  /** Resolves with the final event once the run folder's report has been written. */
  readonly done: Promise<RunEvent>;
  private readonly listeners = new Set<RunListener>();
  private readonly handle: RunHandle;
  private ended = false;
  private stopRequested = false;

  constructor(
    readonly spec: RunSpec,
    readonly choice: EngineChoice,
    summaryTable: string,
    log: (line: string) => void,
    start: typeof startRun = startRun,
  ) {
    this.handle = start(
      spec,
      choice,
      (event) => {
        this.events.push(event);
        for (const listener of [...this.listeners]) listener(event);
      },
      log,
    );
    this.done = this.handle.done.then((final) => {
      this.ended = true;
      try {
        finalizeRunFolder(spec.runDir, summaryTable, reportTitle(spec.modelName, spec.runDir));
      } catch (e) {
        log(`could not write the run's report: ${e instanceof Error ? e.message : String(e)}`);
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

  get running(): boolean {
    return !this.ended;
  }

  get stopping(): boolean {
    return this.stopRequested && !this.ended;
  }

  /** Asks the engine to stop after the current batch; it saves the model and emits `stopped`. */
  stop(): void {
    if (this.ended) return;
    this.stopRequested = true;
    this.handle.stop();
  }

  /** Calls `listener` for every later event; returns the unsubscribe function. */
  subscribe(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
