// Code actions on the compile block's optimizer: a quick fix that writes the latest range test's
// suggestion (lr-find-results.ts) into it, and "Find Learning Rate…" to run one. Offered where the
// selection touches the `optimizer:` setting (or the compile block when it has none).

import * as vscode from 'vscode';
import type { SettingsBlock } from '../../language/syntax';
import { learningRateEdits } from '../../language/services/learning-rate-edit';
import { formatLearningRate } from '../../training/lr-find';
import { toRange } from './commands/apply-learning-rate';
import { latestLrFind } from './lr-find-results';
import { analyzeDocument } from './model-document';
import { runsRootFor } from './settings';

export class LearningRateActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.Empty];

  provideCodeActions(doc: vscode.TextDocument, range: vscode.Range): vscode.CodeAction[] {
    if (doc.uri.scheme !== 'file') return [];
    const analysis = analyzeDocument(doc);
    const compile = analysis.parse.file.blocks.find((b): b is SettingsBlock => b.kind === 'compile');
    if (!compile) return [];
    const optimizer = compile.settings.find((s) => s.key.name === 'optimizer');
    const target = optimizer?.range ?? compile.range;
    if (range.end.line < target.start.line || range.start.line > target.end.line) return [];
    const actions: vscode.CodeAction[] = [];
    const model = analysis.model?.name;
    const latest = model ? latestLrFind(runsRootFor(doc.uri), model) : undefined;
    if (latest && vscode.workspace.isTrusted) {
      const value = formatLearningRate(latest.suggestion.suggested);
      const r = learningRateEdits(analysis, value);
      if (!('error' in r)) {
        const action = new vscode.CodeAction(
          `Use the learning-rate finder's suggestion: ${r.optimizer}(learning_rate=${value})`,
          vscode.CodeActionKind.QuickFix,
        );
        action.edit = new vscode.WorkspaceEdit();
        for (const e of r.edits) action.edit.replace(doc.uri, toRange(e.range), e.newText);
        actions.push(action);
      }
    }
    if (vscode.workspace.isTrusted) {
      const find = new vscode.CodeAction('Find Learning Rate… (range test)', vscode.CodeActionKind.Empty);
      find.command = { command: 'modelspec.findLearningRate', title: 'Find Learning Rate', arguments: [doc.uri] };
      actions.push(find);
    }
    return actions;
  }
}
