// The real server over stdio with a document whose data and Pretrained paths are a FIFO and
// /dev/zero (issue #8, item 4): the server publishes a diagnostic on each path, stays alive and
// answers hover. Before reads went through language/data/read-file.ts, opening the FIFO blocked
// the server's only thread forever (and /dev/zero filled its memory until it aborted).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { ensureServerBuilt, startServer, type ServerSession } from './lsp-client';

const POSIX = process.platform !== 'win32';
/** A reply in time; a blocked server never replies. */
const REPLY_MS = 10_000;

let server: ServerSession;
let dir: string;

function within<T>(what: string, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${REPLY_MS} ms: the server is blocked`)), REPLY_MS).unref())]);
}

before(async () => {
  ensureServerBuilt();
  dir = mkdtempSync(join(tmpdir(), 'modelspec-lsp-safe-reads-'));
  if (POSIX) execFileSync('mkfifo', [join(dir, 'pipe')]);
  server = startServer();
  await server.connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null });
  await server.connection.sendNotification(InitializedNotification.type, {});
});

after(() => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
});

test('a FIFO as training data: a diagnostic on the path, and hover still answers', { skip: !POSIX }, async () => {
  const uri = pathToFileURL(join(dir, 'fifo-data.model')).href;
  const text = `model m {\n    Input(shape=(4,))\n    Dense(3, activation='softmax')\n}\ncompile {\n    loss: 'sparse_categorical_crossentropy'\n    optimizer: 'adam'\n}\ndata {\n    train: csv('pipe')\n}\n`;
  await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'modelspec', version: 1, text } });
  const published = await within('diagnostics', server.diagnostics(uri, 1));
  const d = published.diagnostics.find((x) => x.code === 'data-format');
  assert.ok(d, JSON.stringify(published.diagnostics));
  assert.match(d.message, /^pipe is a FIFO \(named pipe\), not a regular file/);
  assert.equal(d.range.start.line, 9);
  const h = await within('hover', server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 6 } }));
  assert.match((h?.contents as MarkupContent).value, /Dense/);
});

test('Pretrained on a FIFO and on /dev/zero: diagnostics, the server alive', { skip: !POSIX }, async () => {
  for (const [name, path] of [['fifo-pretrained.model', 'pipe'], ['zero.model', '/dev/zero']]) {
    const uri = pathToFileURL(join(dir, name)).href;
    const text = `model m {\n    Pretrained(path='${path}')\n    Dense(10, activation='softmax')\n}\n`;
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'modelspec', version: 1, text } });
    const published = await within('diagnostics', server.diagnostics(uri, 1));
    assert.ok(
      published.diagnostics.some((x) => x.code === 'data-format' && /not a regular file/.test(x.message)),
      JSON.stringify(published.diagnostics),
    );
    const h = await within('hover', server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 6 } }));
    assert.ok(h, 'hover on Dense answers');
  }
  assert.equal(server.child.exitCode, null, 'the server is still running');
  assert.doesNotMatch(server.stderr(), /bad_alloc|heap out of memory|RangeError/);
});
