// The real server over stdio, driven by clients that declare different capabilities: a minimal
// one (Neovim's built-in client: no snippets, no inlay-hint refresh, not VS Code) gets plain
// text, no VS Code-only commands and no refresh requests; a VS Code-like one keeps them all.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompletionRequest,
  DidChangeConfigurationNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  ExecuteCommandRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRefreshRequest,
  InlayHintRequest,
  type ClientCapabilities,
  type CompletionItem,
  type CompletionList,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { ensureServerBuilt, startServer, type ServerSession } from './lsp-client';

const URI = 'file:///tmp/modelspec-lsp-caps-test/caps.model';
// Unformatted on purpose (2-space layers, a comment, a settings block) so formatting has work to do.
const TEXT = `model caps {
  Input(shape=(28, 28, 1))
  # features
  Conv2D(32, kernel_size=(3, 3), activation='relu')
  Flatten()
  
  Dense(10, activation='softmax', )
}

compile {
  loss: 'categorical_crossentropy'
  optimizer: 'adam'
  
}
`;
/** Where completion offers layers, arguments, setting keys and blocks (line, character). */
const POSITIONS = {
  layer: { line: 5, character: 2 },
  argument: { line: 6, character: 34 },
  settingKey: { line: 12, character: 2 },
  top: { line: 14, character: 0 },
};

interface Client {
  server: ServerSession;
  /** How many workspace/inlayHint/refresh requests the server has sent. */
  refreshes: () => number;
}

async function connect(capabilities: ClientCapabilities, clientName: string): Promise<Client> {
  ensureServerBuilt();
  const server = startServer();
  let refreshes = 0;
  server.connection.onRequest(InlayHintRefreshRequest.type, () => {
    refreshes++;
  });
  await server.connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities,
    clientInfo: { name: clientName, version: '1.0' },
    workspaceFolders: null,
  });
  await server.connection.sendNotification(InitializedNotification.type, {});
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: URI, languageId: 'modelspec', version: 1, text: TEXT },
  });
  await server.diagnostics(URI, 1);
  return { server, refreshes: () => refreshes };
}

async function completions(
  server: ServerSession,
  position: { line: number; character: number },
): Promise<CompletionItem[]> {
  const result = (await server.connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri: URI },
    position,
  })) as CompletionItem[] | CompletionList | null;
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  assert.ok(items.length > 0, `completion offers something at ${JSON.stringify(position)}`);
  return items;
}

/** The text an item inserts, wherever the server put it. */
const inserted = (i: CompletionItem) =>
  i.textEdit && 'newText' in i.textEdit ? i.textEdit.newText : (i.insertText ?? i.label);

/** Turns inlay hints off by pushing the setting, and proves the server took it (hints come back empty). */
async function disableInlayHints(server: ServerSession): Promise<void> {
  await server.connection.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { modelspec: { inlayHints: { enabled: false } } },
  });
  const hints = await server.connection.sendRequest(InlayHintRequest.type, {
    textDocument: { uri: URI },
    range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
  });
  assert.deepEqual(hints, []);
  // A refresh would have been written before that answer; a short wait covers any reordering.
  await sleep(200);
}

async function format(server: ServerSession, options: { tabSize: number; insertSpaces: boolean }): Promise<string> {
  const edits = (await server.connection.sendRequest(DocumentFormattingRequest.type, {
    textDocument: { uri: URI },
    options,
  })) as TextEdit[] | null;
  assert.equal(edits?.length, 1);
  return edits![0].newText;
}

function stop(client: Client | undefined): void {
  if (client && client.server.child.exitCode === null) client.server.child.kill();
}

describe('a minimal client (Neovim: no snippets, no inlay-hint refresh)', () => {
  let client: Client;
  before(async () => {
    client = await connect(
      {
        textDocument: {
          completion: { completionItem: { snippetSupport: false } },
          inlayHint: { dynamicRegistration: false },
        },
        workspace: { configuration: false, inlayHint: { refreshSupport: false } },
      },
      'Neovim',
    );
  });
  after(() => stop(client));

  test('opening a file publishes its diagnostics exactly once', async () => {
    await sleep(300);
    assert.equal(
      client.server.published(URI).length,
      1,
      JSON.stringify(client.server.published(URI).map((p) => p.version)),
    );
  });

  test('completion items are plain text, without snippet placeholders or commands', async () => {
    for (const [where, position] of Object.entries(POSITIONS)) {
      for (const item of await completions(client.server, position)) {
        const what = `${where}: ${item.label}`;
        assert.notEqual(item.insertTextFormat, 2, `${what} is a snippet`);
        assert.doesNotMatch(inserted(item), /\$\{|\$\d/, `${what} inserts ${inserted(item)}`);
        assert.equal(item.command, undefined, `${what} carries a command`);
      }
    }
    const layers = await completions(client.server, POSITIONS.layer);
    const byLabel = (label: string) => inserted(layers.find((i) => i.label === label)!);
    // Still useful: a call with arguments to write opens it; one without is complete.
    assert.equal(byLabel('Dense'), 'Dense(');
    assert.equal(byLabel('Conv2D'), 'Conv2D(');
    assert.equal(byLabel('Flatten'), 'Flatten()');
    const args = await completions(client.server, POSITIONS.argument);
    assert.equal(inserted(args.find((i) => i.label === 'use_bias=')!), 'use_bias=');
  });

  test('workspace/executeCommand answers with an error that names the command', async () => {
    await assert.rejects(
      client.server.connection.sendRequest(ExecuteCommandRequest.type, {
        command: 'editor.action.triggerSuggest',
        arguments: [],
      }),
      (e: Error) => {
        assert.match(e.message, /editor\.action\.triggerSuggest/);
        assert.doesNotMatch(e.message, /Unhandled method/);
        return true;
      },
    );
  });

  test('no workspace/inlayHint/refresh is sent to it when a setting changes', async () => {
    await disableInlayHints(client.server);
    assert.equal(client.refreshes(), 0);
  });

  test('formatting honours tabSize and insertSpaces', async () => {
    const two = await format(client.server, { tabSize: 2, insertSpaces: true });
    assert.match(two, /^model caps \{\n {2}Input\(shape=\(28, 28, 1\)\)\n {2}# features\n {2}Conv2D\(/);
    assert.match(two, /\ncompile \{\n {2}loss: 'categorical_crossentropy'\n {2}optimizer: 'adam'\n\}\n$/);
    const tabs = await format(client.server, { tabSize: 4, insertSpaces: false });
    assert.match(tabs, /^model caps \{\n\tInput\(shape=\(28, 28, 1\)\)\n\t# features\n\tConv2D\(/);
    assert.match(tabs, /\ncompile \{\n\tloss: 'categorical_crossentropy'\n\toptimizer: 'adam'\n\}\n$/);
    assert.doesNotMatch(tabs, /^ /m, 'no line starts with a space');
    assert.doesNotMatch(client.server.stderr(), /TypeError|RangeError/);
  });
});

for (const clientName of ['Visual Studio Code', 'code-server']) {
  describe(`a VS Code-like client (${clientName})`, () => {
    let client: Client;
    before(async () => {
      client = await connect(
        {
          textDocument: { completion: { completionItem: { snippetSupport: true } } },
          workspace: { configuration: false, inlayHint: { refreshSupport: true } },
        },
        clientName,
      );
    });
    after(() => stop(client));

    test('keeps snippets and the command that re-opens suggestions', async () => {
      const conv = (await completions(client.server, POSITIONS.layer)).find((i) => i.label === 'Conv2D');
      assert.equal(conv?.insertTextFormat, 2, 'a snippet');
      assert.equal(conv && inserted(conv), 'Conv2D(${1:filters}, kernel_size=${2:(3, 3)})');
      const useBias = (await completions(client.server, POSITIONS.argument)).find((i) => i.label === 'use_bias=');
      assert.equal(useBias?.command?.command, 'editor.action.triggerSuggest');
    });

    test('gets workspace/inlayHint/refresh when a setting changes', async () => {
      await disableInlayHints(client.server);
      assert.equal(client.refreshes(), 1);
    });
  });
}
