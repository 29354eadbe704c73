// The graph view's messages: the host acts only on what isGraphToHostMessage accepts (a line to
// reveal, a precision, an SVG or PNG to save), and the view only on what isHostToGraphMessage accepts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGraphToHostMessage, isHostToGraphMessage } from '../../media/graph/src/messages';

test('the host accepts the view’s messages and nothing else', () => {
  for (const ok of [
    { type: 'ready' },
    { type: 'reveal', line: 0 },
    { type: 'reveal', line: 12 },
    { type: 'precision', precision: 'mixed_float16' },
    { type: 'precision', precision: 'float32' },
    { type: 'export', format: 'svg', svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' },
    { type: 'export', format: 'png', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' },
  ]) {
    assert.equal(isGraphToHostMessage(ok), true, JSON.stringify(ok));
  }
  for (const bad of [
    null,
    'ready',
    [],
    { type: 'reveal', line: -1 },
    { type: 'reveal', line: 1.5 },
    { type: 'reveal', line: '3' },
    { type: 'precision', precision: 'float64' },
    { type: 'export', format: 'svg', svg: '<script>alert(1)</script>' },
    { type: 'export', format: 'png', dataUrl: 'data:text/html;base64,PGI+' },
    { type: 'export', format: 'pdf', svg: '<svg/>' },
    { type: 'stop' },
  ]) {
    assert.equal(isGraphToHostMessage(bad), false, JSON.stringify(bad));
  }
});

test('the view accepts graphs and cursor lines, and ignores anything else posted to its window', () => {
  assert.equal(isHostToGraphMessage({ type: 'graph', version: 3, graph: null, file: 'a.model' }), true);
  assert.equal(
    isHostToGraphMessage({ type: 'graph', version: 3, graph: { nodes: [], edges: [], groups: [] }, file: 'a.model' }),
    true,
  );
  assert.equal(isHostToGraphMessage({ type: 'cursor', line: 4 }), true);
  assert.equal(isHostToGraphMessage({ type: 'graph', version: 3, graph: { nodes: 'x' }, file: 'a.model' }), false);
  assert.equal(isHostToGraphMessage({ type: 'graph', graph: null, file: 'a.model' }), false);
  assert.equal(isHostToGraphMessage({ type: 'cursor', line: -2 }), false);
  assert.equal(isHostToGraphMessage({ type: 'noop' }), false);
});

test('a reloaded window gives the serializer the view’s state: the document URI in it, or nothing', async () => {
  const { restoredDocument } = await import('../../media/graph/src/messages');
  assert.equal(
    restoredDocument({ collapsed: [], precision: 'float32', uri: 'file:///w/digits.model' }),
    'file:///w/digits.model',
  );
  for (const bad of [undefined, null, {}, { uri: 3 }, { uri: '' }, { uri: 'x'.repeat(5000) }, 'file:///w/a.model'])
    assert.equal(restoredDocument(bad), undefined, JSON.stringify(bad)?.slice(0, 40));
  // The graph message carries the URI the view keeps (optional for older hosts).
  assert.equal(
    isHostToGraphMessage({ type: 'graph', version: 1, graph: null, file: 'a.model', uri: 'file:///a' }),
    true,
  );
  assert.equal(isHostToGraphMessage({ type: 'graph', version: 1, graph: null, file: 'a.model', uri: 7 }), false);
});
