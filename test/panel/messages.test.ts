// The host⇄panel contract: the host validates every message from the webview, and the
// HTML it serves carries a strict Content Security Policy.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { panelCsp, panelHtml } from '../../media/panel/src/html';
import { isHostToPanelMessage, isPanelToHostMessage } from '../../media/panel/src/messages';

describe('isPanelToHostMessage', () => {
  it('accepts each panel message', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'stop', runId: 'r1' },
      { type: 'requestRuns' },
      { type: 'pickOverlay', runDirs: ['/a', '/b'] },
      { type: 'exportCsv', csv: 'a,b\n' },
      { type: 'exportPng', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' },
    ]) {
      assert.equal(isPanelToHostMessage(m), true, JSON.stringify(m));
    }
  });
  it('rejects anything else', () => {
    for (const m of [
      null,
      'ready',
      [],
      {},
      { type: 'shell', cmd: 'rm' },
      { type: 'stop' },
      { type: 'stop', runId: 3 },
      { type: 'pickOverlay', runDirs: '/a' },
      { type: 'pickOverlay', runDirs: [1] },
      { type: 'exportCsv' },
      { type: 'exportPng', dataUrl: 'file:///etc/passwd' },
    ]) {
      assert.equal(isPanelToHostMessage(m), false, JSON.stringify(m));
    }
  });
});

describe('isHostToPanelMessage', () => {
  it('accepts host messages and rejects strays', () => {
    assert.equal(
      isHostToPanelMessage({ type: 'events', runId: 'r', events: [{ type: 'log', level: 'info', message: 'x' }] }),
      true,
    );
    assert.equal(isHostToPanelMessage({ type: 'reset', runId: 'r', model: 'm', runDir: '/d' }), true);
    assert.equal(isHostToPanelMessage({ type: 'overlay', runs: [{ label: 'a', events: [] }] }), true);
    assert.equal(isHostToPanelMessage({ type: 'events', runId: 'r', events: [1] }), false);
    assert.equal(isHostToPanelMessage({ type: 'noop' }), false);
  });
});

describe('panelHtml', () => {
  const html = panelHtml({
    scriptUri: 'https://x/panel.js',
    styleUri: 'https://x/panel.css',
    nonce: 'abc123',
    cspSource: 'https://x',
    title: 'Training <b>m</b>',
  });
  it('has a strict CSP: nonce scripts only, no inline styles, no network', () => {
    assert.equal(
      panelCsp('https://x', 'abc123'),
      "default-src 'none'; img-src https://x data:; style-src https://x 'nonce-abc123'; script-src 'nonce-abc123'; font-src https://x",
    );
    assert.ok(html.includes(`content="default-src &#39;none&#39;; img-src https://x data:;`));
    assert.ok(!/unsafe-(inline|eval)/.test(html));
  });
  it('loads the script with the nonce and escapes the title', () => {
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/panel\.js"><\/script>/);
    assert.match(html, /<title>Training &#60;b&#62;m&#60;\/b&#62;<\/title>/);
  });
});
