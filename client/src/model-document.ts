// Finds the .model document a command is about: the URI it was given (code lens, editor title,
// explorer) or the active editor; and checks it with the same analyzer the server uses.

import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { analyze, type Analysis } from '../../language/analysis/analyze';

export async function modelDocument(uri?: unknown): Promise<vscode.TextDocument | undefined> {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  const doc = vscode.window.activeTextEditor?.document;
  if (doc?.languageId === 'modelspec') return doc;
  void vscode.window.showInformationMessage('ModelSpec: open a .model file first.');
  return undefined;
}

export function analyzeDocument(doc: vscode.TextDocument): Analysis {
  return analyze(doc.getText(), { baseDir: doc.uri.scheme === 'file' ? dirname(doc.uri.fsPath) : undefined });
}
