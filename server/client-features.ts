// What the connected editor supports, decided once from its InitializeParams, so that the server
// sends each client only what it declared it can take (LSP 3.17: capabilities and clientInfo).

import type { InitializeParams } from 'vscode-languageserver';
import type { CompletionOptions } from '../language/services/types';

export interface ClientFeatures {
  completion: CompletionOptions;
  /** The client accepts workspace/inlayHint/refresh. */
  inlayHintRefresh: boolean;
  /** The client answers workspace/configuration. */
  configuration: boolean;
}

/**
 * Editors built on VS Code, by the name vscode-languageclient sends (vscode.env.appName): they run
 * `editor.action.triggerSuggest`, a VS Code command no capability declares. code-server sends
 * 'code-server' (its product.json nameLong); VSCodium, Code - OSS and Insiders their own names.
 */
const VS_CODE_LIKE = /^(Visual Studio Code|VSCodium|Code - OSS|code-server)\b/;

export function clientFeatures(params: InitializeParams): ClientFeatures {
  const caps = params.capabilities;
  return {
    completion: {
      snippets: caps.textDocument?.completion?.completionItem?.snippetSupport === true,
      retrigger: VS_CODE_LIKE.test(params.clientInfo?.name ?? ''),
    },
    inlayHintRefresh: caps.workspace?.inlayHint?.refreshSupport === true,
    configuration: caps.workspace?.configuration === true,
  };
}
