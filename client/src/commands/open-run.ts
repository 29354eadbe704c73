// "ModelSpec: Open Run…": pick an earlier run of this model from the runs folder and replay its
// events.jsonl into the training panel (the live session when it is the run now going). Runs are
// listed by what tells them apart (differing hyperparameters, status, best and test metrics).

import * as vscode from 'vscode';
import { findModelLine } from '../model-line';
import { modelDocument } from '../model-document';
import { TrainingPanel } from '../panel/training-panel';
import type { RunSession } from '../run-session';
import { runPickItem } from '../panel/run-pick-item';
import { runsOfModel } from '../panel/runs-of-model';
import { runsRootFor } from '../settings';

export async function openRun(
  extensionUri: vscode.Uri,
  live: RunSession | undefined,
  uri?: unknown,
): Promise<string | undefined> {
  const doc = await modelDocument(uri);
  if (!doc) return undefined;
  const model = findModelLine(doc.getText())?.name;
  if (!model) {
    void vscode.window.showInformationMessage('ModelSpec: this file has no model block.');
    return undefined;
  }
  const { runs } = runsOfModel(runsRootFor(doc.uri), model);
  if (!runs.length) {
    void vscode.window.showInformationMessage(
      `ModelSpec: ${model} has no runs yet in ${runsRootFor(doc.uri)}. Train it first.`,
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ ...runPickItem(r, live?.runId === r.runDir && live.running), runDir: r.runDir })),
    { title: `Runs of ${model}`, placeHolder: 'Open a run in the training panel' },
  );
  if (!picked) return undefined;
  const session = live?.runId === picked.runDir ? live : undefined;
  TrainingPanel.show(extensionUri, { runDir: picked.runDir, model, session });
  return picked.runDir;
}
