// "ModelSpec: Use Learning Rate": writes a learning rate into the file's optimizer
// (language/services/learning-rate-edit.ts) as one workspace edit, so one undo takes it back.
// Called by the learning-rate finder's panel button, its notification, and the optimizer's quick fix.

import * as vscode from 'vscode';
import { learningRateEdits } from '../../../language/services/learning-rate-edit';
import { formatLearningRate } from '../../../training/lr-find';
import { analyzeDocument } from '../model-document';

export interface ApplyResult {
  applied: boolean;
  reason?: string;
  /** The optimizer line's new text, for the integration tests. */
  text?: string;
}

export async function applyLearningRate(uri: unknown, learningRate: unknown): Promise<ApplyResult> {
  if (!(uri instanceof vscode.Uri)) return { applied: false, reason: 'no .model file given' };
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate <= 0)
    return { applied: false, reason: `not a learning rate: ${String(learningRate)}` };
  const doc = await vscode.workspace.openTextDocument(uri);
  const value = formatLearningRate(learningRate);
  const r = learningRateEdits(analyzeDocument(doc), value);
  if ('error' in r) {
    void vscode.window.showErrorMessage(`ModelSpec: cannot write learning_rate=${value}: ${r.error}.`);
    return { applied: false, reason: r.error };
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of r.edits) edit.replace(uri, toRange(e.range), e.newText);
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) return { applied: false, reason: 'the editor refused the edit' };
  return { applied: true, text: doc.getText() };
}

export function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }) {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}
