// The extension's settings, read in one place.

import * as vscode from 'vscode';
import { runsRoot } from './runs-folder';

export function setting<T>(name: string, fallback: T, scope?: vscode.Uri): T {
  return vscode.workspace.getConfiguration('modelspec', scope).get<T>(name, fallback);
}

/**
 * `modelspec.backend`: 'auto' leaves the choice to the file's fit.backend (default auto). A
 * window setting (the engines are the machine's; a model picks its own with fit.backend), so it
 * is read without a resource: VS Code warns when a window setting is read for one.
 */
export function backendSetting(): string {
  return setting('backend', 'auto');
}

/** `modelspec.pythonPath`: an interpreter that imports torch; empty means search. */
export function pythonSetting(scope?: vscode.Uri): string | undefined {
  return setting<string>('pythonPath', '', scope).trim() || undefined;
}

/** The runs root for a .model file (see runs-folder.ts). */
export function runsRootFor(file: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath;
  return runsRoot(file.fsPath, setting<string>('runsFolder', '', file), folder);
}

/**
 * Training and export run programs (Python, the engine) and write files: not in a workspace the
 * user has not trusted. Returns false, after explaining, when the workspace is untrusted.
 */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      `ModelSpec: ${action} is disabled in Restricted Mode, because it runs programs (the training engine, Python) on this machine. Trust the workspace to enable it; checking and editing .model files work either way.`,
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
