// "Export to Keras / PyTorch": the same runnable script `modelspec export` writes, saved beside
// the model as <model>_keras.py / <model>_pytorch.py (with the bundled digits as .npz when the
// data block reads them) and opened, so the tab carries the file's name.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { defaultScriptPath, exportScriptFiles, type ScriptFiles } from '../../../interop/export/script-files';
import { writeFileAtomic } from '../../../training/files';
import { analyzeDocument, modelDocument } from '../model-document';
import { requireTrust } from '../settings';

const TARGETS = [
  {
    label: 'Keras',
    description: 'Keras 3 script',
    detail: 'keras.Sequential with the same layers, compile, data and fit',
    target: 'keras' as const,
  },
  {
    label: 'PyTorch',
    description: 'plain torch.nn script',
    detail: 'The same layers and parameter counts in PyTorch, with a training loop',
    target: 'pytorch' as const,
  },
];

export async function exportModel(
  uri?: unknown,
  target?: 'keras' | 'pytorch',
): Promise<vscode.TextDocument | undefined> {
  if (!requireTrust('Export')) return undefined;
  const doc = await modelDocument(uri);
  if (!doc) return undefined;
  const analysis = analyzeDocument(doc);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) {
    void vscode.commands.executeCommand('workbench.actions.view.problems');
    void vscode.window.showErrorMessage(
      `ModelSpec: cannot export ${vscode.workspace.asRelativePath(doc.uri)}: the file has ${errors} error${errors === 1 ? '' : 's'}.`,
    );
    return undefined;
  }
  const chosen = target ?? (await vscode.window.showQuickPick(TARGETS, { title: 'Export the model to' }))?.target;
  if (!chosen) return undefined;
  const path = defaultScriptPath(doc.uri.fsPath, chosen);
  // The user may have edited an earlier export: replace it only when they say so.
  if (existsSync(path)) {
    const replace = await vscode.window.showWarningMessage(
      `${vscode.workspace.asRelativePath(path)} exists. Replace it?`,
      { modal: true },
      'Replace',
    );
    if (replace !== 'Replace') return undefined;
  }
  let files: ScriptFiles;
  try {
    files = await exportScriptFiles(analysis, doc.uri.fsPath, chosen, path);
    // Data first: a script on disk always finds what it loads. Atomic writes; errors name the path.
    for (const d of files.data) writeFileAtomic(d.path, d.bytes, 'export');
    writeFileAtomic(path, files.script, 'export');
  } catch (e) {
    void vscode.window.showErrorMessage(
      `ModelSpec: cannot export to ${chosen === 'keras' ? 'Keras' : 'PyTorch'}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return undefined;
  }
  const out = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  await vscode.window.showTextDocument(out, { preview: false });
  return out;
}
