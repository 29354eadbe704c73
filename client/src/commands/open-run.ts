// "ModelSpec: Open Run…": pick an earlier run of this model from the runs folder and replay its
// events.jsonl into the training panel (the live session when it is the run now going), or, with
// the button on its row, Predict… with it. Runs are listed by what tells them apart (differing
// hyperparameters, status, best and test metrics).

import * as vscode from 'vscode';
import { TrainingPanel } from '../panel/training-panel';
import type { RunSession } from '../run-session';
import { runsOfDocument } from './runs-of-document';
import { runPickItem } from '../panel/run-pick-item';

export async function openRun(
  extensionUri: vscode.Uri,
  live: RunSession | undefined,
  uri?: unknown,
): Promise<string | undefined> {
  const found = await runsOfDocument(uri, 'Train it first.');
  if (!found) return undefined;
  const { model, runs } = found;
  const picked = await pickRunOrPredict(
    runs.map((r) => ({
      ...runPickItem(r, live?.runId === r.runDir && live.running),
      runDir: r.runDir,
      buttons: [PREDICT_BUTTON],
    })),
    model,
  );
  if (!picked) return undefined;
  if (picked.predict) {
    await vscode.commands.executeCommand('modelspec.predict', picked.runDir);
    return picked.runDir;
  }
  const session = live?.runId === picked.runDir ? live : undefined;
  TrainingPanel.show(extensionUri, { runDir: picked.runDir, model, session });
  return picked.runDir;
}

/** Each run's button: Predict… with that run (ModelSpec: Predict…) instead of opening it. */
const PREDICT_BUTTON: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('beaker'),
  tooltip: 'Predict with this run…',
};

type RunItem = vscode.QuickPickItem & { runDir: string };

/** The quick pick of runs: a row opens the run; its Predict… button predicts with it. */
function pickRunOrPredict(items: RunItem[], model: string): Promise<{ runDir: string; predict: boolean } | undefined> {
  const pick = vscode.window.createQuickPick<RunItem>();
  pick.title = `Runs of ${model}`;
  pick.placeholder = 'Open a run in the training panel (or Predict… with it: the button on its row)';
  pick.items = items;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: { runDir: string; predict: boolean } | undefined) => {
      if (done) return;
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0];
      finish(item ? { runDir: item.runDir, predict: false } : undefined);
    });
    pick.onDidTriggerItemButton((e) => finish({ runDir: e.item.runDir, predict: true }));
    pick.onDidHide(() => finish(undefined));
    pick.show();
  });
}
