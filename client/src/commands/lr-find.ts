// "ModelSpec: Find Learning Rate": the editor's `modelspec lr-find` (cli/lr-find.ts). The range
// test runs on the file's engine in its own process (training/lr-find-session.ts); the training
// panel draws it (media/panel/src/lrPlot.ts), and once it ends a notification offers to write the
// suggestion into the optimizer (apply-learning-rate.ts).

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { planTraining } from '../../../language/analysis/plan';
import { formatLearningRate } from '../../../training/lr-find';
import { startLrFind, type LrFindOutcome } from '../../../training/lr-find-session';
import { RunCancelled } from '../../../training/run-session';
import { analyzeDocument, modelDocument } from '../model-document';
import { TrainingPanel } from '../panel/training-panel';
import type { RunSession } from '../run-session';
import { backendSetting, pythonSetting, requireTrust, runsRootFor } from '../settings';
import { applyLearningRate } from './apply-learning-rate';

/** What the command returns (the integration tests read it). */
export interface LrFindCommandResult {
  started: boolean;
  reason?: string;
  folder?: string;
  /** Resolves when the test has ended, with the suggestion (if any). */
  outcome?: Promise<LrFindOutcome>;
}

export class LrFinder {
  private session: RunSession | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
    /** A training run going in this window: one engine at a time. */
    private readonly busy: () => RunSession | undefined,
  ) {}

  get current(): RunSession | undefined {
    return this.session?.running ? this.session : undefined;
  }

  async find(uri?: unknown): Promise<LrFindCommandResult> {
    if (!requireTrust('Finding the learning rate')) return { started: false, reason: 'the workspace is not trusted' };
    const running = this.current ?? this.busy();
    if (running) {
      void vscode.window.showInformationMessage(`ModelSpec: ${running.model} is still running; stop it first.`);
      return { started: false, reason: 'a run is already in progress' };
    }
    const doc = await modelDocument(uri);
    if (!doc) return { started: false, reason: 'no .model file' };
    if (doc.uri.scheme !== 'file') return this.refuse(`save ${doc.fileName} to a file first`);
    const planned = planTraining(analyzeDocument(doc), doc.uri.fsPath);
    if (!planned.plan) return this.refuse(`${basename(doc.uri.fsPath)}: ${planned.blocker}`);
    const plan = planned.plan;
    const backend = backendSetting();
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Finding a learning rate for ${plan.modelName}`,
        cancellable: true,
      },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => {
          abort.abort();
          this.session?.stop('cancelled');
        });
        try {
          progress.report({ message: 'preparing the data…' });
          const run = await startLrFind(plan, {
            backend: backend === 'auto' ? undefined : backend,
            runsDir: runsRootFor(doc.uri),
            python: pythonSetting(doc.uri),
            onProgress: (m) => progress.report({ message: m }),
            onEngine: (spec, choice) =>
              this.output.appendLine(
                `Learning-rate range test of ${spec.modelName} with ${choice.engine} in ${spec.runDir}`,
              ),
            log: (line) => this.output.appendLine(line),
            signal: abort.signal,
          });
          this.session = run.session;
          TrainingPanel.show(this.extensionUri, {
            runDir: run.session.runId,
            model: run.session.model,
            session: run.session,
          });
          progress.report({ message: 'running the range test…' });
          void run.outcome.then((o) => this.finished(doc.uri, o));
          return { started: true, folder: run.session.runId, outcome: run.outcome };
        } catch (e) {
          if (e instanceof RunCancelled) return { started: false, reason: 'cancelled' };
          const message = e instanceof Error ? e.message : String(e);
          void vscode.window.showErrorMessage(`ModelSpec: ${message}`);
          return { started: false, reason: message };
        }
      },
    );
  }

  private finished(file: vscode.Uri, o: LrFindOutcome): void {
    if (!o.suggestion) {
      const why = o.failure ?? o.problem ?? 'no points were recorded';
      this.output.appendLine(`Learning-rate range test: no suggestion (${why})`);
      void vscode.window.showWarningMessage(`ModelSpec: the range test gave no suggestion: ${why}.`);
      return;
    }
    const value = formatLearningRate(o.suggestion.suggested);
    const how = o.suggestion.rule === 'steepest' ? 'steepest descent of the smoothed loss' : 'lowest loss / 10';
    this.output.appendLine(
      `Learning-rate range test: suggested ${value} (${how}); minimum/10 ${formatLearningRate(o.suggestion.minimumOver10)}`,
    );
    const use = `Use ${value}`;
    void vscode.window
      .showInformationMessage(`ModelSpec: suggested learning rate ${value} (${how}).`, use)
      .then((choice) => {
        if (choice === use) void applyLearningRate(file, o.suggestion!.suggested);
      });
  }

  private refuse(reason: string): LrFindCommandResult {
    void vscode.window.showErrorMessage(`ModelSpec: cannot find a learning rate: ${reason}.`);
    return { started: false, reason };
  }
}
