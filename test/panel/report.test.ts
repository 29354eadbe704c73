// report.html: the panel, inlined with the run's events, opened offline from a file.

import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { renderReport } from '../../training/report';
import type { RunEvent } from '../../training/protocol';
import { MNIST_RUN, mnistRunEvents } from './fixtures/mnistRun';
import { buildPanel, launchBrowser, SCREENSHOTS, waitUntil, type PanelSnapshot } from './fixtures/panelPage';

const hostile = '</script><script>window.__pwned = true</script>';
const events: RunEvent[] = [...mnistRunEvents(), { type: 'log', level: 'warning', message: hostile }];

let browser: Browser;
let page: Page;
const requests: string[] = [];
const pageErrors: string[] = [];
let html: string;

before(async () => {
  await buildPanel();
  // From another working folder: the report finds the package (and media/dist) by itself.
  const cwd = process.cwd();
  process.chdir(tmpdir());
  try {
    // The run's file already has EarlyStopping and Dropout (finalizeRunFolder reads them from spec.json).
    const traits = { earlyStopping: true, dropout: true, augmentation: false, regularizer: false, images: true };
    html = renderReport(events, { title: 'mnist_mlp — report', traits });
  } finally {
    process.chdir(cwd);
  }
  const file = resolve(SCREENSHOTS, 'report.html');
  writeFileSync(file, html);

  browser = await launchBrowser();
  const context = await browser.newContext({ offline: true, viewport: { width: 1100, height: 900 } });
  // Nothing may be fetched: every request but the file itself is recorded and refused.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === `file://${file}`) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  await page.goto(`file://${file}`);
  await waitUntil(
    page,
    'window.modelspecPanel && window.modelspecPanel.plots().size === 2 && !window.modelspecPanel.pendingRender',
  );
});
after(async () => {
  await browser?.close();
});

describe('report.html', () => {
  it("advises against overfitting only what the run's file does not do yet", async () => {
    const note = (await page.locator('section[data-quantity="loss"] .note').textContent()) ?? '';
    assert.match(note, /already has EarlyStopping and Dropout; consider data augmentation/);
  });

  it('is one self-contained file: no external scripts, styles or images', () => {
    // Blank out the inline scripts' code (which may mention URLs in strings); what is left is the markup.
    const markup = html.replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
    assert.equal(markup.match(/<script\b/g)?.length, 3, 'data, host stand-in, panel');
    for (const external of [/<script[^>]+src=/i, /<link\b/i, /url\(\s*['"]?https?:/i, /<img\b/i]) {
      assert.ok(!external.test(markup), `found ${external}`);
    }
    assert.ok(html.length > 50_000, 'the panel is inlined');
  });

  it('opens offline and draws the same charts as the panel', async () => {
    const s = (await page.evaluate(`(() => {
      const p = window.modelspecPanel;
      return { renders: p.renders, charts: [...p.plots()].map(([quantity, u]) => ({
        quantity,
        counts: u.data.slice(1).map((c) => c.filter((v) => v !== null).length),
        xScale: [u.scales.x.min, u.scales.x.max],
      })) };
    })()`)) as PanelSnapshot;
    const batches = MNIST_RUN.epochs * MNIST_RUN.batches;
    assert.deepEqual(
      s.charts.map((c) => [c.quantity, c.counts, c.xScale]),
      [
        ['loss', [batches, batches, 12, 12], [0, 12]],
        ['accuracy', [batches, batches, 12, 12], [0, 12]],
      ],
    );
    assert.deepEqual(requests, []);
    assert.deepEqual(pageErrors, []);
  });

  it('shows the header, the evaluation and the overfitting note', async () => {
    assert.equal(await page.locator('#model-name').textContent(), 'mnist_mlp');
    assert.equal(await page.locator('#status').textContent(), 'finished');
    assert.equal(await page.locator('.confusion-table tbody td').count(), 100);
    assert.equal(await page.locator('#samples img').count(), 16);
    assert.equal(await page.locator('section[data-quantity="loss"] .note').isVisible(), true);
  });

  it('has no Stop button and no run picker, but keeps the exports', async () => {
    assert.equal(await page.locator('#stop').isVisible(), false);
    assert.equal(await page.locator('#compare').isVisible(), false);
    assert.equal(await page.locator('#export-csv').isVisible(), true);
  });

  it('downloads the CSV export', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-csv').click()]);
    assert.equal(download.suggestedFilename(), 'training.csv');
  });

  it('embeds event text safely: a "</script>" in a message stays text', async () => {
    assert.equal(await page.evaluate('window.__pwned === true'), false);
    assert.equal(await page.locator('#events li.warning').textContent(), hostile);
    await reviewScreenshot(page, { path: `${SCREENSHOTS}/report.png`, fullPage: true });
  });
});
