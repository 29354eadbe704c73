// The model graph over the real language server (stdio): the `modelspec/modelGraph` request the
// "Show Model Graph" view sends after each change, its data for the current version, and how soon
// after the diagnostics it answers (the view must follow typing within 100 ms of them).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DidChangeTextDocumentNotification,
  ExitNotification,
  ShutdownRequest,
} from 'vscode-languageserver-protocol/node';
import { MODEL_GRAPH_REQUEST, type ModelGraphResult } from '../../server/model-graph-request';
import { ensureServerBuilt, startServer, type ServerSession, initialize, openDocument } from './lsp-client';

const URI = 'file:///tmp/modelspec-graph-test/cnn.model';
const CNN = `model cnn {
    Input(shape=(28, 28, 1))
    Conv2D(32, kernel_size=(3, 3), activation='relu')
    MaxPooling2D(pool_size=(2, 2))
    Flatten()
    Dense(10, activation='softmax')
}

compile {
    loss: 'categorical_crossentropy'
    optimizer: 'adam'
}

fit {
    batch_size: 64
}
`;

let server: ServerSession;

before(async () => {
  ensureServerBuilt();
  server = startServer();
  await initialize(server);
  await openDocument(server, URI, CNN);
  await server.diagnostics(URI, 1);
});

after(async () => {
  await server.connection.sendRequest(ShutdownRequest.type);
  await server.connection.sendNotification(ExitNotification.type);
});

function graph(precision?: string): Promise<ModelGraphResult | null> {
  return server.connection.sendRequest<ModelGraphResult | null>(MODEL_GRAPH_REQUEST, { uri: URI, precision });
}

test('answers the graph of the open document: nodes, shapes, parameters, memory at the file’s batch size', async () => {
  const r = await graph();
  assert.ok(r?.graph);
  assert.equal(r.version, 1);
  assert.deepEqual(
    r.graph.nodes.map((n) => [n.className, n.output, n.params]),
    [
      ['Input', '(None, 28, 28, 1)', 0],
      ['Conv2D', '(None, 26, 26, 32)', 320],
      ['MaxPooling2D', '(None, 13, 13, 32)', 0],
      ['Flatten', '(None, 5408)', 0],
      ['Dense', '(None, 10)', 54_090],
    ],
  );
  assert.equal(r.graph.memory.batchSize, 64);
  assert.equal(r.graph.memory.optimizer, 'Adam');
  // 54,410 weights × 4 bytes × (weights + gradients + Adam's 2 slots).
  assert.equal(
    r.graph.memory.total.parameters + r.graph.memory.total.gradients + r.graph.memory.total.optimizer,
    54_410 * 4 * 4,
  );
  const mixed = await graph('mixed_float16');
  assert.equal(mixed?.graph?.memory.precision, 'mixed_float16');
  assert.ok((mixed?.graph?.memory.total.activations ?? Infinity) < r.graph.memory.total.activations);
});

test('follows an edit: the graph of the new version, with the broken layer’s error, within 100 ms of its diagnostics', async () => {
  const timings: number[] = [];
  let version = 1;
  for (let i = 0; i < 10; i++) {
    version++;
    // Alternate a broken and a fixed Flatten line (Conv2D after Flatten has the wrong rank).
    const broken = i % 2 === 0;
    const text = broken ? CNN.replace('    Flatten()\n    Dense', '    Flatten()\n    Conv2D(8, 3)\n    Dense') : CNN;
    const diagnostics = server.diagnostics(URI, version);
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: URI, version },
      contentChanges: [{ text }],
    });
    // What the view does: ask right after the change; the answer must come with the diagnostics.
    const answer = graph();
    const published = await diagnostics;
    const after = performance.now();
    const r = await answer;
    timings.push(performance.now() - after);
    assert.equal(r?.version, version);
    const errorNodes = r?.graph?.nodes.filter((n) => n.error) ?? [];
    if (broken) {
      assert.ok(published.diagnostics.some((d) => d.severity === 1));
      assert.deepEqual(
        errorNodes.map((n) => [n.className, n.line]),
        [['Conv2D', 5]],
      );
      assert.equal(errorNodes[0].error, published.diagnostics.find((d) => d.severity === 1)?.message);
    } else {
      assert.deepEqual(errorNodes, []);
    }
  }
  const worst = Math.max(...timings);
  console.log(
    `# graph answered ${timings.map((t) => t.toFixed(1)).join(', ')} ms after the diagnostics (worst ${worst.toFixed(1)} ms)`,
  );
  assert.ok(worst < 100, `the graph came ${worst.toFixed(1)} ms after the diagnostics`);
});

test('an unknown document gets null, and the server goes on', async () => {
  const r = await server.connection.sendRequest(MODEL_GRAPH_REQUEST, { uri: 'file:///nope.model' });
  assert.equal(r, null);
  assert.ok((await graph())?.graph);
});
