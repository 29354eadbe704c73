// "Show Model Graph" in a real VS Code (code-server) driven through Playwright: the graph opens
// beside the file, a click on a layer moves the editor's cursor to its line, moving the cursor
// highlights the layer, breaking a layer redraws it red as you type, and after a window reload the
// graph is back beside the file (its WebviewPanelSerializer). Screenshots of each step go to
// .test-output/vscode-graph/.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { missingPrerequisite, ROOT, reloadWindow, runCommand, sleep, withWorkbench } from './code-server';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the model graph test in the workbench: ${skip}`);

const SHOTS = join(ROOT, '.test-output', 'vscode-graph');

async function shot(page: Page, name: string): Promise<void> {
  await sleep(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

function graphFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
}

/**
 * The editor's cursor line: its active line number, drawn whether the editor or the graph beside
 * it has the focus. (The status bar's "Ln, Col" shows only while a text editor is the active
 * one, and a click in the webview may leave the graph's group active: CI once timed out there
 * with the cursor already on the line.)
 */
const activeLine = (page: Page) => page.locator('.monaco-editor .line-numbers.active-line-number');

async function cursorLine(page: Page): Promise<number> {
  const text = ((await activeLine(page).first().textContent()) ?? '').trim();
  assert.match(text, /^\d+$/, `the editor shows the cursor's line number: ${text}`);
  return Number(text);
}

test(
  'in the workbench: Show Model Graph, click a layer → its line, cursor → highlighted layer, live errors, restored after a reload',
  { skip, timeout: 360_000 },
  async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    await withWorkbench({ shots: SHOTS }, async (page) => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'digits-cnn.model' }).first().click();
      // The server has analysed the file once its hints show.
      await page
        .locator('.monaco-editor .view-line span', { hasText: /^\(None,\s128\)\s·\s1,179,776$/ })
        .first()
        .waitFor({ timeout: 60_000 });

      await runCommand(page, 'ModelSpec: Show Model Graph');
      const graph = graphFrame(page);
      // The input and the eight layers of digits_cnn.
      await graph.locator('g.box').nth(8).waitFor({ timeout: 60_000 });
      assert.equal(await graph.locator('g.box').count(), 9);
      assert.match(
        (await graph.locator('.memory').textContent()) ?? '',
        /Training memory ≈ 60\.9 MB.*Adadelta, 2× the weights.*batch 128/,
      );
      await page.locator('.tab', { hasText: 'Graph: digits-cnn.model' }).waitFor();
      await shot(page, '01-graph-beside-the-file');

      // Click the first Dense layer's box: the cursor goes to its line (line 9 of the file).
      await graph.locator('g.box', { hasText: 'Dense  dense' }).first().click();
      await activeLine(page)
        .filter({ hasText: /^\s*9\s*$/ })
        .waitFor({ timeout: 10_000 });
      assert.equal(await cursorLine(page), 9);
      await shot(page, '02-click-a-layer');

      // Put the cursor on the MaxPooling2D line: its box is highlighted.
      await page.locator('.monaco-editor .view-line', { hasText: 'MaxPooling2D' }).first().click();
      const current = graph.locator('g.box.current');
      await current.first().waitFor({ timeout: 10_000 });
      assert.match((await current.textContent()) ?? '', /MaxPooling2D/);
      assert.equal(await current.count(), 1);
      await shot(page, '03-cursor-highlights-its-layer');

      // Break a layer while typing: a Conv2D after Flatten. The graph redraws it red with the message.
      await page.locator('.monaco-editor .view-line', { hasText: "Dense(128, activation='relu')" }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Shift+Home');
      await page.keyboard.type('Conv2D(8, (3, 3))');
      // Half-typed states (Conv2D(8 without its kernel size) are drawn red too; wait for the last.
      const broken = graph.locator('g.box.error', { hasText: 'rank-3 input' });
      await broken.first().waitFor({ timeout: 30_000 });
      assert.equal(await graph.locator('g.box.error').count(), 1);
      assert.match((await broken.locator('text').first().textContent()) ?? '', /^Conv2D/);
      await shot(page, '04-live-error');

      // Reload the window: VS Code restores the graph's tab, and the serializer draws it again
      // for the same file (the edit above kept by hot exit: its red layer too).
      await page.keyboard.press('Escape');
      await reloadWindow(page);
      await page.locator('.tab', { hasText: 'Graph: digits-cnn.model' }).waitFor({ timeout: 60_000 });
      const restored = graphFrame(page);
      await restored.locator('g.box.error', { hasText: 'rank-3 input' }).first().waitFor({ timeout: 90_000 });
      assert.equal(await restored.locator('g.box').count(), 9);
      await shot(page, '05-restored-after-reload');
    });
  },
);
