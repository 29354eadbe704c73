// "ModelSpec: Tune Model": the editor's `modelspec tune` (cli/tune.ts). The tune session
// (training/tune/tune-session.ts) runs in the extension host and starts each trial's engine in
// its own process; the tune view (panel/tune-panel.ts) follows it, and at the end a notification
// offers Apply best (apply-best.ts).

import * as vscode from 'vscode';
import { startTune, type TuneSession, type TuneSummary } from '../../../training/tune/tune-session';
import { tuneFile } from '../../../training/tune/tune-file';
import { modelDocument } from '../model-document';
import { TunePanel } from '../panel/tune-panel';
import { backendSetting, pythonSetting, requireTrust, runsRootFor } from '../settings';
import { applyTrial } from './apply-best';

/** What the command returns (the integration tests read it). */
export interface TuneCommandResult {
  started: boolean;
  reason?: string;
  tuneDir?: string;
  /** Resolves when the search has ended. */
  done?: Promise<TuneSummary>;
}

export class Tuner {
  private session: TuneSession | undefined;
  private running = false;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
  ) {}

  get current(): TuneSession | undefined {
    return this.running ? this.session : undefined;
  }

  stop(): void {
    this.current?.stop();
  }

  async tune(uri?: unknown, options: { trials?: number; epochs?: number } = {}): Promise<TuneCommandResult> {
    if (!requireTrust('Tuning')) return { started: false, reason: 'the workspace is not trusted' };
    if (this.current) {
      void vscode.window.showInformationMessage('ModelSpec: a search is already running; stop it first.');
      return { started: false, reason: 'a search is already running' };
    }
    const doc = await modelDocument(uri);
    if (!doc) return { started: false, reason: 'no .model file' };
    if (doc.uri.scheme !== 'file') return this.refuse(`save ${doc.fileName} to a file first`);
    const searched = tuneFile(doc.getText(), doc.uri.fsPath);
    if (!searched.tune) return this.refuse(searched.blocker ?? 'the file cannot be searched');
    const tune = searched.tune;
    const backend = backendSetting();
    let session: TuneSession;
    try {
      session = await startTune({
        ...tune,
        epochs: options.epochs ?? tune.epochs,
        epochsOverride: options.epochs,
        maxTrials: options.trials,
        runsDir: runsRootFor(doc.uri),
        backend: backend === 'auto' ? undefined : backend,
        python: pythonSetting(doc.uri),
        log: (line) => this.output.appendLine(line),
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`ModelSpec: ${message}`);
      return { started: false, reason: message };
    }
    this.session = session;
    this.running = true;
    void vscode.commands.executeCommand('setContext', 'modelspec.tuning', true);
    this.output.appendLine(`Tuning ${tune.modelName} in ${session.tuneDir}`);
    TunePanel.show(this.extensionUri, {
      tuneDir: session.tuneDir,
      model: tune.modelName,
      sourceFile: doc.uri,
      session,
    });
    session.subscribe((e) => {
      if (e.type === 'trial_finished')
        this.output.appendLine(
          `Trial ${e.trial}: ${e.state}${e.objective !== undefined ? `, ${tune.settings.objective} ${e.objective.toPrecision(4)}` : ''}${e.message ? ` (${e.message})` : ''}`,
        );
    });
    const done = session.done.then((summary) => {
      this.running = false;
      void vscode.commands.executeCommand('setContext', 'modelspec.tuning', false);
      this.finished(doc.uri, summary);
      return summary;
    });
    return { started: true, tuneDir: session.tuneDir, done };
  }

  private finished(file: vscode.Uri, summary: TuneSummary): void {
    if (summary.error) {
      void vscode.window.showErrorMessage(`ModelSpec: the search failed: ${summary.error}`);
      return;
    }
    const best = summary.best;
    if (!best) {
      void vscode.window.showWarningMessage('ModelSpec: the search ended without a complete trial.');
      return;
    }
    const values = Object.entries(best.hyperparameters)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    this.output.appendLine(`Best: trial ${best.number} (${values})`);
    void vscode.window
      .showInformationMessage(`ModelSpec: best trial ${best.number}: ${values}.`, 'Apply best')
      .then((choice) => {
        if (choice) void applyTrial(file, best);
      });
  }

  private refuse(reason: string): TuneCommandResult {
    void vscode.window.showErrorMessage(`ModelSpec: cannot tune: ${reason}.`);
    return { started: false, reason };
  }
}
