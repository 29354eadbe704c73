// Loads the built model graph view in headless Chromium the way VS Code does: graphHtml() with a
// real nonce and Content Security Policy, a fake webview origin, VS Code's theme variables, and a
// stand-in acquireVsCodeApi() that records what the view posts.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { graphHtml } from '../../media/graph/src/html';
import type { GraphToHostMessage, HostToGraphMessage } from '../../media/graph/src/messages';
import {
  applyThemeScript,
  buildWebview,
  cspViolations,
  DIST,
  fakeVsCodeApi,
  type ThemeName,
  waitUntil,
} from '../panel/fixtures/panelPage';

export { DIST };
export const SCREENSHOTS = '.test-output/graph';
const ORIGIN = 'https://graph.webview.test';

/** Builds the view exactly as scripts/build.mjs does (only this bundle). */
export function buildGraphView(): Promise<void> {
  return buildWebview({ graph: 'media/graph/src/main.ts' }, SCREENSHOTS);
}

export interface Rect {
  id: string;
  shape: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphPage {
  page: Page;
  errors: string[];
  send(message: HostToGraphMessage): Promise<void>;
  /** Waits until the view has drawn everything sent so far. */
  settle(): Promise<void>;
  posted(): Promise<GraphToHostMessage[]>;
  /** The drawn boxes as the page shows them (client rects of each box's frame). */
  boxes(): Promise<Rect[]>;
  /** The drawn edge labels (their background rects), by edge id. */
  labels(): Promise<Rect[]>;
  layoutMs(): Promise<number>;
  renders(): Promise<number>;
}

export async function openGraph(browser: Browser, theme: ThemeName = 'dark', width = 1000): Promise<GraphPage> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const nonce = randomBytes(16).toString('base64');
  const html = graphHtml({
    scriptUri: `${ORIGIN}/dist/graph.js`,
    styleUri: `${ORIGIN}/dist/graph.css`,
    nonce,
    cspSource: ORIGIN,
    title: 'Model graph',
  });
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    if (path.startsWith('/dist/')) {
      return route.fulfill({
        contentType: path.endsWith('.js') ? 'text/javascript' : 'text/css',
        body: readFileSync(join(DIST, path.slice('/dist/'.length))),
      });
    }
    return route.fulfill({ status: 404 });
  });
  await page.addInitScript(fakeVsCodeApi(undefined));
  await page.addInitScript(applyThemeScript(theme));
  await page.goto(`${ORIGIN}/index.html`);
  await waitUntil(page, 'window.modelspecGraph !== undefined');
  let sent = 0;
  return {
    page,
    errors,
    async send(m) {
      if (m.type === 'graph') sent = Math.max(sent, m.version);
      await page.evaluate(`window.postMessage(${JSON.stringify(m)}, '*')`);
    },
    async settle() {
      await waitUntil(page, `window.modelspecGraph.version >= ${sent} && !window.modelspecGraph.pending`, 30_000);
    },
    posted: () => page.evaluate('window.__posted') as Promise<GraphToHostMessage[]>,
    boxes: () =>
      page.evaluate(`[...document.querySelectorAll('g.box')].map((g) => {
        const r = g.querySelector('rect.frame').getBoundingClientRect();
        return { id: g.dataset.id, shape: g.classList.contains('group') ? 'group' : g.classList.contains('collapsed') ? 'collapsed' : 'node', x: r.x, y: r.y, width: r.width, height: r.height };
      })`) as Promise<Rect[]>,
    labels: () =>
      page.evaluate(`[...document.querySelectorAll('g.edge')].filter((g) => g.querySelector('rect.edge-label-bg')).map((g) => {
        const r = g.querySelector('rect.edge-label-bg').getBoundingClientRect();
        return { id: 'label ' + g.dataset.id, shape: 'label', x: r.x, y: r.y, width: r.width, height: r.height };
      })`) as Promise<Rect[]>,
    layoutMs: () => page.evaluate('window.modelspecGraph.layoutMs') as Promise<number>,
    renders: () => page.evaluate('window.modelspecGraph.renders') as Promise<number>,
  };
}

export { cspViolations };

/** Edge labels that overlap a layer's box or another label (a group's frame may hold labels). */
export function labelOverlaps(labels: readonly Rect[], boxes: readonly Rect[]): [string, string][] {
  const leaves = boxes.filter((b) => b.shape !== 'group');
  return overlaps([...labels, ...leaves], () => undefined).filter(
    ([a, b]) => a.startsWith('label ') || b.startsWith('label '),
  );
}

/** Pairs of boxes that overlap (touching edges do not count). Groups contain their layers, so a
 *  layer is compared with the other leaves and with the groups it is not in. */
export function overlaps(boxes: readonly Rect[], memberOf: (id: string) => string | undefined): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (memberOf(a.id) === b.id || memberOf(b.id) === a.id) continue;
      const apart =
        a.x + a.width <= b.x + 0.5 ||
        b.x + b.width <= a.x + 0.5 ||
        a.y + a.height <= b.y + 0.5 ||
        b.y + b.height <= a.y + 0.5;
      if (!apart) out.push([a.id, b.id]);
    }
  }
  return out;
}
