// Starts the ModelSpec language server (dist/server.cjs) as a separate Node process over IPC.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { MODEL_DOCUMENTS } from './document-selector';

export function createLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const serverModule = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.cjs').fsPath;
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: MODEL_DOCUMENTS,
    synchronize: { configurationSection: 'modelspec' },
    initializationOptions: {
      inlayHints: vscode.workspace.getConfiguration('modelspec').get<boolean>('inlayHints.enabled', true),
    },
  };
  return new LanguageClient('modelspec', 'ModelSpec Language Server', serverOptions, clientOptions);
}
