// The VS Code side: starts the ModelSpec language server for .model files (over IPC, as a
// separate Node process) and passes the extension's settings to it.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.cjs'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'modelspec' },
      { scheme: 'untitled', language: 'modelspec' },
    ],
    synchronize: { configurationSection: 'modelspec' },
    initializationOptions: {
      inlayHints: vscode.workspace.getConfiguration('modelspec').get<boolean>('inlayHints.enabled', true),
    },
  };
  client = new LanguageClient('modelspec', 'ModelSpec Language Server', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
