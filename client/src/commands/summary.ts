// "ModelSpec: Show Model Summary": Keras's model.summary() table, asked of the language server
// (request `modelspec/summary`) and shown in a read-only virtual document in the active editor
// group, at full width: beside the file, half-width, the Output Shape and Param # columns were cut
// off. Its language, `modelspec-summary`, has word wrap off (package.json's configurationDefaults),
// so the table stays aligned like Keras's and scrolls sideways when it is wider than the editor.
// When the editor area is split (the training panel beside the file), every group is half-width
// or less: the table goes to the Model Summary view in the bottom panel (summary-view.ts), which
// spans the editor area, so no column is cut off.

import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { modelDocument } from '../model-document';
import type { SummaryView } from './summary-view';

export const SUMMARY_SCHEME = 'modelspec-summary';
export const SUMMARY_LANGUAGE = 'modelspec-summary';

/** Serves `modelspec-summary:` documents: the path names the table, the query is the source URI. */
export class SummaryDocuments implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const table = await this.table(uri.query);
    return table ?? 'This file has no model block, so there is no summary.';
  }

  /** The table for a .model document, or undefined when it has no model. */
  async table(sourceUri: string): Promise<string | undefined> {
    const client = this.client();
    if (!client) throw new Error('the ModelSpec language server is not running');
    const table = await client.sendRequest<string | null>('modelspec/summary', { uri: sourceUri });
    return table ?? undefined;
  }

  /** Asks VS Code to re-read an open summary (its source changed). */
  refresh(uri: vscode.Uri): void {
    this.changed.fire(uri);
  }
}

export async function showSummary(
  docs: SummaryDocuments,
  view: SummaryView,
  uri?: unknown,
): Promise<string | undefined> {
  const doc = await modelDocument(uri);
  if (!doc) return undefined;
  const table = await docs.table(doc.uri.toString());
  if (table === undefined) {
    void vscode.window.showInformationMessage(`ModelSpec: ${basename(doc.uri.path)} has no model block to summarize.`);
    return undefined;
  }
  if (vscode.window.tabGroups.all.length > 1) {
    await view.show(doc.uri.toString(), basename(doc.uri.path), table);
    return table;
  }
  const summaryUri = vscode.Uri.from({
    scheme: SUMMARY_SCHEME,
    path: `/${basename(doc.uri.path, '.model')} summary.txt`,
    query: doc.uri.toString(),
  });
  docs.refresh(summaryUri);
  const opened = await vscode.workspace.openTextDocument(summaryUri);
  const shown =
    opened.languageId === SUMMARY_LANGUAGE
      ? opened
      : await vscode.languages.setTextDocumentLanguage(opened, SUMMARY_LANGUAGE);
  await vscode.window.showTextDocument(shown, { viewColumn: vscode.ViewColumn.Active, preview: true });
  return table;
}
