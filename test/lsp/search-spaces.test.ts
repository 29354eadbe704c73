// Search spaces through the real server over stdio (LANGUAGE.md, "Search spaces and the tune
// block"): an error at one point of the space names that point, inlay hints show ranges, hover
// shows the space, and the Float-to-Int fix arrives as a code action.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeActionRequest,
  HoverRequest,
  InlayHintRequest,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { ensureServerBuilt, startServer, type ServerSession, initialize, openDocument } from './lsp-client';

const URI = 'file:///tmp/modelspec-lsp-test/search.model';
const TEXT = `model digits {
    Input(shape=(28, 28, 1))
    Flatten()
    Dense(Choice(32, 64, 128), activation='relu')
    Dense(Choice(10, 16), activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: Adam(learning_rate=Float(1e-4, 1e-1, sampling='log'))
    metrics: ['accuracy']
}
data {
    train: digits
    validation_split: 0.2
}
fit {
    batch_size: Float(32, 64)
}
tune {
    objective: 'val_accuracy'
    max_trials: 8
}
`;

let server: ServerSession;

before(async () => {
  ensureServerBuilt();
  server = startServer();
  await initialize(server);
  await openDocument(server, URI, TEXT);
});

after(() => {
  if (server && server.child.exitCode === null) server.child.kill();
});

test('diagnostics name the point of the space that breaks', async () => {
  const published = await server.diagnostics(URI, 1);
  const byCode = Object.fromEntries(published.diagnostics.map((d) => [String(d.code), d]));
  assert.deepEqual(
    Object.keys(byCode).sort(),
    ['class-count-mismatch', 'search-space-argument'],
    JSON.stringify(published.diagnostics),
  );
  const classes = byCode['class-count-mismatch'];
  assert.match(String(classes.message), /^units=Choice\(10, 16\): with 16, use Dense\(10, …\)/);
  assert.deepEqual(classes.range, { start: { line: 4, character: 10 }, end: { line: 4, character: 24 } });
  assert.ok(classes.relatedInformation?.some((r) => r.message === "the search space 'dense_1.units' (here 16)"));
  assert.match(String(byCode['search-space-argument'].message), /^Use Int\(…\): batch_size takes whole numbers/);
});

test('the Float-to-Int fix is a code action', async () => {
  const actions = await server.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: URI },
    range: { start: { line: 16, character: 17 }, end: { line: 16, character: 17 } },
    context: { diagnostics: [] },
  });
  const fix = (actions ?? []).find((a) => 'title' in a && a.title.startsWith('Change Float to Int'));
  assert.ok(fix && 'edit' in fix, JSON.stringify(actions));
  assert.deepEqual(fix.edit?.changes?.[URI], [
    { range: { start: { line: 16, character: 16 }, end: { line: 16, character: 21 } }, newText: 'Int' },
  ]);
});

test('inlay hints show ranges over the space; hover shows the space', async () => {
  const hints = await server.connection.sendRequest(InlayHintRequest.type, {
    textDocument: { uri: URI },
    range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } },
  });
  assert.deepEqual(
    hints?.map((h) => String(h.label)),
    [
      '(None, 28, 28, 1)',
      '(None, 784)',
      '(None, 32..128) · 25,120..100,480',
      '(None, 10..16) · 330..2,064',
      '25,450..102,544 params (99.41 KB..400.56 KB)',
    ],
  );
  const h = await server.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: URI },
    position: { line: 8, character: 35 },
  });
  const text = (h?.contents as MarkupContent).value;
  assert.match(
    text,
    /\*\*optimizer\.learning_rate\*\*: search space, a number from 0\.0001 to 0\.1, sampled in log scale/,
  );
  assert.match(text, /Default: `0\.0001`/);
});
