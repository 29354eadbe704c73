// "New .model from Keras code…": `modelspec import` in the editor. The Keras code comes from the
// .py file the command was run on (explorer), else the active Python editor's selection or whole
// text, else the clipboard; the .model opens as a new untitled document the user saves where
// they like. Reading never runs the Python code, so it works in Restricted Mode too.

import * as vscode from 'vscode';
import { ImportError, importKeras } from '../../../interop/import/keras-import';
import { PythonReadError } from '../../../interop/import/python';

export async function newModelFromKeras(uri?: unknown): Promise<vscode.TextDocument | undefined> {
  const source = await kerasSource(uri);
  if (!source) {
    void vscode.window.showInformationMessage(
      'ModelSpec: copy Keras code (keras.Sequential([...]) or model.add(...)) to the clipboard, or open a .py file, then run "New .model from Keras code…" again.',
    );
    return undefined;
  }
  let result;
  try {
    result = importKeras(source.text, source.name);
  } catch (e) {
    if (e instanceof ImportError || e instanceof PythonReadError) {
      void vscode.window.showErrorMessage(`ModelSpec: cannot translate ${source.from}: ${e.message}`);
      return undefined;
    }
    throw e;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'modelspec', content: result.text });
  await vscode.window.showTextDocument(doc, { preview: false });
  if (result.warnings.length > 0) {
    const first = result.warnings[0];
    const more = result.warnings.length > 1 ? ` (and ${result.warnings.length - 1} more)` : '';
    void vscode.window.showWarningMessage(
      `ModelSpec: translated ${source.from} with warnings: ${first.line > 0 ? `line ${first.line}: ` : ''}${first.message}${more}`,
    );
  }
  return doc;
}

async function kerasSource(uri: unknown): Promise<{ text: string; name: string; from: string } | undefined> {
  if (uri instanceof vscode.Uri) {
    const bytes = await vscode.workspace.fs.readFile(uri);
    return {
      text: new TextDecoder().decode(bytes),
      name: baseName(uri.path),
      from: vscode.workspace.asRelativePath(uri),
    };
  }
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === 'python') {
    const selected = editor.selection.isEmpty ? undefined : editor.document.getText(editor.selection);
    return {
      text: selected ?? editor.document.getText(),
      name: baseName(editor.document.uri.path),
      from: selected ? 'the selection' : vscode.workspace.asRelativePath(editor.document.uri),
    };
  }
  const clipboard = await vscode.env.clipboard.readText();
  return clipboard.trim() ? { text: clipboard, name: 'imported', from: 'the clipboard' } : undefined;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.py$/i, '') || 'imported';
}
