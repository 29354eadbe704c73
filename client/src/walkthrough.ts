// The "Get started with ModelSpec" walkthrough's commands and completion events
// (package.json, contributes.walkthroughs): open the digits example, see its shapes, break a
// layer and fix it, train, read the curves.

import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
// examples/digits.model, bundled as text (build.mjs's `.model` loader): the installed extension
// has no examples/ folder, and the example stays one file.
import DIGITS_EXAMPLE from '../../examples/digits.model';
import { IoError, writeFileAtomic } from '../../training/files';

export const EXAMPLE_NAME = 'digits.model';
/** Set once a .model document that had an error has none: "break and fix a layer" is done. */
export const FIXED_CONTEXT = 'modelspec.walkthrough.fixedALayer';

/**
 * "ModelSpec: Open the Digits Example": the workspace's digits.model if it has one; else the
 * example saved where the user says (a file, so that Train can write its runs next to it).
 */
export async function openDigitsExample(): Promise<vscode.TextEditor | undefined> {
  const [found] = await vscode.workspace.findFiles(`**/${EXAMPLE_NAME}`, '**/node_modules/**', 1);
  let target: vscode.Uri | undefined = found;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? homedir();
    target = await vscode.window.showSaveDialog({
      title: 'ModelSpec: save the digits example',
      defaultUri: vscode.Uri.file(join(folder, EXAMPLE_NAME)),
      filters: { ModelSpec: ['model'] },
    });
    if (!target) return undefined;
    try {
      writeFileAtomic(target.fsPath, DIGITS_EXAMPLE, 'export');
    } catch (e) {
      const code = e instanceof IoError && e.code ? ` (${e.code})` : '';
      void vscode.window.showErrorMessage(
        `ModelSpec: could not save the example as ${target.fsPath}${code}: choose a folder you can write to.`,
      );
      return undefined;
    }
  }
  const doc = await vscode.workspace.openTextDocument(target);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/**
 * Watches the .model documents' diagnostics: when one that had an error has none, the
 * walkthrough's "break and fix a layer" step is complete (its completion event is this context).
 */
export function watchForAFixedLayer(): vscode.Disposable {
  const broken = new Set<string>();
  return vscode.languages.onDidChangeDiagnostics((e) => {
    for (const uri of e.uris) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc?.languageId !== 'modelspec') continue;
      const hasError = vscode.languages.getDiagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error);
      const key = uri.toString();
      if (hasError) broken.add(key);
      else if (broken.delete(key)) void vscode.commands.executeCommand('setContext', FIXED_CONTEXT, true);
    }
  });
}
