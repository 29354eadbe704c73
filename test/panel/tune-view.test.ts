// The tune view (media/panel/src/tuneView.ts) in headless Chromium, loaded as VS Code loads the
// panel, fed a recorded search: `modelspec tune` on the digits MLP (Dense(Choice(32, 64, 128)),
// Adam(learning_rate=Float(1e-4, 1e-1, sampling='log')), 3 epochs, 8 random trials with the median
// rule: 3 complete, 5 pruned) in fixtures/tune-digits.jsonl. Screenshots go to .test-output/panel/.

import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TrialRunEvent, TuneEvent } from '../../training/protocol';
import {
  buildPanel,
  cspViolations,
  launchBrowser,
  openPanel,
  SCREENSHOTS,
  waitUntil,
  type PanelPage,
} from './fixtures/panelPage';

const TUNE_ID = '/work/examples/runs/digits_mlp/tune-20261203-204500';
const events = readFileSync('test/panel/fixtures/tune-digits.jsonl', 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l) as TuneEvent | TrialRunEvent);
const finished = events.filter((e): e is Extract<TuneEvent, { type: 'trial_finished' }> => e.type === 'trial_finished');
const complete = finished.filter((e) => e.state === 'complete');
const best = complete.reduce((a, b) => (b.objective! < a.objective! ? b : a));

let browser: Browser;
before(async () => {
  await buildPanel();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function show(panel: PanelPage, evs: (TuneEvent | TrialRunEvent)[], running: boolean): Promise<void> {
  await panel.send({ type: 'tuneReset', tuneId: TUNE_ID, model: 'digits_mlp', running });
  for (let i = 0; i < evs.length; i += 10)
    await panel.send({ type: 'tuneEvents', tuneId: TUNE_ID, events: evs.slice(i, i + 10) });
  await panel.settle();
}

/** The table's rows as text, in display order (hidden rows left out unless asked). */
async function rows(panel: PanelPage, all = false): Promise<string[][]> {
  return (await panel.page.evaluate(`[...document.querySelectorAll('#tune-table tbody tr')]
    .filter((tr) => ${all} || !tr.hidden)
    .map((tr) => [...tr.cells].map((c) => c.textContent))`)) as string[][];
}

describe('tune view, a finished search (dark theme)', () => {
  let panel: PanelPage;
  before(async () => {
    panel = await openPanel(browser, 'dark');
    await show(panel, events, false);
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/tune-dark.png`, fullPage: true });
  });
  after(async () => {
    await panel.page.close();
  });

  it('replaces the training view with the search: title, sampler, best trial', async () => {
    assert.equal(await panel.page.locator('#tune-view').isVisible(), true);
    assert.equal(await panel.page.locator('header.run-header').isVisible(), false);
    assert.equal(await panel.page.locator('#tune-title').textContent(), 'Tune: digits_mlp');
    assert.equal(await panel.page.locator('#tune-status').textContent(), 'finished');
    assert.match(
      (await panel.page.locator('#tune-sampler').textContent()) ?? '',
      /random search by Optuna .*objective val_loss \(minimize\); 8 \/ 8 trials/,
    );
    assert.match(
      (await panel.page.locator('#tune-best').textContent()) ?? '',
      new RegExp(
        `^Best: trial ${best.trial}, val_loss 0\\.143 with dense\\.units=128, optimizer\\.learning_rate=0\\.0258`,
      ),
    );
  });

  it('lists every trial with its state coloured, sortable by any column', async () => {
    const header = (await panel.page.evaluate(
      `[...document.querySelectorAll('#tune-table th')].map((th) => th.textContent)`,
    )) as string[];
    assert.deepEqual(header, ['#', 'state', 'dense.units', 'optimizer.learning_rate', 'val_loss', 'epochs', 'time']);
    const byNumber = await rows(panel);
    assert.deepEqual(
      byNumber.map((r) => r[0]),
      ['0', '1', '2', '3', '4', '5', '6', '7'],
    );
    assert.deepEqual(
      byNumber.map((r) => r[1]),
      finished.map((e) => e.state),
    );
    const colour = async (state: string) =>
      panel.page.evaluate(`getComputedStyle(document.querySelector('#tune-table td.state-${state}')).color`);
    assert.notEqual(await colour('complete'), await colour('pruned'));
    // Sort by the objective, ascending: the best first; again: descending.
    await panel.page.locator('#tune-table th button', { hasText: 'val_loss' }).click();
    const ascending = await rows(panel);
    assert.equal(ascending[0]![0], String(best.trial));
    const values = ascending.map((r) => Number(r[4]));
    assert.deepEqual(
      values,
      [...values].sort((a, b) => a - b),
    );
    assert.equal(await panel.page.locator('#tune-table th[aria-sort="ascending"]').textContent(), 'val_loss');
    await panel.page.locator('#tune-table th button', { hasText: 'val_loss' }).click();
    assert.equal((await rows(panel))[7]![0], String(best.trial));
    await panel.page.locator('#tune-table th button', { hasText: '#' }).click();
  });

  it('plots the objective over trials with the best so far', async () => {
    const plot = (await panel.page.evaluate(`(() => { const u = window.modelspecPanel.tune().objectivePlot;
      return { labels: u.series.map((s) => s.label), data: u.data.map((c) => [...c]) }; })()`)) as {
      labels: string[];
      data: (number | null)[][];
    };
    assert.deepEqual(plot.labels, ['trial', 'objective', 'best so far (lowest)']);
    assert.deepEqual(plot.data[0], [0, 1, 2, 3, 4, 5, 6, 7]);
    const bestSoFar = plot.data[2]!;
    for (let i = 1; i < bestSoFar.length; i++) assert.ok(bestSoFar[i]! <= bestSoFar[i - 1]!, 'never rises');
    assert.equal(bestSoFar[7], best.objective);
  });

  it("overlays every trial's validation curve: the best highlighted, pruned ones greyed and dashed", async () => {
    const curves = (await panel.page.evaluate(`(() => { const u = window.modelspecPanel.tune().curvesPlot;
      return u.series.slice(1).map((s, i) => ({ label: s.label, width: s.width, dash: s.dash ?? null, stroke: String(s.stroke(u, i + 1)), points: u.data[i + 1].filter((v) => v !== null).length })); })()`)) as {
      label: string;
      width: number;
      dash: number[] | null;
      stroke: string;
      points: number;
    }[];
    assert.equal(curves.length, 8);
    const bestCurve = curves.find((c) => c.label === `trial ${best.trial} (best)`)!;
    assert.ok(bestCurve, curves.map((c) => c.label).join(', '));
    assert.equal(bestCurve.width, 3);
    assert.equal(bestCurve.points, 3, 'three epochs');
    const pruned = curves.filter((c) => c.label.endsWith('(pruned)'));
    assert.equal(pruned.length, 5);
    for (const c of pruned) {
      assert.deepEqual(c.dash, [4, 3]);
      assert.notEqual(c.stroke, bestCurve.stroke);
    }
    // A pruned trial's curve stops where it was pruned.
    const pruned3 = curves.find((c) => c.label === 'trial 3 (pruned)')!;
    assert.equal(pruned3.points, 1);
  });

  it('draws the parallel coordinates, and brushing an axis filters the table and the plots', async () => {
    const axes = (await panel.page.evaluate(
      `[...document.querySelectorAll('#tune-parallel .pc-axis')].map((g) => g.dataset.axis)`,
    )) as string[];
    assert.deepEqual(axes, ['dense.units', 'optimizer.learning_rate (log)', 'val_loss']);
    assert.equal(await panel.page.locator('#tune-parallel .pc-line').count(), 8);
    // Brush the top of the dense.units axis (128 is at the top): trials 2 and 4 remain.
    const hit = panel.page.locator('#tune-parallel .pc-axis[data-axis="dense.units"] .pc-hit');
    const box = (await hit.boundingBox())!;
    // From a fifth of the way down to past the top: the pointer is captured, the brush clamps at the top.
    await panel.page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
    await panel.page.mouse.down();
    await panel.page.mouse.move(box.x + box.width / 2, box.y - 10, { steps: 5 });
    await panel.page.mouse.up();
    await waitUntil(panel.page, `window.modelspecPanel.tune().visible.length === 2`);
    const wide = finished.filter((e) => e.hyperparameters['dense.units'] === 128).map((e) => String(e.trial));
    assert.deepEqual(
      (await rows(panel)).map((r) => r[0]),
      wide,
    );
    assert.match(
      (await panel.page.locator('#tune-filter').textContent()) ?? '',
      /^2 of 8 trials in the brushed ranges/,
    );
    const curveCount = (await panel.page.evaluate(
      `window.modelspecPanel.tune().curvesPlot.series.length - 1`,
    )) as number;
    assert.equal(curveCount, 2);
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/tune-brushed-dark.png`, fullPage: true });
    // A click on the axis clears its brush.
    const again = (await hit.boundingBox())!;
    await panel.page.mouse.click(again.x + again.width / 2, again.y + again.height / 2);
    await waitUntil(panel.page, `window.modelspecPanel.tune().visible.length === 8`);
    assert.equal((await rows(panel)).length, 8);
  });

  it('Apply best asks the host for the best trial; nothing else reaches the host', async () => {
    await panel.page.locator('#tune-apply-best').click();
    const posted = await panel.posted();
    assert.deepEqual(posted[posted.length - 1], { type: 'applyBest', tuneId: TUNE_ID, trial: best.trial });
    assert.equal(
      await panel.page.locator('#tune-stop').getAttribute('disabled'),
      '',
      'an ended search cannot be stopped',
    );
    assert.deepEqual(await cspViolations(panel.page), []);
    assert.deepEqual(panel.consoleErrors, []);
  });
});

describe('tune view, a search in progress (light theme)', () => {
  it('shows the running trial, offers Stop, and no best before a trial completes', async () => {
    const panel = await openPanel(browser, 'light');
    const firstTrialStarted = events.findIndex((e) => e.type === 'trial_started');
    await show(panel, events.slice(0, firstTrialStarted + 2), true);
    assert.equal(await panel.page.locator('#tune-status').textContent(), 'running');
    assert.equal(await panel.page.locator('#tune-best').textContent(), 'No complete trial yet.');
    assert.equal(await panel.page.locator('#tune-apply-best').getAttribute('disabled'), '');
    assert.deepEqual(
      (await rows(panel)).map((r) => r[1]),
      ['running'],
    );
    await panel.page.locator('#tune-stop').click();
    const posted = await panel.posted();
    assert.deepEqual(posted[posted.length - 1], { type: 'stopTune', tuneId: TUNE_ID });
    await show(panel, events, true);
    await panel.send({ type: 'tuneEnded', tuneId: TUNE_ID });
    await panel.settle();
    assert.equal(await panel.page.locator('#tune-status').textContent(), 'finished');
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/tune-light.png`, fullPage: true });
    assert.deepEqual(panel.consoleErrors, []);
    await panel.page.close();
  });
});
