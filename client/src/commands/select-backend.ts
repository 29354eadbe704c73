// "ModelSpec: Select Training Backend": lists the engines found here (asked of the CLI in a
// child process, since probing Python can take seconds) and stores the pick in the user's settings
// (backendTarget: the workspace's only when they already set it). In an
// untrusted workspace it runs nothing: the engines are listed unprobed (backend-choices.ts).

import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import type { EngineReport } from '../../../training/engines/detect';
import { backendTarget, loadBackendChoices } from '../backend-choices';
import { backendSetting, pythonSetting } from '../settings';

function probeEngines(extensionUri: vscode.Uri, python: string | undefined): Promise<EngineReport[]> {
  const cli = vscode.Uri.joinPath(extensionUri, 'dist', 'cli.cjs').fsPath;
  // In desktop VS Code process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it plain Node.
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...(python ? { MODELSPEC_PYTHON: python } : {}) };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, 'engines', '--json'], { env, timeout: 90_000 }, (error, stdout) => {
      if (error) return reject(error);
      try {
        resolve(JSON.parse(stdout) as EngineReport[]);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

export async function selectBackend(extensionUri: vscode.Uri): Promise<string | undefined> {
  const { choices, notice } = await loadBackendChoices(vscode.workspace.isTrusted, () =>
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'ModelSpec: looking for training engines' },
      () => probeEngines(extensionUri, pythonSetting()),
    ),
  );
  if (notice) void vscode.window.showInformationMessage(`ModelSpec: ${notice}`);
  const current = backendSetting();
  const items = choices.map((c) => ({
    label: `${c.available ? '' : '$(circle-slash) '}${c.label}${c.value === current ? '  $(check)' : ''}`,
    description: c.description,
    detail: c.detail,
    choice: c,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'ModelSpec: Training Backend',
    placeHolder: `Now: ${current}${notice ? ' · Restricted Mode: engines not probed' : ''}`,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (!picked.choice.available) {
    void vscode.window.showWarningMessage(
      `ModelSpec: ${picked.choice.label} is not available here: ${picked.choice.detail}`,
    );
    return undefined;
  }
  const config = vscode.workspace.getConfiguration('modelspec');
  const target = backendTarget(config.inspect('backend'));
  await config.update(
    'backend',
    picked.choice.value,
    target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
  );
  const where = target === 'workspace' ? 'the workspace settings (they already set it)' : 'your user settings';
  void vscode.window.showInformationMessage(`ModelSpec: training backend set to ${picked.choice.value} in ${where}.`);
  return picked.choice.value;
}
