// The tune view's host side: a WebviewPanel (the training panel's bundle, in its tune mode)
// showing one hyperparameter search, live from a TuneSession or replayed from its tune folder.
// Messages from the webview are checked (isPanelToHostMessage) and acted on only for this search:
// Apply best writes the trial the folder records as best, whatever number the webview sent.

import * as vscode from 'vscode';
import { panelHtml } from '../../../media/panel/src/html';
import { isPanelToHostMessage, type HostToPanelMessage } from '../../../media/panel/src/messages';
import type { TrialRunEvent, TuneEvent } from '../../../training/protocol';
import type { TuneSession } from '../../../training/tune/tune-session';
import { applyTrial } from '../commands/apply-best';
import { createWebviewBeside, webviewPage } from '../webview-page';
import { EventBatcher } from './event-batcher';
import { recordedBest, tuneViewEvents } from './tune-events';

export const TUNE_VIEW_TYPE = 'modelspec.tunePanel';

export interface ShownTune {
  tuneDir: string;
  model: string;
  /** The .model file the search came from: Apply best writes into it. */
  sourceFile: vscode.Uri;
  session?: TuneSession;
}

/** Only what the view draws: the tune's events and the trials' first-execution epochs. */
function forView(e: TuneEvent | TrialRunEvent): boolean {
  return !('execution' in e) || (e.type === 'epoch' && e.execution === 1);
}

export class TunePanel {
  private static current: TunePanel | undefined;
  private readonly batcher: EventBatcher<TuneEvent | TrialRunEvent>;
  /** The live session's trial epochs seen so far (the session keeps only its own events). */
  private readonly trialEpochs: TrialRunEvent[] = [];
  private unsubscribe: (() => void) | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ended = false;

  static show(extensionUri: vscode.Uri, tune: ShownTune): TunePanel {
    TunePanel.current?.panel.dispose();
    const panel = createWebviewBeside(TUNE_VIEW_TYPE, `Tune: ${tune.model}`, extensionUri, true);
    return (TunePanel.current = new TunePanel(panel, extensionUri, tune));
  }

  static get open(): TunePanel | undefined {
    return TunePanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    readonly tune: ShownTune,
  ) {
    this.batcher = new EventBatcher((events) => this.post({ type: 'tuneEvents', tuneId: tune.tuneDir, events }));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
      vscode.window.onDidChangeActiveColorTheme(() => this.post({ type: 'theme' })),
    );
    const session = tune.session;
    if (session) {
      this.unsubscribe = session.subscribe((e) => {
        if (!forView(e)) return;
        if ('execution' in e) this.trialEpochs.push(e);
        this.batcher.push(e);
      });
      void session.done.then(() => {
        this.ended = true;
        this.batcher.flush();
        this.post({ type: 'tuneEnded', tuneId: tune.tuneDir });
      });
    } else this.ended = true;
    panel.webview.html = this.html();
  }

  private sendAll(): void {
    this.batcher.clear();
    const session = this.tune.session;
    const events = session ? [...session.events, ...this.trialEpochs] : tuneViewEvents(this.tune.tuneDir);
    this.post({ type: 'tuneReset', tuneId: this.tune.tuneDir, model: this.tune.model, running: !this.ended });
    this.post({ type: 'tuneEvents', tuneId: this.tune.tuneDir, events });
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isPanelToHostMessage(raw)) return;
    switch (raw.type) {
      case 'ready':
        this.sendAll();
        return;
      case 'stopTune':
        if (raw.tuneId === this.tune.tuneDir) this.tune.session?.stop();
        return;
      case 'applyBest': {
        if (raw.tuneId !== this.tune.tuneDir) return;
        const best = recordedBest(this.tune.tuneDir);
        if (!best || best.number !== raw.trial) return; // only the best the folder records
        await applyTrial(this.tune.sourceFile, best);
        return;
      }
      default:
        return;
    }
  }

  private post(message: HostToPanelMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    return panelHtml(webviewPage(this.panel.webview, this.extensionUri, 'panel', this.tune.model));
  }

  private dispose(): void {
    this.unsubscribe?.();
    this.batcher.clear();
    for (const d of this.disposables) d.dispose();
    if (TunePanel.current === this) TunePanel.current = undefined;
  }
}
