// The learning-rate finder in the training panel (media/panel/src/lrPlot.ts), in headless
// Chromium as VS Code loads it, fed a recorded range test (the torch engine on the digits MLP
// with Adam: fixtures/lr-find-digits.jsonl). Asserts on the chart, the marked suggestion, the
// words, and the message the button posts; screenshots go to .test-output/panel/.

import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { formatLearningRate, lrPoints, suggestLearningRate } from '../../training/lr-find';
import { parseEvent } from '../../training/run-folder';
import type { RunEvent } from '../../training/protocol';
import {
  buildPanel,
  cspViolations,
  launchBrowser,
  openPanel,
  SCREENSHOTS,
  waitUntil,
  type PanelPage,
} from './fixtures/panelPage';

const RUN_ID = '/runs/digits_mlp/lr-find-20261203-201709';
const events = readFileSync('test/panel/fixtures/lr-find-digits.jsonl', 'utf8')
  .split('\n')
  .map(parseEvent)
  .filter((e): e is RunEvent => e !== undefined);
const points = lrPoints(events);
const expected = suggestLearningRate(points).suggestion!;

let browser: Browser;
before(async () => {
  await buildPanel();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function replay(panel: PanelPage, evs: RunEvent[]): Promise<void> {
  await panel.send({ type: 'reset', runId: RUN_ID, model: 'digits_mlp', runDir: RUN_ID });
  for (let i = 0; i < evs.length; i += 40)
    await panel.send({ type: 'events', runId: RUN_ID, events: evs.slice(i, i + 40) });
  await panel.settle();
}

interface LrChart {
  xDistr: number;
  labels: string[];
  length: number;
  xScale: [number, number];
  yScale: [number, number];
}
const LR_CHART = `(() => {
  const u = window.modelspecPanel.lrPlot();
  return u && { xDistr: u.scales.x.distr, labels: u.series.slice(1).map((s) => s.label), length: u.data[0].length,
    xScale: [u.scales.x.min, u.scales.x.max], yScale: [u.scales.y.min, u.scales.y.max] };
})()`;

describe('learning-rate finder, a finished range test (dark theme)', () => {
  let panel: PanelPage;
  before(async () => {
    panel = await openPanel(browser, 'dark');
    await replay(panel, events);
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/lr-finder-dark.png`, fullPage: true });
  });
  after(async () => {
    await panel.page.close();
  });

  it('draws loss and smoothed loss against the learning rate on a log axis, instead of the training curves', async () => {
    assert.equal(await panel.page.locator('#lr-finder').isVisible(), true);
    assert.equal(await panel.page.locator('#charts-toolbar').isVisible(), false);
    assert.equal(await panel.page.locator('#empty').isVisible(), false);
    const chart = (await panel.page.evaluate(LR_CHART)) as LrChart;
    assert.equal(chart.xDistr, 3, 'a log scale');
    assert.deepEqual(chart.labels, ['loss (per batch)', 'loss (smoothed)']);
    assert.equal(chart.length, points.length);
    assert.ok(
      chart.xScale[0] <= 1e-7 && chart.xScale[1] >= points[points.length - 1]!.learningRate,
      `x ${chart.xScale}`,
    );
    // y follows the smoothed loss from a little above its start (2.4) down to its minimum: the
    // diverging end (7.8 smoothed, far more raw) leaves the view.
    const smoothed = points.map((p) => p.smoothedLoss);
    assert.ok(chart.yScale[1] < smoothed[0]! * 1.5 && chart.yScale[1] > smoothed[0]!, `y max ${chart.yScale}`);
    assert.ok(chart.yScale[0] <= Math.min(...smoothed), `y min ${chart.yScale}`);
    const labels = (await panel.page.evaluate(`window.modelspecPanel.lrPlot().axes[0]._values`)) as (string | null)[];
    assert.ok(labels.includes('1e-7') && labels.includes('1e-3') && labels.includes('0.01'), `x labels ${labels}`);
    assert.ok(
      labels.every((l) => l === '' || /^(1e-\d|0\.\d*1|1)$/.test(l ?? '')),
      `x labels at decades only: ${labels}`,
    );
    assert.equal((await panel.page.evaluate('window.modelspecPanel.plots().size')) as number, 0, 'no epoch charts');
  });

  it('names the suggestion, how it was chosen, and minimum/10', async () => {
    const text = (await panel.page.locator('#lr-suggestion').textContent()) ?? '';
    assert.equal(expected.rule, 'steepest');
    assert.match(
      text,
      new RegExp(
        `Suggested learning rate: ${formatLearningRate(expected.suggested).replace('.', '\\.')}, the steepest descent of the smoothed loss`,
      ),
    );
    assert.ok(text.includes(`minimum/10: ${formatLearningRate(expected.minimumOver10)}`), text);
    assert.equal(
      await panel.page.locator('#lr-apply').textContent(),
      `Use ${formatLearningRate(expected.suggested)} in the optimizer`,
    );
  });

  it('marks the suggestion with a vertical line at its learning rate', async () => {
    const px = (await panel.page.evaluate(`(() => {
      const u = window.modelspecPanel.lrPlot();
      const y = Math.round(u.bbox.top + u.bbox.height * 0.5);
      const at = (lr) => [...u.ctx.getImageData(Math.round(u.valToPos(lr, 'x', true)), y, 1, 1).data];
      return { mark: at(${expected.suggested}), min10: at(${expected.minimumOver10}), away: at(${expected.suggested / 300}) };
    })()`)) as { mark: number[]; min10: number[]; away: number[] };
    const [r, g, b] = px.mark;
    assert.ok(g! > r! + 30 && g! > b! + 30, `the suggestion line is green (the theme's marker colour): ${px.mark}`);
    assert.notDeepEqual(px.min10, px.away, 'minimum/10 is marked too');
  });

  it('asks the host to write the suggestion into the optimizer', async () => {
    await panel.page.locator('#lr-apply').click();
    const posted = await panel.posted();
    assert.deepEqual(posted[posted.length - 1], {
      type: 'applyLearningRate',
      runId: RUN_ID,
      learningRate: expected.suggested,
    });
    assert.deepEqual(await cspViolations(panel.page), []);
    assert.deepEqual(panel.consoleErrors, []);
  });
});

describe('learning-rate finder while the test runs, and in the light theme', () => {
  it('shows the latest batch and no suggestion until the test has ended', async () => {
    const panel = await openPanel(browser, 'light');
    const running = events.slice(0, 1 + 80);
    await replay(panel, running);
    assert.match((await panel.page.locator('#lr-suggestion').textContent()) ?? '', /^Batch 80: learning rate /);
    assert.equal(await panel.page.locator('#lr-apply').isVisible(), false);
    await replay(panel, events);
    await waitUntil(panel.page, `document.getElementById('lr-apply').hidden === false`);
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/lr-finder-light.png`, fullPage: true });
    assert.deepEqual(panel.consoleErrors, []);
    await panel.page.close();
  });

  it('a saved, read-only view offers no button', async () => {
    const panel = await openPanel(browser, 'dark');
    await panel.send({ type: 'static' });
    await replay(panel, events);
    assert.equal(await panel.page.locator('#lr-finder').isVisible(), true);
    assert.equal(await panel.page.locator('#lr-apply').isVisible(), false);
    await panel.page.close();
  });
});
