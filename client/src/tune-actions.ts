// The Apply best code action: in a file with search spaces whose model has a finished search
// (the newest runs/<model>/tune-*/ with a complete trial), write that trial's values in place of
// the spaces, as one edit. Offered anywhere in the file; "Tune Model" runs a search.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { applyHyperparametersEdits } from '../../language/services/apply-hyperparameters';
import { toRange } from './commands/apply-learning-rate';
import { analyzeDocument } from './model-document';
import { recordedBest } from './panel/tune-events';
import { runsRoot } from './runs-folder';
import { setting } from './settings';

/** The newest tune folder of `model` under `root` with a complete trial, and that trial. */
export function latestBest(root: string, model: string) {
  let names: string[];
  try {
    names = readdirSync(join(root, model)).filter((n) => n.startsWith('tune-'));
  } catch {
    return undefined;
  }
  names.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  for (const name of names) {
    const best = recordedBest(join(root, model, name));
    if (best) return { tuneDir: join(root, model, name), best };
  }
  return undefined;
}

export class TuneActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.RefactorRewrite];

  provideCodeActions(doc: vscode.TextDocument): vscode.CodeAction[] {
    if (doc.uri.scheme !== 'file' || !vscode.workspace.isTrusted) return [];
    const analysis = analyzeDocument(doc);
    const model = analysis.model?.name;
    if (!model || !analysis.searchSpacePlaces.length) return [];
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath;
    const found = latestBest(runsRoot(doc.uri.fsPath, setting<string>('runsFolder', '', doc.uri), folder), model);
    if (!found) return [];
    const edits = applyHyperparametersEdits(analysis, found.best.hyperparameters);
    if (!edits.length) return [];
    const values = Object.entries(found.best.hyperparameters)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    const action = new vscode.CodeAction(
      `Apply best trial ${found.best.number} (${values})`,
      vscode.CodeActionKind.RefactorRewrite,
    );
    action.edit = new vscode.WorkspaceEdit();
    for (const e of edits) action.edit.replace(doc.uri, toRange(e.range), e.newText);
    return [action];
  }
}
