// The training panel's host side: one WebviewPanel showing either a live RunSession or a run
// folder replayed from its events.jsonl. The webview only draws; everything it asks for is
// checked here (isPanelToHostMessage), and it can read only run folders of the model it shows.

import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { panelHtml } from '../../../media/panel/src/html';
import {
  isPanelToHostMessage,
  type HostToPanelMessage,
  type PanelToHostMessage,
  type RemedyId,
} from '../../../media/panel/src/messages';
import type { RunEvent } from '../../../training/protocol';
import { lrPoints, suggestLearningRate } from '../../../training/lr-find';
import { readEvents, readRunSpec } from '../../../training/run-folder';
import { runTraits } from '../../../training/run-traits';
import type { RunSession } from '../run-session';
import { createWebviewBeside, webviewOptions, webviewPage } from '../webview-page';
import { EventBatcher } from './event-batcher';
import { pathsOfUris, predictForPanel, type PanelPredictRequest } from './predict-host';
import { PanelMemory } from './panel-memory';
import { runsOfModel } from './runs-of-model';
import { remedyEdits, remedyOffers } from './remedy-offers';

export const PANEL_VIEW_TYPE = 'modelspec.trainingPanel';

/** What the panel shows: a live session, or a finished (or interrupted) run read from its folder. */
export interface ShownRun {
  runDir: string;
  model: string;
  session?: RunSession;
}

/** Model name of a run folder laid out as <runsRoot>/<model>/<timestamp>. */
export function modelOfRunDir(runDir: string): string {
  return basename(dirname(runDir));
}

export class TrainingPanel {
  private static current: TrainingPanel | undefined;
  /** Set once at activation: where the panel's run is remembered across reloads. */
  static memory = new PanelMemory(undefined);
  private readonly batcher: EventBatcher<RunEvent>;
  private unsubscribe: (() => void) | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** The last predictions shown, sent again when the webview (re)loads: a message posted
   *  before a new webview has loaded its script would otherwise be lost. */
  private lastPredictions: HostToPanelMessage | undefined;

  /** Shows `run` in the panel, creating the panel or reusing the open one. */
  static show(extensionUri: vscode.Uri, run: ShownRun): TrainingPanel {
    if (TrainingPanel.current) {
      TrainingPanel.current.panel.reveal(undefined, true);
      TrainingPanel.current.setRun(run);
      return TrainingPanel.current;
    }
    const panel = createWebviewBeside(PANEL_VIEW_TYPE, `Training: ${run.model}`, extensionUri);
    return (TrainingPanel.current = new TrainingPanel(panel, extensionUri, run));
  }

  /** After a window reload: VS Code hands back the panel, with the state the webview saved. */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    state: unknown,
    liveSession: (runDir: string) => RunSession | undefined,
  ): void {
    // The webview keeps the run folder as its run id; the host's own note is the fallback.
    const saved = typeof state === 'object' && state !== null ? (state as { runId?: unknown }).runId : undefined;
    const runDir = typeof saved === 'string' ? saved : TrainingPanel.memory.recall();
    panel.webview.options = webviewOptions(extensionUri);
    if (runDir === undefined || !existsSync(join(runDir, 'events.jsonl'))) {
      panel.webview.html = '<!DOCTYPE html><p>This run is no longer available.</p>';
      return;
    }
    TrainingPanel.current?.panel.dispose();
    TrainingPanel.current = new TrainingPanel(panel, extensionUri, {
      runDir,
      model: modelOfRunDir(runDir),
      session: liveSession(runDir),
    });
  }

  static get open(): TrainingPanel | undefined {
    return TrainingPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private run: ShownRun,
  ) {
    this.batcher = new EventBatcher((events) => this.post({ type: 'events', runId: this.run.runDir, events }));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      vscode.window.onDidChangeActiveColorTheme(() => this.post({ type: 'theme' })),
    );
    panel.webview.html = this.html();
    TrainingPanel.memory.remember(run.runDir);
    this.follow();
  }

  get shown(): ShownRun {
    return this.run;
  }

  private setRun(run: ShownRun): void {
    this.run = run;
    this.panel.title = `Training: ${run.model}`;
    TrainingPanel.memory.remember(run.runDir);
    this.follow();
    this.sendAll();
  }

  /** Subscribes to the live session, if any, batching its events for the webview. */
  private follow(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.batcher.clear();
    const session = this.run.session;
    if (!session) return;
    this.unsubscribe = session.subscribe((event) => {
      this.batcher.push(event);
      if (event.type === 'finished' || event.type === 'stopped' || event.type === 'failed') this.batcher.flush();
    });
  }

  /** Everything so far: on `ready` (the webview loaded or reloaded) and when the run changes. */
  private sendAll(): void {
    this.batcher.clear();
    const events = this.run.session ? [...this.run.session.events] : readEvents(this.run.runDir);
    const spec = this.run.session?.spec ?? readRunSpec(this.run.runDir);
    const traits = spec && runTraits(spec);
    this.post({ type: 'reset', runId: this.run.runDir, model: this.run.model, runDir: this.run.runDir, traits });
    this.post({ type: 'events', runId: this.run.runDir, events });
    if (this.lastPredictions?.type === 'predictions' && this.lastPredictions.runDir === this.run.runDir)
      this.post(this.lastPredictions);
    void this.sendRemedies(spec?.sourceFile);
  }

  /** The .model file the shown run trained, when it still exists. */
  private sourceFile(): string | undefined {
    const file = (this.run.session?.spec ?? readRunSpec(this.run.runDir))?.sourceFile;
    return file && existsSync(file) ? file : undefined;
  }

  /** The advice's buttons: the remedies the run's file can take now (its open editor's text, if any). */
  private async sendRemedies(file = this.sourceFile(), applied?: string): Promise<void> {
    if (!file || !existsSync(file)) return;
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      this.post({ type: 'remedies', remedies: remedyOffers(doc.getText(), file), ...(applied && { applied }) });
    } catch {
      // unreadable now: no buttons, the advice stays text
    }
  }

  /** Applies a remedy's edits (the language service's) to the run's file and shows it; the user saves or undoes. */
  private async applyRemedy(id: RemedyId): Promise<void> {
    const file = this.sourceFile();
    if (!file) {
      void vscode.window.showWarningMessage(`ModelSpec: the .model file of this run is gone; cannot edit it.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const remedy = remedyEdits(doc.getText(), file, id);
    if (!remedy) {
      await this.sendRemedies(file); // the file has it by now
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    for (const e of remedy.edits)
      edit.replace(
        doc.uri,
        new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character),
        e.newText,
      );
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage(`ModelSpec: could not edit ${basename(file)}.`);
      return;
    }
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: true });
    await this.sendRemedies(
      file,
      `${remedy.title.replace(/^Add |^Insert /, (w) => (w === 'Add ' ? 'Added ' : 'Inserted '))} in ${basename(file)} (unsaved).`,
    );
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isPanelToHostMessage(raw)) return; // anything else is ignored, never acted on
    const m: PanelToHostMessage = raw;
    switch (m.type) {
      case 'ready':
        this.sendAll();
        return;
      case 'stop':
        if (m.runId === this.run.runDir) this.run.session?.stop();
        return;
      case 'requestRuns':
        this.post({ type: 'runs', ...this.modelRuns() });
        return;
      case 'applyRemedy':
        await this.applyRemedy(m.remedy);
        return;
      case 'pickOverlay': {
        // Only folders this panel offered: the webview does not get to name arbitrary paths.
        const all = this.modelRuns().runs;
        const offered = new Map(all.filter((r) => !r.displayed).map((r) => [r.runDir, r.label]));
        const runs = m.runDirs
          .filter((d) => offered.has(d))
          .map((d) => ({ label: offered.get(d)!, events: readEvents(d) }));
        this.post({ type: 'overlay', runs, displayed: all.find((r) => r.displayed)?.label });
        return;
      }
      case 'applyLearningRate': {
        // Only the suggestion of the range test this panel shows, into the file it ran.
        if (m.runId !== this.run.runDir) return;
        const events = this.run.session ? this.run.session.events : readEvents(this.run.runDir);
        const suggestion = suggestLearningRate(lrPoints(events)).suggestion;
        const spec = this.run.session?.spec ?? readRunSpec(this.run.runDir);
        if (!suggestion || suggestion.suggested !== m.learningRate || !spec?.sourceFile) return;
        await vscode.commands.executeCommand(
          'modelspec.applyLearningRate',
          vscode.Uri.file(spec.sourceFile),
          m.learningRate,
        );
        return;
      }
      case 'exportCsv':
        await this.save(`${this.run.model}-history.csv`, { CSV: ['csv'] }, Buffer.from(m.csv, 'utf8'));
        return;
      case 'predictPick':
        await vscode.commands.executeCommand('modelspec.predict', this.run.runDir);
        return;
      case 'predictDrop':
        await this.predict({ dropped: m.files, paths: pathsOfUris(m.uris) });
        return;
      case 'exportPng':
        await this.save(
          `${this.run.model}-curves.png`,
          { PNG: ['png'] },
          Buffer.from(m.dataUrl.slice('data:image/png;base64,'.length), 'base64'),
        );
        return;
    }
  }

  /** Predicts `request`'s files with the shown run and shows the results (predict-host.ts). */
  async predict(request: PanelPredictRequest): Promise<void> {
    const runDir = this.run.runDir;
    const count = (request.paths?.length ?? 0) + (request.dropped?.length ?? 0);
    this.post({ type: 'predicting', runDir, count });
    let answer: HostToPanelMessage;
    try {
      answer = await predictForPanel(runDir, request);
    } catch (e) {
      answer = { type: 'predictions', runDir, items: [], error: e instanceof Error ? e.message : String(e) };
    }
    this.lastPredictions = answer;
    this.post(answer);
  }

  /** Every run of the shown model, the shown one marked, labelled by their differing hyperparameters. */
  private modelRuns() {
    return runsOfModel(dirname(dirname(this.run.runDir)), this.run.model, this.run.runDir);
  }

  private async save(name: string, filters: Record<string, string[]>, bytes: Buffer): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(join(this.run.runDir, name)),
      filters,
    });
    if (!target) return;
    try {
      if (target.scheme === 'file') writeFileSync(target.fsPath, bytes);
      else await vscode.workspace.fs.writeFile(target, bytes);
      void vscode.window.showInformationMessage(`Saved ${basename(target.fsPath)}`);
    } catch (e) {
      void vscode.window.showErrorMessage(
        `Could not save ${target.fsPath}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private post(message: HostToPanelMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    return panelHtml(webviewPage(this.panel.webview, this.extensionUri, 'panel', this.run.model));
  }

  private dispose(): void {
    this.unsubscribe?.();
    this.batcher.clear();
    for (const d of this.disposables) d.dispose();
    if (TrainingPanel.current === this) TrainingPanel.current = undefined;
  }
}
