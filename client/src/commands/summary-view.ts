// The "Model Summary" view in the bottom panel: where Show Model Summary puts Keras's table when
// the editor area is split (the training panel beside the file, say). A half-width group cuts
// off the Output Shape and Param # columns; the bottom panel spans the whole editor area. The
// table is the same text as the summary document, in the editor's font, so it stays aligned
// like Keras's.

import * as vscode from 'vscode';

export const SUMMARY_VIEW_ID = 'modelspec.summaryView';

export class SummaryView implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private shown: { source: string; title: string; table: string } | undefined;

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: false };
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
    this.render();
  }

  /** Shows the table of the .model document `source` in the view, opening the bottom panel on it. */
  async show(source: string, title: string, table: string): Promise<void> {
    this.shown = { source, title, table };
    this.render();
    await vscode.commands.executeCommand(`${SUMMARY_VIEW_ID}.focus`);
  }

  /** The .model document whose table the view shows, if any. */
  get source(): string | undefined {
    return this.shown?.source;
  }

  /** The source was edited: its new table (undefined: it has no model block any more). */
  update(table: string | undefined): void {
    if (!this.shown) return;
    this.shown = { ...this.shown, table: table ?? 'This file has no model block, so there is no summary.' };
    this.render();
  }

  private render(): void {
    if (!this.view) return;
    this.view.description = this.shown?.title;
    this.view.webview.html = summaryHtml(
      this.view.webview.cspSource,
      this.shown?.table ?? 'Run ModelSpec: Show Model Summary on a .model file.',
    );
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function summaryHtml(cspSource: string, table: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<style>
  body { margin: 0; padding: 6px 12px; }
  pre { margin: 0; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); line-height: 1.2; color: var(--vscode-foreground); }
</style>
</head>
<body><pre id="table">${escapeHtml(table)}</pre></body>
</html>`;
}
