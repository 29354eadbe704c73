// The training panel in headless Chromium, loaded as VS Code loads it (panelHtml, CSP, nonce),
// fed a recorded MNIST-like run. Asserts on what the charts hold and what the page shows.

import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { runProgress, statusText } from '../../client/src/run-status';
import { describeCallback } from '../../training/callback-events';
import { smoothEma } from '../../media/panel/src/smoothing';
import type { RunEvent, RunSpec } from '../../training/protocol';
import { runTraits } from '../../training/run-traits';
import { MISTAKES, MNIST_RUN, mnistRunEvents } from './fixtures/mnistRun';
import {
  buildPanel,
  cspViolations,
  launchBrowser,
  openPanel,
  SCREENSHOTS,
  THEMES,
  waitUntil,
  type ChartSnapshot,
  type PanelPage,
} from './fixtures/panelPage';

const RUN_ID = 'run-1';
const events = mnistRunEvents();

let browser: Browser;

before(async () => {
  await buildPanel();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

async function replay(panel: PanelPage, evs: RunEvent[], chunk = 100): Promise<void> {
  await panel.send({ type: 'reset', runId: RUN_ID, model: 'mnist_mlp', runDir: '/runs/mnist_mlp/1' });
  for (let i = 0; i < evs.length; i += chunk) {
    await panel.send({ type: 'events', runId: RUN_ID, events: evs.slice(i, i + chunk) });
  }
  await panel.settle();
}

function chart(snapshot: { charts: ChartSnapshot[] }, quantity: string): ChartSnapshot {
  const c = snapshot.charts.find((x) => x.quantity === quantity);
  assert.ok(c, `no ${quantity} chart`);
  return c;
}

describe('training panel, a finished MNIST-like run (dark theme)', () => {
  let panel: PanelPage;
  before(async () => {
    panel = await openPanel(browser, 'dark');
    await replay(panel, events);
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/finished-dark.png`, fullPage: true }); // for review
  });
  after(async () => {
    await panel.page.close();
  });

  it('says it is ready when loaded', async () => {
    assert.deepEqual((await panel.posted())[0], { type: 'ready' });
  });

  it('draws one chart per quantity, loss first, with batch, smoothed, epoch and validation series', async () => {
    const s = await panel.inspect();
    assert.deepEqual(
      s.charts.map((c) => c.quantity),
      ['loss', 'accuracy'],
    );
    const batches = MNIST_RUN.epochs * MNIST_RUN.batches;
    for (const c of s.charts) {
      assert.deepEqual(c.labels, ['train (per batch)', 'train (smoothed)', 'train (epoch)', 'validation']);
      assert.deepEqual(c.counts, [batches, batches, MNIST_RUN.epochs, MNIST_RUN.epochs]);
      // Epoch ends coincide with the last batch of each epoch, so x holds just the batches.
      assert.equal(c.xLength, batches);
    }
  });

  it('puts x in epochs from 0 to the planned number and fits y to the values', async () => {
    const loss = chart(await panel.inspect(), 'loss');
    assert.deepEqual(loss.xScale, [0, MNIST_RUN.epochs]);
    const [lo, hi] = loss.yScale;
    assert.ok(lo <= 0.08 && hi >= 2.0 && hi < 3.5, `loss y range ${lo}..${hi}`);
    const acc = chart(await panel.inspect(), 'accuracy');
    assert.ok(acc.yScale[0] <= 0.2 && acc.yScale[1] >= 0.98 && acc.yScale[1] <= 1.2, `accuracy y ${acc.yScale}`);
  });

  it('fills the header: model, engine and device, epoch, samples/s, status', async () => {
    const text = (id: string) => panel.page.locator(`#${id}`).textContent();
    assert.equal(await text('model-name'), 'mnist_mlp');
    assert.equal(await text('engine'), 'tfjs · wasm · CPU (2 threads, SIMD)');
    assert.equal(await text('epoch'), '12 / 12');
    assert.match((await text('speed')) ?? '', /^1[01],\d{3}$/);
    assert.equal(await text('status'), 'finished');
    // An ended run's time is the time it took, labelled as such (not an ETA).
    assert.equal(await text('eta-label'), 'Elapsed');
    assert.equal(await text('eta'), '0:50');
    assert.equal(await panel.page.locator('#progress').getAttribute('aria-valuenow'), '100');
    assert.equal(await text('params'), '101,770');
  });

  it('flags overfitting from epoch 8 with a note and a band on the loss chart', async () => {
    const note = panel.page.locator('section[data-quantity="loss"] .note');
    assert.equal(await note.isVisible(), true);
    assert.match((await note.textContent()) ?? '', /epoch 8.*EarlyStopping.*Dropout.*augmentation/s);
    assert.equal(await panel.page.locator('section[data-quantity="accuracy"] .note').isVisible(), false);
    // The band is drawn on the canvas: compare a pixel inside it (epochs 8..12) with one before it
    // at the same height, near the top where no curve passes.
    const tint = (await panel.page.evaluate(`(() => {
      const u = window.modelspecPanel.plots().get('loss');
      const y = Math.round(u.bbox.top + u.bbox.height * 0.25);
      const px = (epoch) => [...u.ctx.getImageData(Math.round(u.valToPos(epoch, 'x', true)), y, 1, 1).data];
      return { inside: px(10.2), before: px(3.3), edge: px(8) };
    })()`)) as { inside: number[]; before: number[]; edge: number[] };
    assert.ok(tint.inside[0] > tint.before[0] + 10, `band is reddish: ${tint.inside} vs ${tint.before}`);
  });

  it('marks the learning-rate change where the reduced rate starts', async () => {
    // The marker is a dashed green line at x = 5 (start of epoch 6) on every chart.
    const greenAt = (await panel.page.evaluate(`(() => {
      const u = window.modelspecPanel.plots().get('accuracy');
      const x = Math.round(u.valToPos(${MNIST_RUN.lrDropEpoch - 1}, 'x', true));
      let hits = 0;
      for (let y = Math.round(u.bbox.top); y < u.bbox.top + u.bbox.height; y += 2) {
        const [r, g, b] = u.ctx.getImageData(x, y, 1, 1).data;
        if (g > 150 && g > r + 20 && g > b + 40) hits++;
      }
      return hits;
    })()`)) as number;
    assert.ok(greenAt > 10, `green marker pixels at epoch 5: ${greenAt}`);
  });

  it('shows the test metrics and a 10×10 confusion matrix, true classes in rows', async () => {
    assert.equal(await panel.page.locator('#evaluation').isVisible(), true);
    assert.match((await panel.page.locator('#test-metrics').textContent()) ?? '', /Test accuracy\s*0\.9744/);
    const cells = panel.page.locator('.confusion-table tbody td');
    assert.equal(await cells.count(), 100);
    const cell49 = panel.page.locator('.confusion-table td[data-row="4"][data-col="9"]');
    assert.equal(await cell49.textContent(), '31');
    assert.equal(await cell49.getAttribute('aria-label'), 'true 4, predicted 9: 31');
    assert.match((await cell49.getAttribute('class')) ?? '', /miss/);
    assert.deepEqual(await panel.page.locator('.confusion-table thead th[scope=col]').allTextContents(), [
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
    ]);
    const diagonal = await panel.page.locator('.confusion-table td.hit').count();
    assert.equal(diagonal, 10);
  });

  it('shows the 16 sample images with labels, mistakes first', async () => {
    const figures = panel.page.locator('#samples figure');
    assert.equal(await figures.count(), 16);
    const first = await panel.page.locator('#samples figure img').evaluateAll((imgs) =>
      imgs.slice(0, 6).map((i) => ({
        alt: i.getAttribute('alt'),
        loaded: (i as unknown as { naturalWidth: number }).naturalWidth,
      })),
    );
    assert.deepEqual(
      first.slice(0, 5).map((f) => f.alt),
      MISTAKES.map(
        (m) =>
          `sample ${m.index}: true ${m.label}, predicted ${m.predicted} (${Math.round((0.51 + 0.02 * m.index) * 100)}%)`,
      ),
    );
    assert.ok(
      first.every((f) => f.loaded === 28),
      'PNGs decode to 28×28',
    );
    assert.equal(await panel.page.locator('#samples figure.mistake').count(), MISTAKES.length);
  });

  it('shows the values under the cursor in the legend', async () => {
    const over = panel.page.locator('section[data-quantity="loss"] .u-over');
    const box = (await over.boundingBox())!;
    // Hover at epoch 6.3 (a little right of half-way along the 0..12 axis): it snaps to epoch 6.
    await panel.page.mouse.move(box.x + (box.width * 6.3) / 12, box.y + box.height / 2);
    const values = await panel.page.locator('section[data-quantity="loss"] .u-legend .u-value').allTextContents();
    assert.match(values[0], /^6$/, 'x snapped to the epoch point');
    assert.ok(
      values.slice(1, 5).every((v) => /^\d+(\.\d+)?$/.test(v)),
      `legend: ${values}`,
    );
    // The same epoch in the accuracy chart (synced hover), with that epoch's values.
    const acc = await panel.page.locator('section[data-quantity="accuracy"] .u-legend .u-value').allTextContents();
    assert.equal(acc[0], '6', 'the accuracy chart follows the hover');
    const e6 = events.find((e) => e.type === 'epoch' && e.epoch === 6);
    assert.ok(e6?.type === 'epoch');
    assert.equal(acc[4], String(Number(e6.valMetrics!.accuracy!.toPrecision(4))), 'validation accuracy of epoch 6');
    assert.equal(values[4], String(Number(e6.valLoss!.toPrecision(4))), 'validation loss of epoch 6');
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/hover-synced.png`, fullPage: true }); // for review
    await panel.page.mouse.move(0, 0);
  });

  it('shows the latest values in the legend without hovering', async () => {
    await panel.page.mouse.move(0, 0);
    const last = events.filter((e) => e.type === 'epoch').at(-1);
    assert.ok(last?.type === 'epoch');
    const loss = await panel.page.locator('section[data-quantity="loss"] .u-legend .u-value').allTextContents();
    assert.equal(loss[0], '12');
    assert.equal(loss[3], String(Number(last.loss.toPrecision(4))), 'train (epoch)');
    assert.equal(loss[4], String(Number(last.valLoss!.toPrecision(4))), 'validation');
    assert.ok(/^\d+(\.\d+)?$/.test(loss[1]!) && /^\d+(\.\d+)?$/.test(loss[2]!), `batch values: ${loss}`);
  });

  it('gives each series its own legend swatch', async () => {
    const swatches =
      (await panel.page.evaluate(`[...document.querySelectorAll('section[data-quantity="loss"] .u-legend .u-series .u-marker')].map((e) => {
      const s = getComputedStyle(e);
      return s.borderTopColor + ' ' + s.borderTopStyle + ' ' + s.borderTopWidth + ' ' + s.backgroundColor;
    })`)) as string[];
    // The x series' marker is hidden; one visible, different swatch per data series.
    const data = swatches.slice(1);
    assert.equal(data.length, 4, swatches.join(' | '));
    assert.ok(
      data.every((s) => !/ none | 0px /.test(s)),
      `every swatch visible: ${data.join(' | ')}`,
    );
    assert.equal(new Set(data).size, 4, `swatches: ${data.join(' | ')}`);
  });

  it("lists the callbacks' actions in the words the CLI and the Output channel use", async () => {
    const items = await panel.page.locator('#events li').allTextContents();
    const lr = events.find((e) => e.type === 'callback');
    assert.ok(lr?.type === 'callback');
    assert.ok(items.includes(describeCallback(lr)), `events: ${items.join(' | ')}`);
    assert.ok(
      items.includes(
        'ReduceLROnPlateau: val_loss did not improve for 2 epochs, so the learning rate went from 0.001 to 0.0001 after epoch 5',
      ),
    );
  });

  it('disables Stop once the run has finished', async () => {
    assert.equal(await panel.page.locator('#stop').getAttribute('disabled'), '');
  });

  it('raises no errors and no Content Security Policy violations', async () => {
    assert.deepEqual(await cspViolations(panel.page), []);
    assert.deepEqual(panel.consoleErrors, []);
  });
});

describe('training panel, overfitting advice for a file that already has EarlyStopping and Dropout', () => {
  it('advises only what the file does not do yet', async () => {
    const panel = await openPanel(browser, 'dark');
    // examples/digits.model's own choices: Dropout(0.2) layers and EarlyStopping in fit.
    const traits = runTraits({
      model: {
        class_name: 'Sequential',
        config: {
          name: 'digits_mlp',
          layers: [
            { class_name: 'InputLayer', config: { batch_shape: [null, 784] } },
            { class_name: 'Dense', config: { units: 512 } },
            { class_name: 'Dropout', config: { rate: 0.2 } },
            { class_name: 'Dense', config: { units: 10 } },
          ],
        },
      },
      fit: {
        epochs: 12,
        batchSize: 128,
        callbacks: [{ name: 'EarlyStopping', args: { monitor: 'val_loss', patience: 3 } }],
        backend: 'auto',
        mixedPrecision: false,
        devices: 1,
        nnodes: 1,
      },
      data: {
        source: 'digits',
        train: { x: { path: '', dtype: 'uint8', shape: [] }, y: { path: '', dtype: 'int32', shape: [] } },
        validationSplit: 0.1,
        rescale: 1,
        labelEncoding: 'onehot',
        shuffle: true,
        isImage: false,
        imageShape: [28, 28, 1],
      },
    } as Pick<RunSpec, 'model' | 'fit' | 'data'>);
    await panel.send({ type: 'reset', runId: RUN_ID, model: 'digits_mlp', runDir: '/runs/digits_mlp/1', traits });
    for (let i = 0; i < events.length; i += 200)
      await panel.send({ type: 'events', runId: RUN_ID, events: events.slice(i, i + 200) });
    await panel.settle();
    const note = (await panel.page.locator('section[data-quantity="loss"] .note').textContent()) ?? '';
    assert.match(note, /^Possible overfitting from epoch 8/);
    assert.match(note, /already has EarlyStopping and Dropout;/);
    assert.doesNotMatch(note, /Consider.*EarlyStopping\(/, 'no EarlyStopping advice to a file that has it');
    assert.doesNotMatch(note, /Dropout layers/, 'no Dropout advice to a file that has it');
    assert.match(note, /data augmentation/, 'the digits are images and the file does not augment them');
    assert.match(note, /kernel_regularizer/);
    await reviewScreenshot(panel.page.locator('section[data-quantity="loss"]'), {
      path: `${SCREENSHOTS}/overfitting-advice.png`,
    }); // for review
    await panel.page.close();
  });
});

describe('training panel, a run EarlyStopping ended at epoch 9 of 12', () => {
  it('shows it finished: 100%, elapsed time, and the callback reason before the restored weights', async () => {
    const panel = await openPanel(browser, 'dark');
    const upTo9 = events.slice(0, events.findIndex((e) => e.type === 'epoch' && e.epoch === 9) + 1);
    const stop: RunEvent = {
      type: 'callback',
      callback: 'EarlyStopping',
      action: 'stopTraining',
      epoch: 9,
      monitor: 'val_loss',
      wait: 2,
      best: 0.0966781,
      bestEpoch: 7,
      restoredEpoch: 7,
    };
    const evaluated = events.find((e) => e.type === 'evaluated')!;
    const seconds = (upTo9.filter((e) => e.type === 'batch').at(-1) as Extract<RunEvent, { type: 'batch' }>).time + 1;
    await replay(panel, [
      ...upTo9,
      stop,
      evaluated,
      { type: 'finished', time: 't', epochs: 9, seconds, modelPath: '/runs/mnist_mlp/1/model.json' },
    ]);
    const text = (id: string) => panel.page.locator(`#${id}`).textContent();
    assert.equal(await text('status'), 'finished');
    assert.equal(await panel.page.locator('#progress').getAttribute('aria-valuenow'), '100', 'not stuck at 75%');
    assert.equal(await text('eta-label'), 'Elapsed');
    const items = await panel.page.locator('#events li').allTextContents();
    assert.ok(
      items.includes(
        'EarlyStopping: val_loss did not improve for 2 epochs (best 0.09668 at epoch 7), so training stopped after epoch 9; restored the weights of epoch 7',
      ),
      items.join(' | '),
    );
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/early-stopped.png`, fullPage: true }); // for review
    await panel.page.close();
  });
});

describe('training panel, a run in progress', () => {
  let panel: PanelPage;
  // Everything up to the end of epoch 5, nothing after.
  const upToEpoch5 = events.slice(0, events.findIndex((e) => e.type === 'epoch' && e.epoch === 5) + 1);
  before(async () => {
    panel = await openPanel(browser, 'dark');
    await replay(panel, upToEpoch5, 40);
  });
  after(async () => {
    await panel.page.close();
  });

  it('shows progress, an ETA and a running status', async () => {
    const text = (id: string) => panel.page.locator(`#${id}`).textContent();
    assert.equal(await text('status'), 'running');
    // The epoch being trained next, as the status bar counts it.
    assert.equal(await text('epoch'), '6 / 12');
    // 5 of 12 epochs took 21 s, so about 29 s remain; written as the status bar writes it.
    assert.equal(await text('eta-label'), 'ETA');
    assert.match((await text('eta')) ?? '', /^0:(2[89]|30)$/);
    // The status bar and the notification read the same events with the same estimator.
    const bar = statusText(runProgress('mnist_mlp', upToEpoch5));
    assert.match(bar, new RegExp(`epoch ${(await text('epoch'))!.replace(' / ', '/')} · ETA ${await text('eta')} ·`));
    assert.equal(await panel.page.locator('#progress').getAttribute('aria-valuenow'), '42');
    assert.equal(await panel.page.locator('#evaluation').isVisible(), false);
    const loss = chart(await panel.inspect(), 'loss');
    assert.deepEqual(loss.counts, [250, 250, 5, 5]);
    // The x axis fits the data so far (5 epochs), not the 12 planned, which are drawn faintly.
    assert.deepEqual(loss.xScale, [0, 5], 'the x axis fits the data so far');
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/in-progress.png`, fullPage: true }); // for review
  });

  it('keeps the run id in the webview state', async () => {
    const state = (await panel.page.evaluate('window.__state')) as { runId: string; smoothing: number };
    assert.equal(state.runId, RUN_ID);
    assert.equal(state.smoothing, 0.6);
  });

  it('smooths the batch series with the slider (0 = raw, debiased EMA otherwise)', async () => {
    const columns = () =>
      panel.page.evaluate(
        `(() => { const u = window.modelspecPanel.plots().get('loss'); return [u.data[1], u.data[2]]; })()`,
      ) as Promise<number[][]>;
    const [raw, smoothedDefault] = await columns();
    assert.ok(Math.abs(smoothedDefault[0] - raw[0]) < 1e-12, 'debiased: the first smoothed point is the first value');
    assert.notDeepEqual(smoothedDefault, raw);
    await panel.page.locator('#smoothing').fill('0');
    await panel.settle();
    const [, unsmoothed] = await columns();
    assert.deepEqual(unsmoothed, raw);
    await panel.page.locator('#smoothing').fill('0.95');
    await panel.settle();
    const [, heavy] = await columns();
    const expected = smoothEma(raw, 0.95);
    assert.ok(
      heavy.every((v, i) => Math.abs(v - expected[i]!) < 1e-9),
      'the panel smooths as smoothEma does',
    );
    // Roughness: how much the slope changes from point to point (the trend itself cancels out).
    const roughness = (xs: number[]) => xs.slice(2).reduce((sum, x, i) => sum + Math.abs(x - 2 * xs[i + 1] + xs[i]), 0);
    assert.ok(roughness(heavy) < roughness(smoothedDefault) / 2, 'heavier smoothing is smoother');
    assert.equal(await panel.page.locator('#smoothing-value').textContent(), '0.95');
  });

  it('switches the loss chart (only) to a log scale', async () => {
    const before = await panel.inspect();
    assert.equal(chart(before, 'loss').yDistr, 1);
    await panel.page.locator('#log-loss').click();
    await panel.settle();
    const after = await panel.inspect();
    assert.equal(chart(after, 'loss').yDistr, 3);
    assert.equal(chart(after, 'accuracy').yDistr, 1);
    assert.deepEqual(chart(after, 'loss').counts, [250, 250, 5, 5], 'data survive the rebuild');
    assert.equal(((await panel.page.evaluate('window.__state')) as { logLoss: boolean }).logLoss, true);
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/running-dark-log.png`, fullPage: true });
  });

  it('asks for earlier runs when "Compare runs…" is pressed from the keyboard', async () => {
    await panel.page.locator('#compare').focus();
    await panel.page.keyboard.press('Enter');
    assert.deepEqual((await panel.posted()).at(-1), { type: 'requestRuns' });
  });

  it('posts stop with the run id when Stop is clicked, once', async () => {
    const stop = panel.page.locator('#stop');
    assert.equal(await stop.getAttribute('disabled'), null);
    await stop.click();
    await stop.click({ force: true });
    const stops = (await panel.posted()).filter((m) => m.type === 'stop');
    assert.deepEqual(stops, [{ type: 'stop', runId: RUN_ID }]);
    assert.equal(await stop.getAttribute('disabled'), '');
  });

  it('shows a stopped run with its reason', async () => {
    await panel.send({
      type: 'events',
      runId: RUN_ID,
      events: [{ type: 'stopped', time: 't', reason: 'stopped by the user', epoch: 5 }],
    });
    await panel.settle();
    assert.equal(await panel.page.locator('#status').textContent(), 'stopped');
    assert.equal(await panel.page.locator('#status-reason').textContent(), 'stopped by the user');
  });

  it('ignores late events of another run', async () => {
    await panel.send({ type: 'events', runId: 'old-run', events: events.slice(400, 450) });
    await panel.settle();
    assert.deepEqual(chart(await panel.inspect(), 'loss').counts, [250, 250, 5, 5]);
  });
});

describe('training panel, reopened', () => {
  it('restores its settings and asks the host again for the overlaid runs', async () => {
    const panel = await openPanel(browser, 'dark', {
      runId: RUN_ID,
      overlayRunDirs: ['/runs/mnist_mlp/b'],
      smoothing: 0.3,
      logLoss: true,
    });
    assert.deepEqual(await panel.posted(), [
      { type: 'ready' },
      { type: 'pickOverlay', runDirs: ['/runs/mnist_mlp/b'] },
    ]);
    assert.equal(await panel.page.locator('#smoothing').inputValue(), '0.3');
    // The host replays the run; events for the saved run id are shown without a reset.
    await panel.send({ type: 'events', runId: RUN_ID, events: events.slice(0, 200) });
    await panel.settle();
    assert.equal(chart(await panel.inspect(), 'loss').yDistr, 3, 'log scale kept');
    await panel.page.close();
  });
});

describe('training panel, streaming', () => {
  it('takes 5,000 batch events in chunks without falling behind: redraws stay throttled', async () => {
    const panel = await openPanel(browser, 'dark');
    const long = mnistRunEvents(
      { epochs: 100, batches: 50, bestEpoch: 90, lrDropEpoch: 50 },
      { evaluate: false, finish: false },
    );
    await panel.send({ type: 'reset', runId: RUN_ID, model: 'long', runDir: '/runs/long' });
    const rendersBefore = (await panel.inspect()).renders;
    // The host posts a chunk every 10 ms (about 5,000 events a second).
    const chunks: RunEvent[][] = [];
    for (let i = 0; i < long.length; i += 50) chunks.push(long.slice(i, i + 50));
    const elapsed = (await panel.page.evaluate(`(async () => {
      const chunks = ${JSON.stringify(chunks)};
      const start = performance.now();
      for (const events of chunks) {
        window.postMessage({ type: 'events', runId: '${RUN_ID}', events }, '*');
        await new Promise((r) => setTimeout(r, 10));
      }
      return performance.now() - start;
    })()`)) as number;
    await panel.settle();
    const s = await panel.inspect();
    const renders = s.renders - rendersBefore;
    assert.ok(renders >= 2, `redrew while streaming (${renders})`);
    assert.ok(renders <= Math.ceil(elapsed / 250) + 2, `${renders} redraws in ${Math.round(elapsed)} ms`);
    assert.deepEqual(chart(s, 'loss').counts, [5000, 5000, 100, 100]);
    assert.deepEqual(chart(s, 'loss').xScale, [0, 100]);
    assert.deepEqual(panel.consoleErrors, []);
    await panel.page.close();
  });
});

describe('training panel, light theme and theme switches', () => {
  let panel: PanelPage;
  before(async () => {
    panel = await openPanel(browser, 'light');
    await replay(panel, events);
  });
  after(async () => {
    await panel.page.close();
  });

  it('draws with the light theme colours', async () => {
    const loss = chart(await panel.inspect(), 'loss');
    assert.equal(loss.strokes[1], 'rgb(26, 133, 255)', 'train: --vscode-charts-blue');
    assert.equal(loss.strokes[3], 'rgb(209, 134, 22)', 'validation: --vscode-charts-orange');
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/finished-light.png`, fullPage: true });
  });

  it('redraws in the new colours when VS Code switches to a dark theme', async () => {
    await panel.page.evaluate(`(${applyThemeSwitch.toString()})(${JSON.stringify(THEMES.dark)})`);
    await panel.settle();
    const loss = chart(await panel.inspect(), 'loss');
    assert.equal(loss.strokes[1], 'rgb(55, 148, 255)');
    assert.deepEqual(loss.counts, [600, 600, 12, 12]);
  });

  it('resizes the charts to a narrow panel', async () => {
    await panel.page.setViewportSize({ width: 520, height: 900 });
    await waitUntil(panel.page, `[...window.modelspecPanel.plots().values()].every((u) => u.width <= 480)`);
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/narrow-dark.png`, fullPage: true });
  });
});

describe('training panel, high contrast theme', () => {
  it('outlines charts with the contrast border and shows a failed run with its message', async () => {
    const panel = await openPanel(browser, 'highContrast');
    const failed: RunEvent = { type: 'failed', time: 't', message: 'NaN loss at epoch 3, batch 7', epoch: 3, batch: 7 };
    await replay(panel, [...events.slice(0, 1 + 2 * 51 + 7), failed]);
    assert.equal(await panel.page.locator('#status').textContent(), 'failed');
    assert.equal(await panel.page.locator('#status-reason').textContent(), 'NaN loss at epoch 3, batch 7');
    assert.equal(await panel.page.locator('#eta-label').textContent(), 'Elapsed');
    assert.equal(await panel.page.locator('#eta').textContent(), '0:09');
    assert.equal(await panel.page.locator('#stop').getAttribute('disabled'), '');
    const border = await panel.page.evaluate(
      `getComputedStyle(document.querySelector('section.chart')).borderTopColor`,
    );
    assert.equal(border, 'rgb(111, 195, 223)');
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/failed-high-contrast.png`, fullPage: true });
    await panel.page.close();
  });
});

/** Page-side: what VS Code does on a theme change. */
function applyThemeSwitch(vars: Record<string, string>): void {
  const d = (
    globalThis as unknown as {
      document: {
        documentElement: { style: { setProperty(k: string, v: string): void } };
        body: { className: string };
      };
    }
  ).document;
  for (const [k, v] of Object.entries(vars)) d.documentElement.style.setProperty(k, v);
  d.body.className = 'vscode-dark';
}

describe('training panel, overlays and exports', () => {
  let panel: PanelPage;
  before(async () => {
    panel = await openPanel(browser, 'dark');
    await replay(panel, events);
  });
  after(async () => {
    await panel.page.close();
  });

  it('lists earlier runs and posts the ones picked', async () => {
    await panel.send({
      type: 'runs',
      runs: [
        { runDir: '/runs/mnist_mlp/a', label: 'run 1 · 07:12' },
        { runDir: '/runs/mnist_mlp/b', label: 'run 2 · 07:40' },
      ],
    });
    await panel.settle();
    assert.equal(await panel.page.locator('#run-picker').isVisible(), true);
    await panel.page.getByLabel('run 2 · 07:40').check();
    await panel.page.locator('#apply-overlay').click();
    assert.deepEqual((await panel.posted()).at(-1), { type: 'pickOverlay', runDirs: ['/runs/mnist_mlp/b'] });
    assert.equal(await panel.page.locator('#run-picker').isVisible(), false);
    assert.deepEqual(((await panel.page.evaluate('window.__state')) as { overlayRunDirs: string[] }).overlayRunDirs, [
      '/runs/mnist_mlp/b',
    ]);
  });

  it('draws an overlaid run as two more series, labelled by run', async () => {
    const earlier = mnistRunEvents({ epochs: 15, batches: 20, bestEpoch: 12, lrDropEpoch: 10 }, { evaluate: false });
    await panel.send({ type: 'overlay', runs: [{ label: 'run 2', events: earlier }] });
    await panel.settle();
    const loss = chart(await panel.inspect(), 'loss');
    assert.deepEqual(loss.labels.slice(4), ['run 2 train', 'run 2 validation']);
    assert.deepEqual(loss.counts, [600, 600, 12, 12, 15, 15]);
    assert.deepEqual(loss.xScale, [0, 15], 'x covers the longer overlaid run');
    await reviewScreenshot(panel.page, { path: `${SCREENSHOTS}/overlay-dark.png`, fullPage: true });
  });

  it('exports every batch and epoch value as CSV', async () => {
    await panel.page.locator('#export-csv').click();
    const m = (await panel.posted()).at(-1);
    assert.equal(m?.type, 'exportCsv');
    const lines = (m as { csv: string }).csv.trimEnd().split('\n');
    assert.equal(
      lines[0],
      'kind,epoch,batch,x_epochs,loss,accuracy,val_loss,val_accuracy,learning_rate,seconds,samples_per_sec',
    );
    assert.equal(lines.length, 1 + 600 + 12);
    assert.match(lines[1], /^batch,1,1,0\.02,[\d.]+,[\d.]+,,,,,$/);
    assert.match(lines.at(-1)!, /^epoch,12,,12,[\d.]+,[\d.]+,[\d.]+,[\d.]+,0\.0001,4\.2,11400$/);
  });

  it('exports the charts as one PNG', async () => {
    await panel.page.locator('#export-png').click();
    const m = (await panel.posted()).at(-1) as { type: string; dataUrl: string };
    assert.equal(m.type, 'exportPng');
    const png = PNG.sync.read(Buffer.from(m.dataUrl.slice('data:image/png;base64,'.length), 'base64'));
    const widths = (await panel.page.evaluate(
      `[...window.modelspecPanel.plots().values()].map((u) => u.ctx.canvas.height)`,
    )) as number[];
    assert.equal(widths.length, 2);
    assert.ok(png.height > widths[0] + widths[1], `both charts stacked: ${png.height}px`);
    writeFileSync(`${SCREENSHOTS}/export.png`, PNG.sync.write(png));
  });
});
