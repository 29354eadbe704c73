// The Preview Data page in headless Chromium, loaded as VS Code loads it (previewHtml() with a
// nonce and the panel's Content Security Policy, a fake webview origin, VS Code's theme
// variables), fed what the host computes for digits with `augment: ImageDataGenerator(rotation_range=90)`:
// a row per class with each sample as stored and as training sees it; the drawn augmented digit
// differs from the stored one; a change of the arguments re-draws; "Draw again" asks the host.
// Screenshots under .test-output/preview/.

import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { previewMessage, type SamplesCache } from '../../client/src/preview/preview-content';
import { analyze } from '../../language/analysis/analyze';
import { previewHtml } from '../../media/preview/src/html';
import type { HostToPreviewMessage } from '../../media/preview/src/messages';
import {
  applyThemeScript,
  buildWebview,
  cspViolations,
  DIST,
  fakeVsCodeApi,
  launchBrowser,
  waitUntil,
} from '../panel/fixtures/panelPage';

const SCREENSHOTS = '.test-output/preview';
const ORIGIN = 'https://preview.webview.test';
const FILE = join(process.cwd(), 'digits-augmented.model');

const text = (augment: string) => `model m {
    Input(shape=(28, 28, 1))
    Flatten()
    Dense(10, activation='softmax')
}

data {
    train: digits
    augment: ${augment}
}

fit {
    seed: 11
}
`;

const cache: SamplesCache = {};
const messageFor = (augment: string, redraws = 0): HostToPreviewMessage =>
  previewMessage(analyze(text(augment), { baseDir: process.cwd() }), FILE, { redraws, cache });

let browser: Browser;
let page: Page;
const errors: string[] = [];

async function send(m: HostToPreviewMessage): Promise<void> {
  const before = (await page.evaluate('window.modelspecPreview.renders')) as number;
  await page.evaluate(`window.postMessage(${JSON.stringify(m)}, '*')`);
  await waitUntil(page, `window.modelspecPreview.renders > ${before}`);
  // Every image decoded and laid out.
  await waitUntil(page, `[...document.images].every((i) => i.complete && i.naturalWidth > 0)`);
}

/** A drawn <img> as the page shows it, captured from the screen. */
async function shot(selector: string, n: number): Promise<PNG> {
  return PNG.sync.read(await page.locator(selector).nth(n).screenshot());
}

before(async () => {
  await buildWebview({ preview: 'media/preview/src/main.ts' }, SCREENSHOTS);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 900, height: 1100 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const html = previewHtml({
    scriptUri: `${ORIGIN}/dist/preview.js`,
    styleUri: `${ORIGIN}/dist/preview.css`,
    nonce: randomBytes(16).toString('base64'),
    cspSource: ORIGIN,
    title: 'Data: digits-augmented.model',
  });
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    if (path.startsWith('/dist/'))
      return route.fulfill({
        contentType: path.endsWith('.js') ? 'text/javascript' : 'text/css',
        body: readFileSync(join(DIST, path.slice('/dist/'.length))),
      });
    return route.fulfill({ status: 404 });
  });
  await page.addInitScript(fakeVsCodeApi(undefined));
  await page.addInitScript(applyThemeScript('dark'));
  await page.goto(`${ORIGIN}/index.html`);
  await waitUntil(page, 'window.modelspecPreview !== undefined');
});

after(async () => {
  await browser?.close();
});

test('the page asks for the preview, then draws a row per class with each digit stored and rotated', async () => {
  assert.deepEqual(await page.evaluate('window.__posted'), [{ type: 'ready' }]);
  await send(messageFor('ImageDataGenerator(rotation_range=90)'));
  const rows = (await page.evaluate(
    `[...document.querySelectorAll('section.class')].map((s) => [s.dataset.class, s.querySelectorAll('img.original').length, s.querySelectorAll('img.augmented').length])`,
  )) as [string, number, number][];
  assert.deepEqual(
    rows.map((r) => r[0]),
    ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  );
  for (const [, originals, augmented] of rows) assert.deepEqual([originals, augmented], [8, 8]);
  const header = (await page.evaluate(`document.querySelector('header').textContent`)) as string;
  assert.match(header, /8,000 samples · shape \(28, 28, 1\) · 10 classes/);
  assert.match(header, /ImageDataGenerator\(rotation_range=90\) · seed 11/);
  await reviewScreenshot(page, { path: join(SCREENSHOTS, 'digits-rotation-90.png'), fullPage: true });

  // On screen, the 6s' augmented twins are not the stored 6s: most are turned visibly (a random
  // angle in ±90° may also be small).
  const differences: number[] = [];
  for (let n = 0; n < 8; n++) {
    const stored = await shot('section[data-class="6"] img.original', n);
    const turned = await shot('section[data-class="6"] img.augmented', n);
    assert.equal(stored.width, 66, 'enlarged to 64 px (and its 1 px border), pixelated');
    let diff = 0;
    for (let i = 0; i < stored.data.length; i += 4) diff += Math.abs(stored.data[i] - turned.data[i]);
    differences.push(Math.round(diff / (stored.width * stored.height)));
  }
  assert.ok(differences.filter((d) => d > 15).length >= 4, `mean differences per 6: ${differences.join(', ')}`);
  await reviewScreenshot(page.locator('section[data-class="6"]'), { path: join(SCREENSHOTS, 'six-rotated.png') });
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(errors, []);
});

test('other arguments re-draw the same samples; Draw again asks the host for the next seed', async () => {
  const stored = (await page.evaluate(`document.querySelector('img.original').src`)) as string;
  await send(messageFor('ImageDataGenerator(horizontal_flip=True, vertical_flip=True)'));
  assert.equal(await page.evaluate(`document.querySelector('img.original').src`), stored);
  assert.match(
    (await page.evaluate(`document.querySelector('.augment code').textContent`)) as string,
    /horizontal_flip=True, vertical_flip=True/,
  );
  await reviewScreenshot(page, { path: join(SCREENSHOTS, 'digits-flips.png'), fullPage: true });
  await page.click('text=Draw again');
  const posted = (await page.evaluate('window.__posted')) as unknown[];
  assert.deepEqual(posted.at(-1), { type: 'redraw' });
});

test('a file without data: the problem in words, no grid', async () => {
  await page.evaluate(
    `window.postMessage(${JSON.stringify({ type: 'problem', file: 'm.model', message: 'The file has no training data to preview' })}, '*')`,
  );
  await waitUntil(page, `document.querySelector('.problem') !== null`);
  assert.equal(await page.evaluate(`document.querySelectorAll('img').length`), 0);
  writeFileSync(join(SCREENSHOTS, 'problem.txt'), (await page.evaluate(`document.body.textContent`)) as string);
});
