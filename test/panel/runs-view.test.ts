// The runs view of the training panel in headless Chromium (loaded as VS Code loads it): every run
// of the model with the columns of `modelspec runs`, the displayed run marked, several runs
// overlaid in distinct colours that stay readable in light and dark themes, and a legend that
// names runs by their differing hyperparameters and shows each one's latest values.

import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { RunSummary } from '../../media/panel/src/messages';
import type { RunEvent } from '../../training/protocol';
import { mnistRunEvents } from './fixtures/mnistRun';
import { buildPanel, cspViolations, launchBrowser, openPanel, SCREENSHOTS, type PanelPage } from './fixtures/panelPage';

let browser: Browser;
before(async () => {
  await buildPanel();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

const current = mnistRunEvents();
const runA = mnistRunEvents({ epochs: 15, batches: 20, bestEpoch: 12, lrDropEpoch: 10 }, { evaluate: false });
const runB = mnistRunEvents({ epochs: 8, batches: 20, bestEpoch: 5, lrDropEpoch: 20 }, { evaluate: false });

const facts = (over: Partial<NonNullable<RunSummary['facts']>>): NonNullable<RunSummary['facts']> => ({
  status: 'finished',
  engine: 'tfjs',
  backend: 'wasm',
  device: 'WebAssembly SIMD, 1 thread, AMD EPYC (2 cores)',
  epochs: 12,
  plannedEpochs: 12,
  best: { metric: 'val_accuracy', value: 0.9731, epoch: 7 },
  test: { loss: 0.0912, metrics: { accuracy: 0.9702 } },
  seconds: 50.4,
  hyperparameters: { optimizer: 'Adam', learning_rate: 0.001, 'dense.units': 128 },
  ...over,
});

const RUNS: RunSummary[] = [
  {
    runDir: '/runs/mnist_mlp/c',
    label: 'learning_rate=0.001, dense.units=128',
    name: '2026-11-27 08:00:00',
    displayed: true,
    facts: facts({}),
  },
  {
    runDir: '/runs/mnist_mlp/b',
    label: 'learning_rate=0.01, dense.units=64',
    name: '2026-11-26 19:40:00',
    facts: facts({
      status: 'stopped',
      epochs: 8,
      plannedEpochs: 20,
      seconds: 125,
      hyperparameters: { optimizer: 'Adam', learning_rate: 0.01, 'dense.units': 64 },
    }),
  },
  {
    runDir: '/runs/mnist_mlp/a',
    label: 'learning_rate=0.1, dense.units=512',
    name: '2026-11-26 07:12:00',
    facts: facts({
      status: 'failed',
      epochs: 3,
      plannedEpochs: 15,
      best: undefined,
      test: undefined,
      seconds: 9.5,
      hyperparameters: { optimizer: 'Adam', learning_rate: 0.1, 'dense.units': 512 },
    }),
  },
];
const DIFFERING = ['learning_rate', 'dense.units'];

/** Relative luminance and contrast ratio (WCAG 2) of CSS colours as Chromium resolves them. */
function rgb(colour: string): [number, number, number] {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(colour);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const c = /color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)/.exec(colour);
  if (c) return [Number(c[1]) * 255, Number(c[2]) * 255, Number(c[3]) * 255];
  throw new Error(`unparsed colour ${colour}`);
}
function luminance(colour: string): number {
  const [r, g, b] = rgb(colour).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function lastEpoch(events: RunEvent[]): Extract<RunEvent, { type: 'epoch' }> {
  const e = events.filter((x): x is Extract<RunEvent, { type: 'epoch' }> => x.type === 'epoch').at(-1);
  assert.ok(e);
  return e;
}

for (const theme of ['dark', 'light'] as const) {
  describe(`training panel, the runs view (${theme} theme)`, () => {
    let panel: PanelPage;
    before(async () => {
      panel = await openPanel(browser, theme);
      await panel.send({ type: 'reset', runId: '/runs/mnist_mlp/c', model: 'mnist_mlp', runDir: '/runs/mnist_mlp/c' });
      await panel.send({ type: 'events', runId: '/runs/mnist_mlp/c', events: current });
      await panel.settle();
    });
    after(async () => {
      await panel.page.close();
    });

    it('lists every run with the columns of `modelspec runs`, the displayed one marked', async () => {
      await panel.send({ type: 'runs', runs: RUNS, differing: DIFFERING });
      await panel.settle();
      const table = panel.page.locator('#run-picker table.runs-table');
      assert.equal(await table.isVisible(), true);
      const header = await table.locator('thead th').allTextContents();
      assert.deepEqual(header, [
        '',
        'run',
        'status',
        'engine',
        'device',
        'epochs',
        'best',
        'test',
        'time',
        'learning_rate',
        'dense.units',
      ]);
      const rows = await table
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      assert.deepEqual(rows[0], [
        'shown',
        '2026-11-27 08:00:00',
        'finished',
        'tfjs (wasm)',
        'WebAssembly SIMD, 1 thread, AMD EPYC (2 cores)',
        '12/12',
        'val_accuracy 0.9731 (epoch 7)',
        'loss 0.0912, accuracy 0.9702',
        '50.4 s',
        '0.001',
        '128',
      ]);
      assert.deepEqual(rows[1].slice(1), [
        '2026-11-26 19:40:00',
        'stopped',
        'tfjs (wasm)',
        'WebAssembly SIMD, 1 thread, AMD EPYC (2 cores)',
        '8/20',
        'val_accuracy 0.9731 (epoch 7)',
        'loss 0.0912, accuracy 0.9702',
        '2 min 5 s',
        '0.01',
        '64',
      ]);
      assert.deepEqual(rows[2].slice(1), [
        '2026-11-26 07:12:00',
        'failed',
        'tfjs (wasm)',
        'WebAssembly SIMD, 1 thread, AMD EPYC (2 cores)',
        '3/15',
        '',
        '',
        '9.5 s',
        '0.1',
        '512',
      ]);
      assert.equal(await table.locator('tbody tr').first().getAttribute('aria-current'), 'true');
      assert.equal(
        await table.locator('tbody tr').first().locator('input').count(),
        0,
        'the displayed run is not offered for overlay',
      );
      await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/runs-view-table-${theme}.png`, fullPage: true });
    });

    it('posts the runs ticked for overlay', async () => {
      await panel.page.getByLabel('Overlay learning_rate=0.01, dense.units=64').check();
      await panel.page.getByLabel('Overlay learning_rate=0.1, dense.units=512').check();
      await panel.page.locator('#apply-overlay').click();
      assert.deepEqual((await panel.posted()).at(-1), {
        type: 'pickOverlay',
        runDirs: ['/runs/mnist_mlp/b', '/runs/mnist_mlp/a'],
      });
    });

    it('draws each overlaid run in its own readable colour, labelled by its hyperparameters, with a legend of latest values', async () => {
      await panel.send({
        type: 'overlay',
        runs: [
          { label: RUNS[1].label, events: runB },
          { label: RUNS[2].label, events: runA },
        ],
        displayed: RUNS[0].label,
      });
      await panel.settle();
      const snapshot = await panel.inspect();
      const loss = snapshot.charts.find((c) => c.quantity === 'loss');
      assert.ok(loss);
      assert.deepEqual(loss.labels.slice(4), [
        `${RUNS[1].label} train`,
        `${RUNS[1].label} validation`,
        `${RUNS[2].label} train`,
        `${RUNS[2].label} validation`,
      ]);
      const [trainColour, , , validationColour, b1, b2, a1, a2] = loss.strokes;
      assert.equal(b1, b2, 'one colour per run');
      assert.equal(a1, a2, 'one colour per run');
      const colours = [trainColour, validationColour, b1, a1];
      assert.equal(new Set(colours).size, 4, `distinct colours: ${colours.join(' ')}`);
      const background = (await panel.page.evaluate(`getComputedStyle(document.body).backgroundColor`)) as string;
      for (const c of [b1, a1])
        assert.ok(
          contrast(c, background) >= 3,
          `${c} on ${background}: contrast ${contrast(c, background).toFixed(2)} (at least 3:1)`,
        );

      const legend = panel.page.locator('#overlay-legend');
      assert.equal(await legend.isVisible(), true);
      const items = await legend.locator('li').allTextContents();
      assert.equal(items.length, 3);
      assert.match(items[0], /^Displayed: learning_rate=0\.001, dense\.units=128/);
      const b = lastEpoch(runB);
      const a = lastEpoch(runA);
      const show = (v: number) => String(Number(v.toPrecision(4)));
      assert.equal(
        items[1],
        `${RUNS[1].label}epoch ${b.epoch}: loss ${show(b.loss)} · val loss ${show(b.valLoss!)} · accuracy ${show(b.metrics.accuracy)} · val accuracy ${show(b.valMetrics!.accuracy)}`,
      );
      assert.equal(
        items[2],
        `${RUNS[2].label}epoch ${a.epoch}: loss ${show(a.loss)} · val loss ${show(a.valLoss!)} · accuracy ${show(a.metrics.accuracy)} · val accuracy ${show(a.valMetrics!.accuracy)}`,
      );
      const swatches = (await panel.page.evaluate(
        `[...document.querySelectorAll('#overlay-legend .legend-overlay .swatch')].map((e) => getComputedStyle(e).backgroundColor)`,
      )) as string[];
      assert.deepEqual(
        swatches.map((s) => rgb(s).map(Math.round).join()),
        [b1, a1].map((s) => rgb(s).map(Math.round).join()),
        'the legend swatches are the lines’ colours',
      );
      await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/runs-view-overlay-${theme}.png`, fullPage: true });
      assert.deepEqual(await cspViolations(panel.page), []);
      assert.deepEqual(panel.consoleErrors, []);
    });
  });
}
