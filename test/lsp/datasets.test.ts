// Keras's built-in datasets in the editor (issue #15), through the real server over stdio: hover
// says the shape, classes and where the copy is (Debian's real Fashion-MNIST here); completion
// offers the new sources; the checker knows CIFAR-10's and IMDB's sample shapes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompletionRequest,
  HoverRequest,
  type CompletionItem,
  type CompletionList,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { ensureServerBuilt, startServer, type ServerSession, initialize, openDocument } from './lsp-client';

const URI = 'file:///tmp/modelspec-lsp-datasets/m.model';
const TEXT = `model m {
    Input(shape=(28, 28, 1))
    Flatten()
    Dense(10, activation='softmax')
}

data {
    train: fashion_mnist
    test: cifar10(split='test')
    validation: imdb(num_words=100, maxlen=50)
}
`;

let server: ServerSession;
const kerasHome = mkdtempSync(join(tmpdir(), 'modelspec-keras-home-'));

before(async () => {
  ensureServerBuilt();
  // The server's environment: Debian's real package, an empty Keras home, no extra data dirs.
  // (Given to the server only: test files share a process, and its environment is theirs too.)
  server = startServer({
    MODELSPEC_DEBIAN_DATASETS: '/usr/share/datasets',
    KERAS_HOME: kerasHome,
    MODELSPEC_DATA_DIRS: '',
  });
  await initialize(server);
  await openDocument(server, URI, TEXT);
});

after(() => {
  if (server && server.child.exitCode === null) server.child.kill();
});

const hoverAt = async (line: number, character: number) =>
  (
    (
      await server.connection.sendRequest(HoverRequest.type, {
        textDocument: { uri: URI },
        position: { line, character },
      })
    )?.contents as MarkupContent
  ).value;

test('hover on a built-in source: its samples, shape, classes and where it was found', async () => {
  const fashion = await hoverAt(7, 12);
  assert.match(
    fashion,
    /60,000 train images, 28×28 grayscale, 10 classes; found in \/usr\/share\/datasets\/fashion-mnist \(Debian package\)/,
  );
  const cifar = await hoverAt(8, 12);
  assert.ok(
    cifar.includes(
      `10,000 test images, 32×32 colour, 10 classes; not on this machine yet: downloaded on the first run into ${join(kerasHome, 'datasets', 'cifar-10-batches-py-target', 'cifar-10-batches-py')} (Keras's cache)`,
    ),
    cifar,
  );
});

test('the checker knows CIFAR-10 and IMDB sample shapes', async () => {
  for (const [source, shape] of [
    ['cifar10', '(32, 32, 3)'],
    ['imdb(num_words=100, maxlen=50)', '(50,)'],
  ]) {
    const uri = `file:///tmp/modelspec-lsp-datasets/${source.slice(0, 4)}.model`;
    const text = TEXT.replace('train: fashion_mnist', `train: ${source}`);
    await openDocument(server, uri, text);
    const mismatch = (await server.diagnostics(uri, 1)).diagnostics.find((d) => d.code === 'data-shape-mismatch');
    assert.ok(mismatch, source);
    // The fix leads (the Problems panel cuts the end), then the dataset's sample shape.
    assert.ok(
      String(mismatch.message).startsWith(`Use Input(shape=${shape}): ${source.split('(')[0]} samples are ${shape}`),
      String(mismatch.message),
    );
  }
});

test('completion offers the Keras datasets as sources', async () => {
  const result = (await server.connection.sendRequest(CompletionRequest.type, {
    textDocument: { uri: URI },
    position: { line: 7, character: 11 },
  })) as CompletionItem[] | CompletionList;
  const labels = (Array.isArray(result) ? result : result.items).map((i) => i.label);
  for (const name of ['mnist', 'fashion_mnist', 'cifar10', 'imdb']) assert.ok(labels.includes(name), labels.join(', '));
});
