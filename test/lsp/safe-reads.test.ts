// The real server over stdio with a document whose data and Pretrained paths are a FIFO and
// /dev/zero (issue #8, item 4): the server publishes a diagnostic on each path, stays alive and
// answers hover. Before reads went through language/data/read-file.ts, opening the FIFO blocked
// the server's only thread forever (and /dev/zero filled its memory until it aborted).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { ensureServerBuilt, startServer, type ServerSession, initialize, openDocument } from './lsp-client';

const POSIX = process.platform !== 'win32';
/** A reply in time; a blocked server never replies. */
const REPLY_MS = 10_000;

let server: ServerSession;
let dir: string;
/** While this file is absent, the server's probe worker holds every read (MODELSPEC_TEST_PROBE_GATE). */
let gate: string;

function within<T>(what: string, p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`no ${what} within ${REPLY_MS} ms: the server is blocked`)), REPLY_MS).unref(),
    ),
  ]);
}

before(async () => {
  ensureServerBuilt();
  dir = mkdtempSync(join(tmpdir(), 'modelspec-lsp-safe-reads-'));
  if (POSIX) execFileSync('mkfifo', [join(dir, 'pipe')]);
  gate = join(dir, 'reads-open');
  writeFileSync(gate, '');
  server = startServer({ MODELSPEC_TEST_PROBE_GATE: gate });
  await initialize(server);
});

after(() => {
  if (server && server.child.exitCode === null) server.child.kill('SIGKILL');
});

test('a FIFO as training data: a diagnostic on the path, and hover still answers', { skip: !POSIX }, async () => {
  const uri = pathToFileURL(join(dir, 'fifo-data.model')).href;
  const text = `model m {\n    Input(shape=(4,))\n    Dense(3, activation='softmax')\n}\ncompile {\n    loss: 'sparse_categorical_crossentropy'\n    optimizer: 'adam'\n}\ndata {\n    train: csv('pipe')\n}\n`;
  await openDocument(server, uri, text);
  const published = await within('diagnostics', server.diagnostics(uri, 1));
  const d = published.diagnostics.find((x) => x.code === 'data-format');
  assert.ok(d, JSON.stringify(published.diagnostics));
  assert.match(String(d.message), /^pipe is a FIFO \(named pipe\), not a regular file/);
  assert.equal(d.range.start.line, 9);
  const h = await within(
    'hover',
    server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 6 } }),
  );
  assert.match((h?.contents as MarkupContent).value, /Dense/);
});

test('Pretrained on a FIFO and on /dev/zero: diagnostics, the server alive', { skip: !POSIX }, async () => {
  for (const [name, path] of [
    ['fifo-pretrained.model', 'pipe'],
    ['zero.model', '/dev/zero'],
  ]) {
    const uri = pathToFileURL(join(dir, name)).href;
    const text = `model m {\n    Pretrained(path='${path}')\n    Dense(10, activation='softmax')\n}\n`;
    await openDocument(server, uri, text);
    const published = await within('diagnostics', server.diagnostics(uri, 1));
    assert.ok(
      published.diagnostics.some((x) => x.code === 'data-format' && /not a regular file/.test(String(x.message))),
      JSON.stringify(published.diagnostics),
    );
    const h = await within(
      'hover',
      server.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 2, character: 6 } }),
    );
    assert.ok(h, 'hover on Dense answers');
  }
  assert.equal(server.child.exitCode, null, 'the server is still running');
  assert.doesNotMatch(server.stderr(), /bad_alloc|heap out of memory|RangeError/);
});

test('a read slower than the time budget: a data-slow warning at once, hover answers, then the real result', async () => {
  // A slow network drive cannot be mounted in a test: the server's probe worker holds each read
  // while the gate file is absent (MODELSPEC_TEST_PROBE_GATE, read only by the worker), until the
  // test has seen what the server does meanwhile, which must come within ANSWER_MS.
  const ANSWER_MS = 5000;
  rmSync(gate);
  try {
    writeFileSync(join(dir, 'houses.csv'), 'a,b,c,d,price\n1,2,3,4,5\n6,7,8,9,10\n');
    const uri = pathToFileURL(join(dir, 'slow.model')).href;
    const text = `model m {\n    Dense(8, activation='relu')\n    Dense(1)\n}\ncompile {\n    loss: 'mse'\n    optimizer: 'adam'\n}\ndata {\n    train: csv('houses.csv')\n}\n`;
    const opened = Date.now();
    await openDocument(server, uri, text);
    const first = await within('diagnostics', server.diagnostics(uri, 1));
    assert.ok(
      Date.now() - opened < ANSWER_MS,
      `the first diagnostics came after ${Date.now() - opened} ms: the server waited for the read`,
    );
    const slow = first.diagnostics.find((d) => d.code === 'data-slow');
    assert.ok(slow, JSON.stringify(first.diagnostics));
    assert.equal(slow.severity, 2, 'a warning: the file is not known to be wrong');
    assert.equal(slow.range.start.line, 9);
    assert.ok(
      !first.diagnostics.some((d) => d.code === 'missing-input-shape'),
      'the input shape may come from the data: not an error yet',
    );
    assert.match(
      String(slow.message),
      /^Reading csv\('houses\.csv'\) has taken [\d.]+ s, longer than the editor waits \(1\.5 s\)/,
    );

    const h = await within(
      'hover',
      server.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line: 1, character: 6 },
      }),
    );
    assert.match((h?.contents as MarkupContent).value, /Dense/);
    assert.ok(Date.now() - opened < ANSWER_MS, 'hover answered while the read was still going');

    // Until the read goes on, every diagnostic published for the file says it is still being read.
    const held = server.published(uri);
    for (const published of held)
      assert.ok(
        published.diagnostics.some((d) => d.code === 'data-slow'),
        `published while the read was held: ${JSON.stringify(published.diagnostics)}`,
      );
    writeFileSync(gate, '');

    // When the read finishes the document is checked again with its result: the input shape comes from the CSV.
    // (The same diagnostics may come twice first: open publishes on open and on content.)
    let second = await within('diagnostics', server.diagnostics(uri, 1));
    while (second.diagnostics.some((d) => d.code === 'data-slow'))
      second = await within('diagnostics', server.diagnostics(uri, 1));
    assert.ok(server.published(uri).indexOf(second) >= held.length, 'the re-check comes when the read is done');
    assert.deepEqual(
      second.diagnostics.map((d) => d.code),
      [],
    );
    const hover = await within(
      'hover',
      server.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri },
        position: { line: 1, character: 6 },
      }),
    );
    assert.match((hover?.contents as MarkupContent).value, /\(None, 4\)/);
  } finally {
    writeFileSync(gate, '');
  }
});
