// Starts the ModelSpec language server (dist/server.cjs) as a separate Node process over IPC.

import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type CancellationToken,
  type LanguageClientOptions,
  type MessageSignature,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { MODEL_DOCUMENTS } from './document-selector';

/**
 * The language client, with a quiet shutdown. While the window closes, the editor still asks for
 * code actions (and hovers, hints, …): a request that passed the client's "is it running" check
 * just before deactivate() stopped it then fails with "Starting server failed", and VS Code logs
 * "provider FAILED" for each. Once stopForGood() has begun, such a request answers nothing instead.
 */
export class ModelSpecLanguageClient extends LanguageClient {
  private shuttingDown = false;

  /** Stops the server for good (deactivate): requests from here on get no answer, and no error. */
  async stopForGood(): Promise<void> {
    this.shuttingDown = true;
    // A client that is not running (never started, or failed) has nothing to stop.
    if (this.needsStop()) await this.stop();
  }

  override handleFailedRequest<T>(
    type: MessageSignature,
    token: CancellationToken | undefined,
    error: unknown,
    defaultValue: T,
    showNotification?: boolean,
  ): T {
    if (this.shuttingDown) return defaultValue;
    return super.handleFailedRequest(type, token, error, defaultValue, showNotification);
  }
}

export function createLanguageClient(context: vscode.ExtensionContext): ModelSpecLanguageClient {
  const serverModule = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.cjs').fsPath;
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6009'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: MODEL_DOCUMENTS,
    synchronize: { configurationSection: 'modelspec' },
    initializationOptions: {
      inlayHints: vscode.workspace.getConfiguration('modelspec').get<boolean>('inlayHints.enabled', true),
    },
  };
  return new ModelSpecLanguageClient('modelspec', 'ModelSpec Language Server', serverOptions, clientOptions);
}
