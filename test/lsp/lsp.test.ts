// The real server over stdio, as an editor talks to it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeActionRequest,
  CompletionRequest,
  CompletionResolveRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRequest,
  SemanticTokensRequest,
  ShutdownRequest,
  SignatureHelpRequest,
  type CompletionItem,
  type CompletionList,
  type DocumentSymbol,
  type MarkupContent,
  type ServerCapabilities,
} from 'vscode-languageserver-protocol/node';
import { ensureServerBuilt, startServer, type ServerSession } from './lsp-client';

const URI = 'file:///tmp/modelspec-lsp-test/digits.model';
const BROKEN = `model digits_cnn {
    Input(shape=(28, 28, 1))
    Conv2D(32, kernel_size=(3, 3), activation='relu')
    Dnese(10)
}
`;
const GOOD = `model digits_cnn {
    Input(shape=(28, 28, 1))
    Conv2D(32, kernel_size=(3, 3), activation='relu')
    Flatten()
    Dense(10,activation='softmax')
}

compile {
    loss: 'categorical_crossentropy'
    optimizer: Adam(learning_rate=0.001)
}
`;

let server: ServerSession;
let capabilities: ServerCapabilities;

before(async () => {
  ensureServerBuilt();
  server = startServer();
  const result = await server.connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    // VS Code's client (snippets; it runs editor.action.triggerSuggest). A minimal client is in client-capabilities.test.ts.
    capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } } },
    clientInfo: { name: 'Visual Studio Code', version: '1.90.0' },
    workspaceFolders: null,
  });
  const caps = result.capabilities;
  capabilities = caps;
  assert.ok(caps.completionProvider?.resolveProvider);
  assert.ok(caps.hoverProvider && caps.inlayHintProvider && caps.semanticTokensProvider && caps.signatureHelpProvider);
  await server.connection.sendNotification(InitializedNotification.type, {});
});

after(() => {
  if (server && server.child.exitCode === null) server.child.kill();
});

test('open: diagnostics arrive with codes and ranges', async () => {
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: URI, languageId: 'modelspec', version: 1, text: BROKEN },
  });
  const published = await server.diagnostics(URI, 1);
  const unknown = published.diagnostics.find((d) => d.code === 'unknown-layer');
  assert.ok(unknown, JSON.stringify(published.diagnostics));
  assert.deepEqual(unknown.range, { start: { line: 3, character: 4 }, end: { line: 3, character: 9 } });
  assert.match(String(unknown.message), /Did you mean 'Dense'/);
  assert.equal(unknown.source, 'modelspec');
});

test('code actions: the did-you-mean fix as a workspace edit', async () => {
  const published = await server.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI },
    range: { start: { line: 3, character: 5 }, end: { line: 3, character: 5 } },
    context: { diagnostics: [] },
  });
  const actions = published ?? [];
  const change = actions.find((a) => 'title' in a && a.title === "Change 'Dnese' to 'Dense' (line 4)");
  assert.ok(change && 'edit' in change);
  assert.deepEqual(change.edit?.changes?.[URI], [
    { range: { start: { line: 3, character: 4 }, end: { line: 3, character: 9 } }, newText: 'Dense' },
  ]);
  assert.equal(change.isPreferred, true);
});

test('pasted Keras code: warnings, and "Convert pasted Keras code" as one workspace edit for the whole file', async () => {
  const uri = 'file:///tmp/modelspec-lsp-test/pasted.model';
  const text =
    'model m {\n    keras.Input(shape=(4,))\n    model.add(layers.Dense(8))\n    x = layers.Dense(2)(x)\n}\n';
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'modelspec', version: 1, text },
  });
  const published = await server.diagnostics(uri, 1);
  assert.deepEqual(
    published.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]),
    [
      ['pasted-keras-prefix', 2, 1],
      ['pasted-keras-prefix', 2, 2],
      ['functional-api', 1, 3],
    ],
  );
  const actions =
    (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 2, character: 6 }, end: { line: 2, character: 6 } },
      context: { diagnostics: published.diagnostics },
    })) ?? [];
  const convert = actions.find((a) => 'title' in a && a.title === 'Convert pasted Keras code');
  assert.ok(convert && 'edit' in convert, JSON.stringify(actions));
  const at = (line: number, from: number, to: number, newText = '') => ({
    range: { start: { line, character: from }, end: { line, character: to } },
    newText,
  });
  assert.deepEqual(convert.edit?.changes?.[uri], [at(1, 4, 10), at(2, 4, 21), at(2, 29, 30)]);
  assert.equal(convert.diagnostics?.[0]?.code, 'pasted-keras-prefix');
});

test('a layer the chosen backend cannot run: a warning under it, pointing at the backend setting', async () => {
  const uri = 'file:///tmp/modelspec-lsp-test/backend.model';
  const text =
    "model m {\n    Input(shape=(5, 3))\n    GRU(4, reset_after=False)\n    Dense(1)\n}\nfit {\n    backend: 'torch'\n}\n";
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'modelspec', version: 1, text },
  });
  const published = await server.diagnostics(uri, 1);
  const warning = published.diagnostics.find((d) => d.code === 'unsupported-layer');
  assert.ok(warning, JSON.stringify(published.diagnostics));
  assert.equal(warning.severity, 2);
  assert.deepEqual(warning.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 7 } });
  assert.match(
    String(warning.message),
    /^GRU with reset_after=False does not run on the PyTorch engine yet; use reset_after=True, or train it with the TensorFlow\.js engine/,
  );
  assert.equal(warning.relatedInformation?.[0]?.location.range.start.line, 6);
});

test('change: fresh diagnostics for the new version', async () => {
  await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: URI, version: 2 },
    contentChanges: [{ text: GOOD }],
  });
  const published = await server.diagnostics(URI, 2);
  assert.deepEqual(
    published.diagnostics.filter((d) => d.severity === 1),
    [],
  );
});

test('completion and resolve', async () => {
  const result = (await server.connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri: URI },
    position: { line: 3, character: 4 },
  })) as CompletionItem[] | CompletionList | null;
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  const conv = items.find((i) => i.label === 'Conv2D');
  assert.ok(conv);
  assert.equal(conv.insertTextFormat, 2, 'a snippet');
  const resolved = await server.connection.sendRequest(CompletionResolveRequest.type, conv);
  assert.match((resolved.documentation as MarkupContent).value, /2D convolution/);

  const values = (await server.connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri: URI },
    position: { line: 8, character: 10 },
  })) as CompletionItem[];
  assert.ok(values.some((i) => i.label === "'categorical_crossentropy'"));
});

test('completion: an argument given by position is not offered; typing ( leaves signature help alone', async () => {
  const uri = 'file:///tmp/modelspec-lsp-test/half-call.model';
  const text = `model m {\n    Input(shape=(28, 28, 1))\n    Conv2D(32, \n}\n`;
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'modelspec', version: 1, text },
  });
  const result = (await server.connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri },
    position: { line: 2, character: 15 },
    context: { triggerKind: 2, triggerCharacter: ' ' },
  })) as CompletionItem[] | CompletionList | null;
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  assert.ok(
    items.some((i) => i.label === 'kernel_size='),
    JSON.stringify(items.map((i) => i.label)),
  );
  assert.ok(!items.some((i) => i.label === 'filters='), '32 fills filters');
  assert.ok(!items.some((i) => i.preselect));
  // `(` opens signature help, not a completion list over it.
  assert.ok(!capabilities.completionProvider?.triggerCharacters?.includes('('));
  assert.ok(capabilities.signatureHelpProvider?.triggerCharacters?.includes('('));
});

test('hover, inlay hints, signature help', async () => {
  const h = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: URI },
    position: { line: 2, character: 6 },
  });
  assert.match((h?.contents as MarkupContent).value, /Output: `\(None, 26, 26, 32\)`/);

  const hints = await server.connection.sendRequest(InlayHintRequest.type, {
    textDocument: { uri: URI },
    range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
  });
  assert.deepEqual(
    hints?.map((x) => x.label),
    [
      '(None, 28, 28, 1)',
      '(None, 26, 26, 32) · 320',
      '(None, 21632)',
      '(None, 10) · 216,330',
      // The whole model's parameter count, after its closing brace.
      '216,650 params (846.29 KB)',
    ],
  );
  const total = hints![hints!.length - 1];
  assert.equal(GOOD.split('\n')[total.position.line].slice(0, total.position.character).trimStart(), '}');
  assert.match(String(total.tooltip), /216,650 parameters in all; 216,650 trainable, 0 non-trainable/);

  const sig = await server.connection.sendRequest(SignatureHelpRequest.type, {
    textDocument: { uri: URI },
    position: { line: 2, character: 15 },
  });
  assert.ok(sig);
  const signature = sig.signatures[0];
  const active = signature.parameters?.[sig.activeParameter ?? -1]?.label as [number, number];
  assert.equal(signature.label.slice(active[0], active[1]), 'kernel_size');
});

test('inlay hints: a half-typed line keeps the hints of the layers above it', async () => {
  const uri = 'file:///tmp/modelspec-lsp-test/half-typed.model';
  const text = `model m {\n    Input(shape=(28, 28, 1))\n    Conv2D(32, kernel_size=(3, 3))\n    Conv2D(32, kernel_size=(3,\n    Flatten()\n    Dense(10)\n}\n`;
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'modelspec', version: 1, text },
  });
  const hints = await server.connection.sendRequest(InlayHintRequest.type, {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
  });
  assert.deepEqual(
    hints?.map((x) => `${x.position.line}: ${String(x.label)}`),
    ['1: (None, 28, 28, 1)', '2: (None, 26, 26, 32) · 320'],
  );
});

test('formatting, document symbols, semantic tokens, and the summary request', async () => {
  const edits = await server.connection.sendRequest(DocumentFormattingRequest.type, {
    textDocument: { uri: URI },
    options: { tabSize: 4, insertSpaces: true },
  });
  assert.equal(edits?.length, 1);
  assert.match(edits?.[0].newText ?? '', /Dense\(10, activation='softmax'\)/);

  const symbols = (await server.connection.sendRequest(DocumentSymbolRequest.type, {
    textDocument: { uri: URI },
  })) as DocumentSymbol[];
  assert.deepEqual(
    symbols.map((s) => s.name),
    ['digits_cnn', 'compile'],
  );
  assert.deepEqual(
    symbols[0].children?.map((c) => c.name),
    ['conv2d', 'flatten', 'dense'],
  );

  const tokens = await server.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: URI } });
  assert.ok(tokens && tokens.data.length > 0 && tokens.data.length % 5 === 0);
  assert.deepEqual(tokens.data.slice(0, 5), [0, 0, 5, 0, 0], "'model' is the first token, a keyword");

  const summary = await server.connection.sendRequest<string | null>('modelspec/summary', { uri: URI });
  assert.match(summary ?? '', /^Model: "digits_cnn"\n┏/);
  assert.match(summary ?? '', / Total params: 216,650 \(846\.29 KB\)/);
});

test('bogus positions and unknown documents get answers, and the server keeps going', async () => {
  const far = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: URI },
    position: { line: 9999, character: 9999 },
  });
  assert.equal(far, null);
  const unknown = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: 'file:///nope.model' },
    position: { line: 0, character: 0 },
  });
  assert.equal(unknown, null);
  const completion = await server.connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri: URI },
    position: { line: -3, character: 2 },
  });
  assert.ok(Array.isArray(completion));
  const summary = await server.connection.sendRequest('modelspec/summary', { uri: 'file:///nope.model' });
  assert.equal(summary, null);
  // Still alive and answering.
  const h = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: URI },
    position: { line: 2, character: 6 },
  });
  assert.ok(h);
  assert.doesNotMatch(server.stderr(), /TypeError|RangeError/);
});

test('shutdown and exit end the process cleanly', async () => {
  await server.connection.sendRequest(ShutdownRequest.type);
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
  await server.connection.sendNotification(ExitNotification.type);
  assert.equal(await exited, 0);
});
