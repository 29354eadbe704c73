// The status bar item while a run goes: "$(pulse) digits_mlp · epoch 2/8 · ETA 0:41 · loss 0.2345".
// Clicking it shows the training panel. Redrawn at most a few times a second.

import * as vscode from 'vscode';
import { runProgress, statusText } from './run-status';
import type { RunSession } from './run-session';

export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('modelspec.run', vscode.StatusBarAlignment.Left, 10);
  private unsubscribe: (() => void) | undefined;
  private lastDraw = 0;
  private hideTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.item.name = 'ModelSpec Training';
    this.item.command = 'modelspec.showTrainingPanel';
  }

  follow(session: RunSession): void {
    this.unsubscribe?.();
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.draw(session);
    this.item.show();
    this.unsubscribe = session.subscribe((e) => {
      const final = e.type === 'finished' || e.type === 'stopped' || e.type === 'failed';
      const now = Date.now();
      if (!final && now - this.lastDraw < 250) return;
      this.lastDraw = now;
      this.draw(session);
      // The outcome stays visible for a while, then the item goes.
      if (final) this.hideTimer = setTimeout(() => this.item.hide(), 15_000);
    });
  }

  private draw(session: RunSession): void {
    const progress = runProgress(session.model, session.events);
    const icon = progress.ended === 'failed' ? '$(error)' : progress.ended ? '$(check)' : '$(sync~spin)';
    this.item.text = `${icon} ${statusText(progress)}`;
    this.item.tooltip = `ModelSpec run in ${session.runId}\nClick to show the training panel`;
  }

  dispose(): void {
    this.unsubscribe?.();
    if (this.hideTimer) clearTimeout(this.hideTimer);
    this.item.dispose();
  }
}
