// "Apply best": the best trial's values written into the file in place of its search spaces
// (language/services/apply-hyperparameters.ts), as one workspace edit, so one undo takes it back.

import * as vscode from 'vscode';
import { applyHyperparametersEdits } from '../../../language/services/apply-hyperparameters';
import type { TrialRecord } from '../../../training/tune/types';
import { analyzeDocument } from '../model-document';
import { recordedBest } from '../panel/tune-events';
import { toRange } from './apply-learning-rate';

export interface ApplyBestResult {
  applied: boolean;
  reason?: string;
  trial?: number;
  text?: string;
}

/** `modelspec.applyBestTrial(fileUri, tuneDir)`: the best trial of that search, into that file. */
export async function applyBestTrial(uri: unknown, tuneDir: unknown): Promise<ApplyBestResult> {
  if (!(uri instanceof vscode.Uri) || typeof tuneDir !== 'string')
    return { applied: false, reason: 'give the .model file and the tune folder' };
  const best = recordedBest(tuneDir);
  if (!best) {
    void vscode.window.showInformationMessage('ModelSpec: the search has no complete trial yet.');
    return { applied: false, reason: 'no complete trial' };
  }
  return applyTrial(uri, best);
}

export async function applyTrial(uri: vscode.Uri, trial: TrialRecord): Promise<ApplyBestResult> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const edits = applyHyperparametersEdits(analyzeDocument(doc), trial.hyperparameters);
  if (!edits.length) {
    void vscode.window.showWarningMessage(
      `ModelSpec: ${vscode.workspace.asRelativePath(uri)} has no search space named like trial ${trial.number}'s values (${Object.keys(trial.hyperparameters).join(', ')}); was it edited since the search?`,
    );
    return { applied: false, reason: 'no search space matches', trial: trial.number };
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(uri, toRange(e.range), e.newText);
  if (!(await vscode.workspace.applyEdit(edit))) return { applied: false, reason: 'the editor refused the edit' };
  return { applied: true, trial: trial.number, text: doc.getText() };
}
