// "ModelSpec: Preview Data" (command palette, and the code lens on the data block): a webview
// beside the .model file, one per document, showing its training samples per class and, when the
// file augments, the same samples as training will see them (preview-content.ts computes both).
// It re-draws as the file changes (debounced), so a user typing rotation_range=90 sees a 6 turn
// into a 9 before training on it.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import { previewHtml } from '../../../media/preview/src/html';
import { isPreviewToHostMessage, type HostToPreviewMessage } from '../../../media/preview/src/messages';
import { analyzeDocument, modelDocument } from '../model-document';
import { createWebviewBeside, webviewPage } from '../webview-page';
import { previewMessage, type SamplesCache } from './preview-content';

export const PREVIEW_VIEW_TYPE = 'modelspec.dataPreview';
/** Typing pauses this long before the preview is drawn again. */
const REDRAW_DELAY_MS = 200;

export class DataPreviews implements vscode.Disposable {
  private readonly views = new Map<string, DataPreview>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** Opens (or reveals) the preview of a .model document beside it. */
  async show(uri?: unknown): Promise<DataPreview | undefined> {
    const doc = await modelDocument(uri);
    if (!doc) return undefined;
    const key = doc.uri.toString();
    const open = this.views.get(key);
    if (open) {
      open.panel.reveal(undefined, true);
      return open;
    }
    const panel = createWebviewBeside(PREVIEW_VIEW_TYPE, `Data: ${basename(doc.uri.path)}`, this.extensionUri);
    const view = new DataPreview(panel, doc, this.extensionUri, () => this.views.delete(key));
    this.views.set(key, view);
    return view;
  }

  dispose(): void {
    for (const v of [...this.views.values()]) v.panel.dispose();
  }
}

export class DataPreview {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly cache: SamplesCache = {};
  private redraws = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly doc: vscode.TextDocument,
    extensionUri: vscode.Uri,
    onDispose: () => void,
  ) {
    const webview = panel.webview;
    webview.html = previewHtml(webviewPage(webview, extensionUri, 'preview', `Data: ${basename(doc.uri.path)}`));
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => {
        if (!isPreviewToHostMessage(m)) return; // anything else is ignored, never acted on
        if (m.type === 'redraw') this.redraws++;
        this.draw();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document !== doc) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.draw(), REDRAW_DELAY_MS);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === doc) panel.dispose();
      }),
      panel.onDidDispose(() => {
        clearTimeout(this.timer);
        for (const d of this.disposables) d.dispose();
        onDispose();
      }),
    );
  }

  /** Reads (when the source changed) and augments the samples of the document's current text, and shows them. */
  draw(): void {
    let message: HostToPreviewMessage;
    try {
      message = previewMessage(analyzeDocument(this.doc), this.doc.uri.fsPath, {
        redraws: this.redraws,
        cache: this.cache,
      });
    } catch (e) {
      message = {
        type: 'problem',
        file: basename(this.doc.uri.path),
        message: `The preview failed: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
    void this.panel.webview.postMessage(message);
  }
}
