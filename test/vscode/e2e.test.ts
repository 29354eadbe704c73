// The extension as a user meets it, in a real VS Code (code-server) driven through Playwright:
// inline shapes, a squiggle and the problem count for a broken layer, hover, Train from the
// command palette, the panel's curves, Stop. A screenshot of each step goes to
// .test-output/vscode/ for review.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { runLabel } from '../../client/src/runs-folder';
import { missingPrerequisite, ROOT, reloadWindow, runCommand, sleep, withWorkbench } from './code-server';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the workbench end-to-end test: ${skip}`);

const SHOTS = join(ROOT, '.test-output', 'vscode');

/**
 * digits.model, trained for 2 epochs with TensorFlow.js so the run is short; small batches make
 * it last long enough (tens of seconds) for Stop to arrive mid-run.
 */
function shortDigits(): string {
  const text = readFileSync(join(ROOT, 'examples', 'digits.model'), 'utf8');
  const short = text.replace(/epochs:\s*\d+/, 'epochs: 2').replace(/batch_size:\s*\d+/, 'batch_size: 16');
  assert.notEqual(short, text);
  return short;
}

async function shot(page: Page, name: string): Promise<void> {
  await sleep(400); // let notifications and hovers finish animating
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
}

async function statusBarText(page: Page): Promise<string> {
  const items = page.locator('.statusbar-item', { hasText: 'digits_mlp' });
  return (await items.count()) ? ((await items.first().textContent()) ?? '') : '';
}

test(
  'in the workbench: hints, a squiggle, hover, Train from the palette, live curves, Stop',
  { skip, timeout: 300_000 },
  async () => {
    // Each run's screenshots replace the last run's.
    rmSync(SHOTS, { recursive: true, force: true });
    const files = {
      'digits.model': shortDigits(),
      '.vscode/settings.json': JSON.stringify({ 'modelspec.backend': 'tfjs' }),
    };
    await withWorkbench({ files, shots: SHOTS }, async (page, _server, workspace) => {
      // Open the file from the explorer; the server's inlay hints show each layer's shape.
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'digits.model' }).first().click();
      const editor = page.locator('.monaco-editor .view-lines').first();
      await editor.waitFor();
      // Inlay hints are spans after the layer's text (with non-breaking spaces).
      await page
        .locator('.monaco-editor .view-line span', { hasText: /^\(None,\s512\)\s·\s401,920$/ })
        .first()
        .waitFor({ timeout: 60_000 });
      assert.match((await editor.textContent()) ?? '', /\(None,\s10\)\s·\s5,130/);
      // After the model's closing brace, the whole model's parameter count.
      await page
        .locator('.monaco-editor .view-line span', { hasText: /^[\d,]+\sparams\s\([\d.]+\s[KMG]?B\)$/ })
        .first()
        .waitFor({ timeout: 30_000 });
      await shot(page, '01-inlay-hints');

      // Hover a layer: its shape and parameter count.
      await page
        .locator('.monaco-editor .view-line span', { hasText: /^Dense$/ })
        .first()
        .hover();
      const hover = page.locator('.monaco-hover-content', { hasText: 'Parameters' }).first();
      await hover.waitFor({ timeout: 30_000 });
      const hoverText = (await hover.textContent()) ?? '';
      assert.match(hoverText, /Output:\s*\(None, 512\)/);
      assert.match(hoverText, /Parameters: 401,920/);
      await shot(page, '02-hover');
      await page.mouse.move(5, 500);
      await page.keyboard.press('Escape');

      // Hover the model's name: the totals first, then one single-height row per layer, all in view.
      await page
        .locator('.monaco-editor .view-line span', { hasText: /^digits_mlp$/ })
        .first()
        .hover();
      const summaryHover = page.locator('.monaco-hover', { hasText: 'Total params' }).first();
      await summaryHover.waitFor({ timeout: 30_000 });
      const box = (await summaryHover.boundingBox())!;
      const tableRows = summaryHover.locator('tr');
      assert.ok((await tableRows.count()) >= 3, 'a header and a row per layer');
      const firstRow = (await tableRows.nth(1).boundingBox())!;
      const lastRow = (await tableRows.last().boundingBox())!;
      assert.ok(firstRow.height < 30, `a compact row, not a wrapped one (${firstRow.height}px)`);
      assert.ok(lastRow.y + lastRow.height <= box.y + box.height + 1, 'the last layer is in view without scrolling');
      const totals = (await summaryHover
        .getByText(/^Total params/)
        .first()
        .boundingBox())!;
      assert.ok(totals.y < firstRow.y, 'the totals come before the table');
      await shot(page, '02b-model-hover');
      await page.mouse.move(5, 500);
      await page.keyboard.press('Escape');

      // Break a layer: a Conv2D after a Dense layer. The squiggle and the problem count appear.
      await page.locator('.monaco-editor .view-line', { hasText: 'Dropout(0.2)' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Shift+Home');
      await page.keyboard.type('Conv2D(32, (3, 3))');
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
      // While typing, half-written calls count too; the count settles at one error.
      await page.locator('#status\\.problems[aria-label="Errors: 1"]').waitFor({ timeout: 30_000 });
      await page.keyboard.press('Control+Shift+M');
      await page
        .locator('.markers-panel .monaco-list-row', { hasText: 'before Conv2D: it expects a rank-3 input' })
        .first()
        .waitFor();
      await shot(page, '03-broken-layer');

      // Put the layer back: clean again, then train from the command palette.
      await page.locator('.monaco-editor .view-line', { hasText: 'Conv2D' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Shift+Home');
      await page.keyboard.type('Dropout(0.2)');
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 });
      await runCommand(page, 'ModelSpec: Train Model');

      // The panel opens and draws curves as batches arrive.
      const panel = panelFrame(page);
      await panel.locator('#charts canvas').first().waitFor({ timeout: 120_000 });
      await panel.locator('#empty').waitFor({ state: 'hidden', timeout: 120_000 });
      await page
        .locator('.statusbar-item', { hasText: /digits_mlp · epoch \d\/2/ })
        .first()
        .waitFor({ timeout: 60_000 });
      assert.match(await statusBarText(page), /digits_mlp · epoch \d\/2/);
      // The progress notification is gone once the run has started: progress lives in the status
      // bar and the panel, and nothing covers the charts.
      await page
        .locator('.notification-toast', { hasText: 'Training digits_mlp' })
        .first()
        .waitFor({ state: 'detached', timeout: 30_000 });
      await shot(page, '04-training');

      // Stop from the panel: the engine stops after the batch and says so.
      await panel.locator('#stop').click();
      await page
        .locator('.statusbar-item', { hasText: /digits_mlp.*(stopped|finished|failed)/ })
        .first()
        .waitFor({ timeout: 120_000 });
      const status = await statusBarText(page);
      // One short notification: where it stopped, where the model is, and Evaluate.
      const notice = page
        .locator('.notification-toast', {
          hasText: /digits_mlp stopped at epoch \d\/2 after \d+:\d\d; the model is saved in/,
        })
        .first();
      await notice.waitFor({ timeout: 30_000 });
      assert.equal(await notice.locator('.monaco-button', { hasText: 'Evaluate' }).count(), 1);
      assert.equal(await notice.locator('.monaco-button', { hasText: 'Reveal Run Folder' }).count(), 1);
      await shot(page, '05-stopped');

      // The run folder recorded the run and its ending.
      const runs = join(workspace, 'runs', 'digits_mlp');
      const [runDir] = readdirSync(runs);
      assert.ok(runDir, 'a run folder was written');
      const events = readFileSync(join(runs, runDir, 'events.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; engine?: string });
      assert.equal(events[0]!.type, 'started');
      assert.equal(events[0]!.engine, 'tfjs');
      assert.equal(events.at(-1)!.type, 'stopped');
      assert.match(status, /stopped/);

      // Reload the window as a user does (Developer: Reload Window, which saves the workbench's
      // state before it reloads; a bare page reload can lose it): the panel comes back (its
      // serializer) and replays the run folder.
      await reloadWindow(page);
      const restored = panelFrame(page);
      await restored.locator('#charts canvas').first().waitFor({ timeout: 60_000 });
      await restored.locator('#empty').waitFor({ state: 'hidden', timeout: 60_000 });
      assert.match((await restored.locator('#status').textContent()) ?? '', /stopped/i);
      await shot(page, '06-restored-after-reload');

      // Close the panel; "Open Run…" lists the run folder and replays it into a new panel.
      await page.locator('.tab', { hasText: 'Training: digits_mlp' }).locator('.codicon-close').click({ force: true });
      await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 30_000 });
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'digits.model' }).first().click();
      await runCommand(page, 'ModelSpec: Open Run…');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: runLabel(runDir) })
        .first()
        .click();
      await panelFrame(page).locator('#charts canvas').first().waitFor({ timeout: 60_000 });
      await shot(page, '07-open-run');

      // "Select Training Backend" lists auto and both engines (a missing one says why).
      await runCommand(page, 'ModelSpec: Select Training Backend');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'TensorFlow.js' })
        .first()
        .waitFor({ timeout: 90_000 });
      const rows = (await page.locator('.quick-input-list .monaco-list-row').allTextContents()).map((t) => t.trim());
      assert.equal(rows.length, 3, rows.join('\n'));
      assert.match(rows[0]!, /^auto/);
      assert.match(rows[1]!, /^tfjs.*TensorFlow\.js/);
      assert.match(rows[2]!, /torch.*PyTorch/);
      await shot(page, '08-select-backend');
      await page.keyboard.press('Escape');

      // "Show Model Summary" from the file alone in the editor: Keras's table in the same group at
      // full width (it used to open beside the file, half-width, with Param # cut off).
      await page.locator('.tab', { hasText: 'Training: digits_mlp' }).locator('.codicon-close').click({ force: true });
      await page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 30_000 });
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'digits.model' }).first().click();
      await runCommand(page, 'ModelSpec: Show Model Summary');
      const summaryEditor = page.locator('.monaco-editor', { hasText: 'Non-trainable params' }).first();
      await summaryEditor.waitFor({ timeout: 30_000 });
      const editorBox = (await summaryEditor.boundingBox())!;
      const param = (await summaryEditor
        .locator('.view-line', { hasText: 'Param #' })
        .first()
        .locator('span', { hasText: 'Param #' })
        .first()
        .boundingBox())!;
      assert.ok(param.x + param.width <= editorBox.x + editorBox.width, 'the Param # column is not cut off');
      await shot(page, '09-summary');
    });
  },
);
