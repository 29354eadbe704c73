// The training panel's Predict section in headless Chromium, loaded as VS Code loads it (CSP,
// nonce): Predict… asks the host for files; image files dropped on the panel are read and posted
// as their bytes (other files skipped, said so); the host's answer shows each input image with
// its top classes and probabilities, an image-to-image model's output beside its input, or the
// error; the saved report (static) has no Predict section. Screenshots under .test-output/panel/.

import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import type { HostToPanelMessage } from '../../media/panel/src/messages';
import { readDigits } from '../../training/data/digits';
import { mnistRunEvents } from './fixtures/mnistRun';
import {
  buildPanel,
  cspViolations,
  launchBrowser,
  openPanel,
  SCREENSHOTS,
  waitUntil,
  type PanelPage,
} from './fixtures/panelPage';

let browser: Browser;
let digitPngs: Buffer[];
const RUN_DIR = '/runs/mnist_mlp/1';

function digitPng(x: Uint8Array, n: number): Buffer {
  const png = new PNG({ width: 28, height: 28, colorType: 0 });
  for (let i = 0; i < 784; i++) png.data.set([x[n * 784 + i]!, x[n * 784 + i]!, x[n * 784 + i]!, 255], i * 4);
  return PNG.sync.write(png, { colorType: 0 });
}
const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

before(async () => {
  await buildPanel();
  browser = await launchBrowser();
  const digits = await readDigits('test');
  digitPngs = [0, 1, 2].map((n) => digitPng(digits.x, n));
});
after(async () => {
  await browser?.close();
});

async function openRunPanel(theme: 'dark' | 'light' = 'dark'): Promise<PanelPage> {
  const panel = await openPanel(browser, theme);
  await panel.send(
    { type: 'reset', runId: RUN_DIR, model: 'mnist_mlp', runDir: RUN_DIR },
    { type: 'events', runId: RUN_DIR, events: mnistRunEvents() },
  );
  await panel.settle();
  return panel;
}

/** Page-side: drops files (name, type, base64 bytes) on the panel as the OS does, through a DataTransfer. */
async function drop(panel: PanelPage, files: { name: string; type: string; base64: string }[]): Promise<void> {
  await panel.page.evaluate(`(() => {
    const dt = new DataTransfer();
    for (const f of ${JSON.stringify(files)}) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    const fire = (type) => document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    fire('dragenter');
    window.__overlayShown = !document.getElementById('drop-overlay').hidden;
    fire('dragover');
    fire('drop');
  })()`);
}

describe('training panel: predicting with the shown run', () => {
  let panel: PanelPage;
  before(async () => {
    panel = await openRunPanel();
  });
  after(async () => {
    await panel.page.close();
  });

  it('Predict… asks the host for files', async () => {
    await panel.page.click('#predict-pick');
    assert.ok((await panel.posted()).some((m) => m.type === 'predictPick'));
  });

  it('dropped PNGs are posted as their bytes, with their names; a file that is not an image is skipped and named', async () => {
    await drop(panel, [
      { name: 'first.png', type: 'image/png', base64: digitPngs[0]!.toString('base64') },
      { name: 'notes.txt', type: 'text/plain', base64: Buffer.from('hello').toString('base64') },
      { name: 'second.png', type: 'image/png', base64: digitPngs[1]!.toString('base64') },
    ]);
    assert.equal(await panel.page.evaluate('window.__overlayShown'), true, 'the drop zone shows while dragging');
    await waitUntil(panel.page, 'window.__posted.some((m) => m.type === "predictDrop")');
    const posted = (await panel.posted()).find((m) => m.type === 'predictDrop');
    assert.deepEqual(posted, {
      type: 'predictDrop',
      files: [
        { name: 'first.png', dataUrl: dataUrl(digitPngs[0]!) },
        { name: 'second.png', dataUrl: dataUrl(digitPngs[1]!) },
      ],
      uris: [],
    });
    assert.equal(await panel.page.locator('#drop-overlay').isHidden(), true, 'the drop zone hides after the drop');
    assert.match(
      await panel.page.locator('#predict-status').innerText(),
      /Skipped notes\.txt: not a PNG or JPEG image/,
    );
  });

  it('shows each input image with its top classes and probabilities, in the order given', async () => {
    const answer: HostToPanelMessage[] = [
      { type: 'predicting', runDir: RUN_DIR, count: 2 },
      {
        type: 'predictions',
        runDir: RUN_DIR,
        device: 'ONNX Runtime, CPU',
        items: [
          {
            input: 'first.png',
            image: dataUrl(digitPngs[0]!),
            top: [
              { class: '7', probability: 0.925 },
              { class: '1', probability: 0.05 },
              { class: '9', probability: 0.025 },
            ],
          },
          {
            input: 'second.png',
            image: dataUrl(digitPngs[1]!),
            top: [
              { class: '2', probability: 0.6 },
              { class: '3', probability: 0.4 },
            ],
          },
        ],
      },
    ];
    await panel.send(answer[0]!);
    await panel.settle();
    assert.equal(await panel.page.locator('#predict-status').innerText(), 'Predicting 2 files…');
    await panel.send(answer[1]!);
    await panel.settle();
    const cards = panel.page.locator('#predict-results .prediction');
    assert.equal(await cards.count(), 2);
    assert.deepEqual(await cards.locator('.prediction-input').allInnerTexts(), ['first.png', 'second.png']);
    assert.deepEqual(
      await cards
        .nth(0)
        .locator('.top-classes li')
        .evaluateAll((lis) => lis.map((li) => li.getAttribute('aria-label'))),
      ['7: 92.5%', '1: 5.0%', '9: 2.5%'],
    );
    assert.deepEqual(await cards.nth(1).locator('.class-name').allInnerTexts(), ['2', '3']);
    // The bars are as long as the probabilities.
    const widths = await cards
      .nth(0)
      .locator('.bar')
      .evaluateAll((bars) => bars.map((b) => (b as unknown as { style: { width: string } }).style.width));
    assert.deepEqual(widths.map(parseFloat), [92.5, 5, 2.5]);
    assert.ok(widths.every((w) => w.endsWith('%')));
    // The images load under the panel's CSP (data: images allowed) at the digit's size.
    await waitUntil(
      panel.page,
      '[...document.querySelectorAll("#predict-results img")].every((i) => i.complete && i.naturalWidth === 28)',
    );
    assert.equal(await cards.nth(0).locator('img').getAttribute('src'), dataUrl(digitPngs[0]!));
    assert.equal(await panel.page.locator('#predict-status').innerText(), 'With ONNX Runtime, CPU');
    await reviewScreenshot(panel.page.locator('#predict'), { path: `${SCREENSHOTS}/predict-dark.png` });
    assert.deepEqual(await cspViolations(panel.page), []);
    assert.deepEqual(panel.consoleErrors, []);
  });

  it("an image-to-image model's output is shown beside its input, with where it was written; an error replaces the results", async () => {
    await panel.send({
      type: 'predictions',
      runDir: RUN_DIR,
      device: 'TensorFlow.js, WebAssembly',
      items: [
        {
          input: 'noisy.png',
          image: dataUrl(digitPngs[2]!),
          output: dataUrl(digitPngs[0]!),
          outputPath: '/data/noisy.predicted.png',
        },
      ],
    });
    await panel.settle();
    const card = panel.page.locator('#predict-results .prediction');
    assert.equal(await card.count(), 1);
    assert.deepEqual(await card.locator('img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt'))), [
      'input noisy.png',
      'output for noisy.png',
    ]);
    assert.equal(await card.locator('.output-path').innerText(), '/data/noisy.predicted.png');
    assert.equal(await card.locator('.top-classes').count(), 0);

    await panel.send({
      type: 'predictions',
      runDir: RUN_DIR,
      items: [],
      error: 'fake.png is not a PNG or JPEG image (its first bytes are 6e 6f 74 20)',
    });
    await panel.settle();
    assert.equal(await panel.page.locator('#predict-results .prediction').count(), 0);
    const status = panel.page.locator('#predict-status');
    assert.match(await status.innerText(), /^fake\.png is not a PNG or JPEG image/);
    assert.equal(await status.getAttribute('class'), 'predict-status error');
  });

  it("ignores malformed predict messages from the window (the panel's guard)", async () => {
    await panel.page.evaluate(`window.postMessage({ type: 'predictions', runDir: 3, items: 'x' }, '*')`);
    await panel.settle();
    assert.deepEqual(panel.consoleErrors, []);
  });
});

describe('the saved report (static view)', () => {
  it('has no Predict section and ignores drops', async () => {
    const panel = await openRunPanel('light');
    await panel.send({ type: 'static' });
    await panel.settle();
    assert.equal(await panel.page.locator('#predict').isHidden(), true);
    await drop(panel, [{ name: 'first.png', type: 'image/png', base64: digitPngs[0]!.toString('base64') }]);
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(!(await panel.posted()).some((m) => m.type === 'predictDrop'));
    await panel.page.close();
  });
});
