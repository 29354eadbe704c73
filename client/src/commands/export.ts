// "Export to Keras / PyTorch": the same runnable script `modelspec export` writes, opened as a
// new Python document the user can save where they like.

import * as vscode from 'vscode';
import { exportKeras } from '../../../server/src/export/keras';
import { exportPytorch } from '../../../server/src/export/pytorch';
import { analyzeDocument, modelDocument } from '../model-document';
import { requireTrust } from '../settings';

const TARGETS = [
  { label: 'Keras', description: 'Keras 3 script', detail: 'keras.Sequential with the same layers, compile, data and fit', target: 'keras' as const },
  { label: 'PyTorch', description: 'plain torch.nn script', detail: 'The same layers and parameter counts in PyTorch, with a training loop', target: 'pytorch' as const },
];

export async function exportModel(uri?: unknown, target?: 'keras' | 'pytorch'): Promise<vscode.TextDocument | undefined> {
  if (!requireTrust('Export')) return undefined;
  const doc = await modelDocument(uri);
  if (!doc) return undefined;
  const analysis = analyzeDocument(doc);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) {
    void vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showErrorMessage(`ModelSpec: cannot export ${vscode.workspace.asRelativePath(doc.uri)}: the file has ${errors} error${errors === 1 ? '' : 's'}.`);
    return undefined;
  }
  const chosen = target ?? (await vscode.window.showQuickPick(TARGETS, { title: 'Export the model to' }))?.target;
  if (!chosen) return undefined;
  let script: string;
  try {
    script = chosen === 'keras' ? exportKeras(analysis, doc.uri.fsPath) : exportPytorch(analysis, doc.uri.fsPath);
  } catch (e) {
    void vscode.window.showErrorMessage(`ModelSpec: cannot export to ${chosen === 'keras' ? 'Keras' : 'PyTorch'}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const out = await vscode.workspace.openTextDocument({ language: 'python', content: script });
  await vscode.window.showTextDocument(out, { preview: false });
  return out;
}
