// "ModelSpec: Predict…": run a trained model on files the user picks (showOpenDialog) and show
// each input with its top classes in the training panel. The run is the one given (the panel's
// Predict… button passes the run it shows), else the one the panel shows, else one picked from
// the runs of the .model file in the editor (as Open Run… lists them). Predicting itself is
// predict/predict.ts, the sequence `modelspec predict` runs.

import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { modelOfRunDir, TrainingPanel } from '../panel/training-panel';
import { runPickItem } from '../panel/run-pick-item';
import type { RunSession } from '../run-session';
import { runsOfDocument } from './runs-of-document';

const INPUT_FILTERS = { 'Images, CSV rows, NumPy arrays': ['png', 'jpg', 'jpeg', 'csv', 'npy'] };

export async function predictCommand(
  extensionUri: vscode.Uri,
  live: RunSession | undefined,
  arg?: unknown,
): Promise<string | undefined> {
  const runDir = typeof arg === 'string' ? arg : ((await pickRun(live, arg)) ?? undefined);
  if (!runDir) return undefined;
  const files = await vscode.window.showOpenDialog({
    title: `Predict with ${modelOfRunDir(runDir)} (${runDir})`,
    canSelectMany: true,
    canSelectFiles: true,
    canSelectFolders: false,
    openLabel: 'Predict',
    filters: INPUT_FILTERS,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(dirname(runDir)),
  });
  if (!files?.length) return undefined;
  const panel =
    TrainingPanel.open?.shown.runDir === runDir
      ? TrainingPanel.open
      : TrainingPanel.show(extensionUri, {
          runDir,
          model: modelOfRunDir(runDir),
          session: live?.runId === runDir ? live : undefined,
        });
  panel.panel.reveal(undefined, true);
  await panel.predict({ paths: files.filter((f) => f.scheme === 'file').map((f) => f.fsPath) });
  return runDir;
}

/** The panel's run when no .model file is at hand; else a run of the editor's model, picked. */
async function pickRun(live: RunSession | undefined, uri: unknown): Promise<string | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (!(uri instanceof vscode.Uri) && active?.languageId !== 'modelspec' && TrainingPanel.open)
    return TrainingPanel.open.shown.runDir;
  const found = await runsOfDocument(uri, 'Train it first, then predict with a run.');
  if (!found) return undefined;
  const { model, runs } = found;
  if (runs.length === 1) return runs[0]!.runDir;
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ ...runPickItem(r, live?.runId === r.runDir && live.running), runDir: r.runDir })),
    { title: `Predict with a run of ${model}`, placeHolder: 'The run whose model predicts' },
  );
  return picked?.runDir;
}
