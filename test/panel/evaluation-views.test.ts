// The training panel's test-set views for each task, in headless Chromium under the webview's
// Content Security Policy: the per-label table (sortable, bars), the predicted-vs-true scatter
// with the y = x line and a caption with R², the grid of input/target/output images; each shown
// only for its task. report.html (the panel inlined) shows the same.

import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import type { RunEvent } from '../../training/protocol';
import { renderReport } from '../../training/report';
import {
  buildPanel,
  cspViolations,
  launchBrowser,
  openPanel,
  SCREENSHOTS,
  waitUntil,
  type PanelPage,
  type ThemeName,
} from './fixtures/panelPage';

type Evaluated = Extract<RunEvent, { type: 'evaluated' }>;

function runEvents(evaluated: Evaluated): RunEvent[] {
  return [
    {
      type: 'started',
      time: '2026-12-03T08:00:00.000Z',
      engine: 'tfjs',
      backend: 'wasm',
      device: 'CPU',
      reason: 'test',
      params: { total: 10, trainable: 10, nonTrainable: 0 },
      samples: { train: 100, validation: 0, test: 50 },
      epochs: 1,
      batchSize: 10,
      stepsPerEpoch: 10,
      runDir: '/runs/m/1',
      model: 'm',
    },
    {
      type: 'epoch',
      epoch: 1,
      epochs: 1,
      loss: 0.5,
      metrics: {},
      learningRate: 0.001,
      seconds: 1,
      samplesPerSec: 100,
    },
    evaluated,
    { type: 'finished', time: '2026-12-03T08:00:01.000Z', epochs: 1, seconds: 1, modelPath: '/runs/m/1/model.json' },
  ];
}

const MULTI_LABEL: Evaluated = {
  type: 'evaluated',
  loss: 0.31,
  metrics: {},
  task: 'multilabel',
  multiLabel: {
    threshold: 0.5,
    exactMatch: 0.62,
    labelCount: 4,
    labels: [
      { name: 'cat', precision: 0.9, recall: 0.5, f1: 0.642857, support: 40 },
      { name: 'dog', precision: 0.4, recall: 0.8, f1: 0.533333, support: 25 },
      { name: 'bird', precision: 0.75, recall: 0.75, f1: 0.75, support: 12 },
      { name: '<b>fish</b>', precision: 0, recall: 0, f1: 0, support: 3 },
    ],
  },
};

/** 300 points around y = x, and one exactly on it (true 2, predicted 2). */
function regression(): Evaluated {
  const trueValues = Array.from({ length: 300 }, (_, i) => (i / 300) * 10);
  const predicted = trueValues.map((t, i) => t + Math.sin(i) * 0.8);
  trueValues[0] = 2;
  predicted[0] = 2;
  return {
    type: 'evaluated',
    loss: 0.3,
    metrics: { mae: 0.5 },
    task: 'regression',
    regression: { mae: 0.51, rmse: 0.566, r2: 0.9612, outputs: 3, output: 0, count: 1200, trueValues, predicted },
  };
}

function png(side: number, value: (i: number, j: number) => number): string {
  const image = new PNG({ width: side, height: side });
  for (let i = 0; i < side; i++)
    for (let j = 0; j < side; j++) {
      const o = (i * side + j) * 4;
      image.data.fill(value(i, j), o, o + 3);
      image.data[o + 3] = 255;
    }
  return PNG.sync.write(image).toString('base64');
}

const IMAGES: Evaluated = {
  type: 'evaluated',
  loss: 0.02,
  metrics: {},
  task: 'image-to-image',
  images: {
    mse: 0.0213,
    psnr: 16.72,
    peak: 1,
    triples: [0, 6, 12, 18, 25, 31, 37, 43].map((index) => ({
      index,
      input: png(16, (i, j) => ((i + j + index) % 4) * 60),
      target: png(16, (i, j) => (i * 16 + j * 3 + index) % 256),
      output: png(16, (i, j) => (i * 15 + j * 3 + index) % 256),
      mse: 0.01 + index / 1000,
    })),
  },
};

const CLASSES: Evaluated = {
  type: 'evaluated',
  loss: 0.2,
  metrics: { accuracy: 0.9 },
  task: 'binary',
  confusionMatrix: [
    [20, 3],
    [2, 25],
  ],
  classes: ['no', 'yes'],
};

let browser: Browser;
before(async () => {
  await buildPanel();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function show(evaluated: Evaluated, theme: ThemeName = 'dark'): Promise<PanelPage> {
  const panel = await openPanel(browser, theme);
  await panel.send({ type: 'reset', runId: 'r', model: 'm', runDir: '/runs/m/1' });
  await panel.send({ type: 'events', runId: 'r', events: runEvents(evaluated) });
  await panel.settle();
  return panel;
}

const SECTIONS = ['confusion-section', 'labels-section', 'regression-section', 'images-section'];

async function shownSections(panel: PanelPage): Promise<string[]> {
  const shown: string[] = [];
  for (const id of SECTIONS) if (await panel.page.locator(`#${id}`).isVisible()) shown.push(id);
  return shown;
}

async function clean(panel: PanelPage): Promise<void> {
  assert.deepEqual(await cspViolations(panel.page), []);
  assert.deepEqual(panel.consoleErrors, []);
}

/** The label column of the table, top to bottom. */
const labelOrder = (panel: PanelPage) => panel.page.locator('.label-table tbody th').allTextContents();

describe('evaluation views, one per task', () => {
  it('multi-label: a per-label table with bars, weakest F1 first, sortable by each column', async () => {
    const panel = await show(MULTI_LABEL);
    try {
      assert.deepEqual(await shownSections(panel), ['labels-section']);
      assert.deepEqual(await labelOrder(panel), ['<b>fish</b>', 'dog', 'cat', 'bird'], 'F1 ascending; names as text');
      const catRow = panel.page.locator('.label-table tbody tr', { hasText: 'cat' });
      assert.deepEqual(await catRow.locator('td').allTextContents(), ['0.9', '0.5', '0.6429', '40']);
      // Each score's bar is as long as the score.
      const widths = await catRow
        .locator('.bar')
        .evaluateAll((bars) => bars.map((b) => (b as unknown as { style: { width: string } }).style.width));
      assert.deepEqual(widths, ['90%', '50%', '64%']);
      const cell = await catRow.locator('td.precision').boundingBox();
      const bar = await catRow.locator('td.precision .bar').boundingBox();
      assert.ok(cell && bar && Math.abs(bar.width / cell.width - 0.9) < 0.05, 'the bar fills 90% of its cell');
      assert.match(
        (await panel.page.locator('.label-table caption').textContent()) ?? '',
        /^Exact match \(every label right\): 0\.62 · a label counts as predicted above 0\.5$/,
      );
      await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/evaluation-multilabel-dark.png`, fullPage: true });

      await panel.page.locator('button.sort[data-column="recall"]').click();
      assert.deepEqual(await labelOrder(panel), ['dog', 'bird', 'cat', '<b>fish</b>'], 'recall, highest first');
      assert.equal(await panel.page.locator('.label-table th[aria-sort]').getAttribute('aria-sort'), 'descending');
      await panel.page.locator('button.sort[data-column="recall"]').click();
      assert.deepEqual(await labelOrder(panel), ['<b>fish</b>', 'cat', 'bird', 'dog'], 'again: lowest first');
      await panel.page.locator('button.sort[data-column="name"]').click();
      assert.deepEqual(await labelOrder(panel), ['<b>fish</b>', 'bird', 'cat', 'dog'], 'names A to Z');
      await panel.page.locator('button.sort[data-column="support"]').click();
      assert.deepEqual(await labelOrder(panel), ['cat', 'dog', 'bird', '<b>fish</b>'], 'support, highest first');
      await clean(panel);
    } finally {
      await panel.page.close();
    }
  });

  it('regression: a scatter of every point, the y = x line corner to corner, and a caption with R²', async () => {
    const ev = regression();
    const panel = await show(ev, 'light');
    try {
      assert.deepEqual(await shownSections(panel), ['regression-section']);
      const points = panel.page.locator('.scatter .points circle');
      assert.equal(await points.count(), 300);
      const caption = (await panel.page.locator('.scatter figcaption').textContent()) ?? '';
      assert.equal(
        caption,
        'Predicted vs true, 300 of 1200 test samples (output 1 of 3; errors over all outputs, R² 0.9612, MAE 0.51, RMSE 0.566)',
      );
      // The SVG is named by the caption for screen readers.
      const svg = panel.page.locator('.scatter svg');
      assert.equal(await svg.getAttribute('role'), 'img');
      assert.equal(
        await svg.getAttribute('aria-labelledby'),
        await panel.page.locator('.scatter figcaption').getAttribute('id'),
      );
      // The point whose prediction equals its target lies on the identity line.
      const line = await panel.page
        .locator('.scatter line.identity')
        .evaluate((l) => ['x1', 'y1', 'x2', 'y2'].map((a) => Number(l.getAttribute(a))));
      const [x1, y1, x2, y2] = line as [number, number, number, number];
      assert.ok(x2 > x1 && y2 < y1, 'the line rises from bottom left to top right');
      const first = await points.first().evaluate((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]);
      const [cx, cy] = first as [number, number];
      const onLine = y1 + ((cx - x1) / (x2 - x1)) * (y2 - y1);
      assert.ok(Math.abs(cy - onLine) < 0.2, `point (2, 2) at ${cx},${cy}; the line there is at ${onLine}`);
      // A point above the line was predicted too high: higher on screen than the line.
      const r = ev.regression!;
      const i = r.predicted.findIndex((p, k) => p > r.trueValues[k]! + 0.5);
      const [hx, hy] = (await points
        .nth(i)
        .evaluate((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))])) as [number, number];
      assert.ok(hy < y1 + ((hx - x1) / (x2 - x1)) * (y2 - y1), 'an over-prediction is drawn above the line');
      await reviewScreenshot(panel.page.locator('#regression-section'), {
        path: `${SCREENSHOTS}/evaluation-regression-light.png`,
      });
      await clean(panel);
    } finally {
      await panel.page.close();
    }
  });

  it('image to image: the error and a grid of input, target and output per sample, all loaded', async () => {
    const panel = await show(IMAGES);
    try {
      assert.deepEqual(await shownSections(panel), ['images-section']);
      assert.equal(
        await panel.page.locator('#images-summary').textContent(),
        'Reconstruction MSE 0.0213 · PSNR 16.72 dB (peak 1)',
      );
      const figures = panel.page.locator('.image-triples figure');
      assert.equal(await figures.count(), 8);
      assert.deepEqual(
        await figures
          .first()
          .locator('img')
          .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt'))),
        ['sample 0: input', 'sample 0: target', 'sample 0: output'],
      );
      // Every image decoded under the panel's CSP (data: images).
      const sizes = await panel.page
        .locator('.image-triples img')
        .evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
      assert.equal(sizes.length, 24);
      assert.ok(
        sizes.every((w) => w === 16),
        JSON.stringify(sizes),
      );
      assert.equal(await figures.nth(1).locator('figcaption').textContent(), 'sample 6 · MSE 0.016');
      await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/evaluation-images-dark.png`, fullPage: true });
      await clean(panel);
    } finally {
      await panel.page.close();
    }
  });

  it('classes: the confusion matrix alone; a run without a task report shows the metrics only', async () => {
    const panel = await show(CLASSES);
    try {
      assert.deepEqual(await shownSections(panel), ['confusion-section']);
      assert.equal(await panel.page.locator('.confusion-table tbody tr').count(), 2);
      // The next run of the same panel (a regression) replaces the view.
      await panel.send({ type: 'reset', runId: 'r2', model: 'm', runDir: '/runs/m/2' });
      await panel.send({ type: 'events', runId: 'r2', events: runEvents(regression()) });
      await panel.settle();
      assert.deepEqual(await shownSections(panel), ['regression-section']);
      await panel.send({ type: 'reset', runId: 'r3', model: 'm', runDir: '/runs/m/3' });
      await panel.send({
        type: 'events',
        runId: 'r3',
        events: runEvents({ type: 'evaluated', loss: 1, metrics: {} }),
      });
      await panel.settle();
      assert.deepEqual(await shownSections(panel), []);
      assert.ok(await panel.page.locator('#test-metrics').isVisible());
      await clean(panel);
    } finally {
      await panel.page.close();
    }
  });

  it('report.html shows the same views, offline', async () => {
    // One offline tab loads the three reports in turn (a tab each would cost a renderer process).
    const context = await browser.newContext({ offline: true });
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      for (const [name, ev, selector, count] of [
        ['multilabel', MULTI_LABEL, '.label-table tbody tr', 4],
        ['regression', regression(), '.scatter .points circle', 300],
        ['images', IMAGES, '.image-triples img', 24],
      ] as const) {
        const file = resolve(SCREENSHOTS, `report-${name}.html`);
        writeFileSync(file, renderReport(runEvents(ev), { title: `m — ${name}` }));
        errors.length = 0;
        await page.goto(`file://${file}`);
        await waitUntil(page, `document.querySelectorAll(${JSON.stringify(selector)}).length === ${count}`);
        assert.deepEqual(errors, [], name);
      }
    } finally {
      await context.close();
    }
  });
});
