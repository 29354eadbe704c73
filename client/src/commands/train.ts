// "ModelSpec: Train Model" and "Stop Training": the editor's version of `modelspec train`
// (cli/train.ts); both drive the run through training/run-session.ts and
// only render it. The file is checked first and refused with its errors shown; the engine then
// runs in its own process, followed by the status bar, the "ModelSpec" output channel and the
// training panel; a cancellable notification shows only while the data are prepared.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { planTraining } from '../../../language/analysis/plan';
import { describeCallback } from '../../../training/callback-events';
import type { RunEvent } from '../../../training/protocol';
import { outcome } from '../../../training/run-folder';
import { RunCancelled, startRunSession } from '../../../training/run-session';
import { analyzeDocument, modelDocument } from '../model-document';
import { TrainingPanel } from '../panel/training-panel';
import type { RunSession } from '../run-session';
import { engineLine } from '../progress/engine-line';
import { showFinalNotice } from '../progress/final-actions';
import { backendSetting, pythonSetting, requireTrust, runsRootFor } from '../settings';
import type { RunStatusBar } from '../status-bar';

/** What the Train command returns (the integration tests read it). */
export interface TrainResult {
  started: boolean;
  reason?: string;
  runDir?: string;
  /** Whether a warm engine (training/warm-engine.ts), kept after the last run, took the run. */
  warm?: boolean;
}

export class Trainer {
  private session: RunSession | undefined;
  /** True while a run's data are being prepared, before its session exists. */
  private starting = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
    private readonly statusBar: RunStatusBar,
  ) {}

  /** The run now going, if any. */
  get current(): RunSession | undefined {
    return this.session?.running ? this.session : undefined;
  }

  /** The last run started in this window, running or not. */
  get last(): RunSession | undefined {
    return this.session;
  }

  async train(uri?: unknown): Promise<TrainResult> {
    if (!requireTrust('Training')) return { started: false, reason: 'the workspace is not trusted' };
    if (this.starting) return { started: false, reason: 'a run is already starting' };
    if (this.current) {
      TrainingPanel.show(this.extensionUri, {
        runDir: this.current.runId,
        model: this.current.model,
        session: this.current,
      });
      void vscode.window.showInformationMessage(
        `ModelSpec: ${this.current.model} is still training; stop it before starting another run.`,
      );
      return { started: false, reason: 'a run is already in progress' };
    }
    const doc = await modelDocument(uri);
    if (!doc) return { started: false, reason: 'no .model file' };
    if (doc.uri.scheme !== 'file') return refuse(`save ${doc.fileName} to a file first`);

    const analysis = analyzeDocument(doc);
    const name = basename(doc.uri.fsPath);
    const planned = planTraining(analysis, doc.uri.fsPath);
    if (!planned.plan) {
      const blocker = planned.blocker;
      if (analysis.diagnostics.some((d) => d.severity === 'error'))
        void vscode.commands.executeCommand('workbench.actions.view.problems');
      void vscode.window.showErrorMessage(`ModelSpec: cannot train ${name}: ${blocker}.`);
      return { started: false, reason: blocker };
    }
    const plan = planned.plan;

    const backend = backendSetting();
    // The notification lives as long as the run; the command answers as soon as it has started.
    let answer!: (result: TrainResult) => void;
    const result = new Promise<TrainResult>((resolve) => (answer = resolve));
    this.starting = true;
    void result.finally(() => (this.starting = false));
    void vscode.window
      .withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Training ${plan.modelName}`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let session: RunSession;
          try {
            progress.report({ message: 'preparing the data…' });
            session = await startRunSession(plan, {
              backend: backend === 'auto' ? undefined : backend,
              runsDir: runsRootFor(doc.uri),
              python: pythonSetting(doc.uri),
              // The next Train starts on an engine already loaded (training/warm-engine.ts).
              keepWarm: true,
              onProgress: (m) => {
                progress.report({ message: m });
                this.output.appendLine(m);
              },
              // The engine choice is said once, when the engine has started (progress/engine-line.ts).
              onEngine: (spec) => this.output.appendLine(`Training ${spec.modelName} in ${spec.runDir}`),
              log: (line) => this.output.appendLine(line),
              signal: abort.signal,
            });
          } catch (e) {
            if (e instanceof RunCancelled) return answer({ started: false, reason: 'cancelled' });
            const message = e instanceof Error ? e.message : String(e);
            if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`ModelSpec: ${message}`);
            this.output.appendLine(`Could not start training: ${message}`);
            return answer({ started: false, reason: message });
          }
          this.begin(session);
          answer({ started: true, runDir: session.runId, warm: session.warm });
          // The notification ends here: the run's progress lives in the status bar and the panel,
          // so nothing covers the charts while it trains (progress/final-notice.ts says how it ended).
        },
      )
      .then(undefined, (e: unknown) => {
        // Anything unexpected still answers the command (a second answer is ignored).
        const message = e instanceof Error ? e.message : String(e);
        this.output.appendLine(`Training failed to start: ${message}`);
        answer({ started: false, reason: message });
      });
    return result;
  }

  stop(): void {
    const session = this.current;
    if (!session) {
      void vscode.window.showInformationMessage('ModelSpec: no training run is in progress.');
      return;
    }
    session.stop();
    this.output.appendLine('Stopping after the current batch…');
  }

  private begin(session: RunSession): void {
    this.session = session;
    void vscode.commands.executeCommand('setContext', 'modelspec.training', true);
    this.statusBar.follow(session);
    TrainingPanel.show(this.extensionUri, { runDir: session.runId, model: session.model, session });
    session.subscribe((e) => this.log(e));
    void session.done.then(() => {
      if (session.reportError !== undefined)
        this.output.appendLine(`could not write the run's report: ${session.reportError}`);
      if (this.session === session) void vscode.commands.executeCommand('setContext', 'modelspec.training', false);
      this.output.appendLine(outcome(session.events));
      this.output.appendLine(`Run folder: ${session.runId}`);
      void showFinalNotice(session.model, session.runId, session.events, this.output);
    });
  }

  /** Epoch-level lines for the output channel (batches would flood it). */
  private log(e: RunEvent): void {
    const metrics = (loss: number, m: Record<string, number>) =>
      [`loss ${loss.toFixed(4)}`, ...Object.entries(m).map(([k, v]) => `${k} ${v.toFixed(4)}`)].join(' ');
    switch (e.type) {
      case 'started':
        this.output.appendLine(engineLine(e, this.session?.choice.reason));
        break;
      case 'epoch':
        this.output.appendLine(
          `Epoch ${e.epoch}/${e.epochs} · ${e.seconds.toFixed(1)} s · ${metrics(e.loss, e.metrics)}${e.valLoss !== undefined ? ` · val ${metrics(e.valLoss, e.valMetrics ?? {})}` : ''}`,
        );
        break;
      case 'log':
        this.output.appendLine(`${e.level === 'warning' ? 'warning: ' : ''}${e.message}`);
        break;
      case 'callback':
        this.output.appendLine(describeCallback(e));
        break;
      case 'evaluated':
        this.output.appendLine(`Test: ${metrics(e.loss, e.metrics)}`);
        break;
      default:
        break;
    }
  }
}

function refuse(reason: string): TrainResult {
  void vscode.window.showErrorMessage(`ModelSpec: cannot train: ${reason}.`);
  return { started: false, reason };
}
