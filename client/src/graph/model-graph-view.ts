// "ModelSpec: Show Model Graph": a webview beside the .model file, like the Markdown preview, one
// per document. The language server computes the graph (request `modelspec/modelGraph`); this
// adapter asks for it after each change of the document (and when its diagnostics change, e.g.
// after a slow data read), forwards it to the webview, moves the cursor to a clicked layer,
// forwards the cursor's line for highlighting, and saves the SVG/PNG exports.

import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { graphHtml } from '../../../media/graph/src/html';
import {
  isGraphToHostMessage,
  restoredDocument,
  type GraphToHostMessage,
  type HostToGraphMessage,
  type Precision,
} from '../../../media/graph/src/messages';
import { MODEL_GRAPH_REQUEST, type ModelGraphParams, type ModelGraphResult } from '../../../server/model-graph-request';
import { writeFileAtomic } from '../../../training/files';
import { modelDocument } from '../model-document';
import { createWebviewBeside, webviewOptions, webviewPage } from '../webview-page';

export const GRAPH_VIEW_TYPE = 'modelspec.modelGraph';

export class ModelGraphViews implements vscode.Disposable {
  private readonly views = new Map<string, ModelGraphView>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
  ) {}

  /** Opens (or reveals) the graph of a .model document beside it. */
  async show(uri?: unknown): Promise<ModelGraphView | undefined> {
    const doc = await modelDocument(uri);
    if (!doc) return undefined;
    const key = doc.uri.toString();
    const open = this.views.get(key);
    if (open) {
      open.panel.reveal(undefined, true);
      return open;
    }
    // Beside the active editor (the file, when run from its title button), keeping the focus there.
    const panel = createWebviewBeside(GRAPH_VIEW_TYPE, `Graph: ${basename(doc.uri.path)}`, this.extensionUri);
    return this.attach(panel, doc);
  }

  /**
   * A graph view VS Code restores after a window reload (the WebviewPanelSerializer): its state
   * names the document; the view is attached to it again, or closed when the file is gone.
   */
  async revive(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const uri = restoredDocument(state);
    let doc: vscode.TextDocument | undefined;
    try {
      doc = uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(uri, true)) : undefined;
    } catch {
      doc = undefined; // deleted or moved since: nothing to show
    }
    if (!doc || this.views.has(doc.uri.toString())) {
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.extensionUri);
    this.attach(panel, doc);
  }

  private attach(panel: vscode.WebviewPanel, doc: vscode.TextDocument): ModelGraphView {
    const key = doc.uri.toString();
    const view = new ModelGraphView(panel, doc, this.extensionUri, this.client, () => this.views.delete(key));
    this.views.set(key, view);
    return view;
  }

  dispose(): void {
    for (const v of [...this.views.values()]) v.panel.dispose();
  }
}

export class ModelGraphView {
  private readonly disposables: vscode.Disposable[] = [];
  private precision: Precision = 'float32';
  /** Requests are answered in order; only the newest answer is forwarded. */
  private asked = 0;
  /** The last graph posted, as JSON: a change and its diagnostics both ask, and the same graph is not drawn twice. */
  private lastPosted: string | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly doc: vscode.TextDocument,
    extensionUri: vscode.Uri,
    private readonly client: () => LanguageClient | undefined,
    onDispose: () => void,
  ) {
    const webview = panel.webview;
    webview.html = graphHtml(webviewPage(webview, extensionUri, 'graph', `Graph: ${basename(doc.uri.path)}`));
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      // The client sends the change to the server before this request, so the answer is the
      // analysis of the new text, right after its diagnostics.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === doc) void this.refresh();
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => u.toString() === doc.uri.toString())) void this.refresh();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document === doc) this.post({ type: 'cursor', line: e.selections[0].active.line });
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === doc) panel.dispose();
      }),
      panel.onDidDispose(() => {
        for (const d of this.disposables) d.dispose();
        onDispose();
      }),
    );
  }

  /** Asks the server for the graph of the document's current text and shows it. */
  async refresh(): Promise<void> {
    const client = this.client();
    if (!client) return;
    const mine = ++this.asked;
    try {
      const params: ModelGraphParams = { uri: this.doc.uri.toString(), precision: this.precision };
      const result = await client.sendRequest<ModelGraphResult | null>(MODEL_GRAPH_REQUEST, params);
      if (!result || mine !== this.asked) return;
      const message: HostToGraphMessage = {
        type: 'graph',
        version: result.version,
        graph: result.graph,
        file: basename(this.doc.uri.path),
        uri: this.doc.uri.toString(),
      };
      const json = JSON.stringify(message);
      if (json === this.lastPosted) return;
      this.lastPosted = json;
      this.post(message);
    } catch (e) {
      // The server restarting or shutting down: the next change asks again.
      console.warn(`ModelSpec: the model graph request failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isGraphToHostMessage(raw)) return; // anything else is ignored, never acted on
    const m: GraphToHostMessage = raw;
    switch (m.type) {
      case 'ready': {
        this.lastPosted = undefined; // a (re)loaded webview has nothing drawn
        await this.refresh();
        const editor = this.editor();
        if (editor) this.post({ type: 'cursor', line: editor.selection.active.line });
        return;
      }
      case 'reveal':
        await this.reveal(m.line);
        return;
      case 'precision':
        this.precision = m.precision;
        await this.refresh();
        return;
      case 'export':
        if (m.format === 'svg') await this.save('svg', Buffer.from(m.svg, 'utf8'));
        else await this.save('png', Buffer.from(m.dataUrl.slice('data:image/png;base64,'.length), 'base64'));
        return;
    }
  }

  private editor(): vscode.TextEditor | undefined {
    return vscode.window.visibleTextEditors.find((e) => e.document === this.doc);
  }

  /** Moves the cursor to the start of a layer's line (its first non-blank character). */
  private async reveal(line: number): Promise<void> {
    if (line >= this.doc.lineCount) return;
    const visible = this.editor();
    const editor = await vscode.window.showTextDocument(this.doc, {
      viewColumn: visible?.viewColumn,
      preserveFocus: false,
    });
    const at = new vscode.Position(line, this.doc.lineAt(line).firstNonWhitespaceCharacterIndex);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** Asks where to save (beside the model by default) and writes the file atomically. */
  private async save(ext: 'svg' | 'png', bytes: Buffer): Promise<void> {
    const name = `${basename(this.doc.uri.path, '.model')}.graph.${ext}`;
    const defaultUri =
      this.doc.uri.scheme === 'file' ? vscode.Uri.file(join(dirname(this.doc.uri.fsPath), name)) : undefined;
    const target = await vscode.window.showSaveDialog({
      defaultUri,
      filters: ext === 'svg' ? { SVG: ['svg'] } : { PNG: ['png'] },
    });
    if (!target) return;
    try {
      if (target.scheme === 'file') writeFileAtomic(target.fsPath, bytes, 'export');
      else await vscode.workspace.fs.writeFile(target, bytes);
      void vscode.window.showInformationMessage(
        `ModelSpec: saved the model graph to ${target.scheme === 'file' ? target.fsPath : target.toString()}`,
      );
    } catch (e) {
      // writeFileAtomic's error names the path and the cause.
      void vscode.window.showErrorMessage(
        `ModelSpec: ${e instanceof Error ? e.message : `could not save ${target.toString()}: ${String(e)}`}`,
      );
    }
  }

  private post(message: HostToGraphMessage): void {
    void this.panel.webview.postMessage(message);
  }
}
