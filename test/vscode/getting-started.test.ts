// The extension as a new user meets it after installing it, in a real VS Code (code-server)
// driven through Playwright: the "Get started with ModelSpec" walkthrough, step by step (open the
// digits example, see the shapes, break a layer and fix it, train, read the curves); Show Model
// Summary while the panel sits in the second group; the training backend saved to the user's
// settings, not into the user's folder; and closing the window after training with nothing in
// the logs. The screenshots go to .test-output/vscode-getting-started/; the README's come from
// here (media/screenshots/).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import {
  missingPrerequisite,
  ROOT,
  reloadWindow,
  runCommand,
  sleep,
  type CodeServer,
  withWorkbench as withCodeServerWorkbench,
} from './code-server';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the getting-started tests in a real VS Code: ${skip}`);

const SHOTS = join(ROOT, '.test-output', 'vscode-getting-started');

/** digits.model trained for 2 epochs on TensorFlow.js (fit.backend), so the run is short. */
function shortDigits(): string {
  const text = readFileSync(join(ROOT, 'examples', 'digits.model'), 'utf8');
  const short = text.replace(/epochs:\s*\d+/, 'epochs: 2').replace(/seed: 42/, "seed: 42\n    backend: 'tfjs'");
  assert.notEqual(short, text);
  return short;
}

async function shot(target: Page | Locator, name: string): Promise<void> {
  await sleep(400); // let notifications, hovers and menus finish animating
  await target.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function openWalkthrough(page: Page): Promise<Locator> {
  await runCommand(page, 'Welcome: Open Walkthrough...');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with ModelSpec' }).first().click();
  const walkthrough = page.locator('.gettingStartedContainer');
  await walkthrough.getByText('Get started with ModelSpec').first().waitFor({ timeout: 30_000 });
  return walkthrough;
}

/**
 * The summary table is in view with nothing cut off: in an editor, the Param # header ends inside
 * it; in a webview (the Model Summary view), the table is no wider than the view.
 */
async function assertSummaryFits(page: Page): Promise<void> {
  const editor = page.locator('.monaco-editor', { hasText: 'Non-trainable params' }).first();
  for (const end = Date.now() + 30_000; Date.now() < end; await sleep(250)) {
    if (await editor.isVisible()) {
      const box = (await editor.boundingBox())!;
      const param = (await editor.getByText('Param #').first().boundingBox())!;
      assert.ok(
        param.x + param.width <= box.x + box.width,
        `the summary document cuts off the Param # column (${Math.round(param.x + param.width)} > ${Math.round(box.x + box.width)})`,
      );
      return;
    }
    for (const frame of page.frames()) {
      const table = frame.locator('#table', { hasText: 'Non-trainable params' });
      if (!(await table.count().catch(() => 0))) continue;
      await table.waitFor();
      // A string: the test is type-checked without the DOM's types.
      const [scrollWidth, clientWidth] = (await frame.evaluate(
        '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
      )) as [number, number];
      assert.ok(scrollWidth <= clientWidth, `the summary view cuts off the table (${scrollWidth} > ${clientWidth} px)`);
      assert.match((await table.textContent()) ?? '', /Param #/);
      return;
    }
  }
  assert.fail('the summary did not show');
}

function step(walkthrough: Locator, id: string): Locator {
  return walkthrough.locator(`button.getting-started-step[data-step-id$="${id}"]`);
}

/** The workbench in a laptop-sized window: the screenshots are the README's. */
function withWorkbench(
  files: Record<string, string>,
  body: (page: Page, server: CodeServer, workspace: string) => Promise<void>,
): Promise<void> {
  return withCodeServerWorkbench({ files, shots: SHOTS, viewport: { width: 1280, height: 800 } }, body);
}

test(
  'the walkthrough: open the example, see the shapes, break and fix a layer, train, read the curves; closing the window logs no failed request',
  { skip, timeout: 300_000 },
  async () => {
    await withWorkbench({ 'digits.model': shortDigits() }, async (page, server) => {
      // The walkthrough opens from the palette, with its five steps.
      let walkthrough = await openWalkthrough(page);
      for (const id of ['openExample', 'seeShapes', 'breakAndFix', 'train', 'readCurves'])
        await step(walkthrough, id).waitFor();
      await shot(page, '01-walkthrough');

      // Step 1's button opens digits.model; its shapes appear after each layer.
      await walkthrough.getByText('Open digits.model', { exact: true }).first().click();
      await page
        .locator('.monaco-editor .view-line span', { hasText: /^\(None,\s512\)\s·\s401,920$/ })
        .first()
        .waitFor({ timeout: 60_000 });
      const editorPart = page.locator('.part.editor');
      await shot(editorPart, 'shapes');

      // Break a layer: a 2-D input leaves spatial axes before the last Dense. The squiggle, then
      // the quick fix from Ctrl+. puts Flatten() in.
      await page.locator('.monaco-editor .view-line', { hasText: 'Input(shape=(784,))' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Shift+Home');
      await page.keyboard.type('Input(shape=(28, 28))');
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
      // Hovering the squiggle: the message, which starts with the fix, and the Quick Fix link.
      // The editor shows a hover only after the pointer rests; a busy machine can miss the first
      // rest (the hover is cancelled when the diagnostics arrive meanwhile), so rest again.
      const denseName = page
        .locator('.monaco-editor .view-line', { hasText: "Dense(10, activation='softmax')" })
        .first()
        .locator('span', { hasText: /^Dense$/ })
        .first();
      const fixHover = page.locator('.monaco-hover-content', { hasText: 'Insert Flatten() before' }).first();
      for (let attempt = 0; ; attempt++) {
        await page.mouse.move(5, 500);
        await denseName.hover();
        try {
          await fixHover.waitFor({ timeout: 10_000 });
          break;
        } catch (e) {
          if (attempt === 3) throw e;
        }
      }
      await shot(editorPart, 'squiggle-and-fix');
      await page.mouse.move(5, 500);
      await page.keyboard.press('Escape');
      await page.locator('.monaco-editor .view-line', { hasText: "Dense(10, activation='softmax')" }).first().click();
      await page.keyboard.press('Home');
      await page.keyboard.press('Control+.');
      const fix = page.locator('.action-widget .monaco-list-row', { hasText: /Insert Flatten\(\)/ }).first();
      await fix.waitFor({ timeout: 30_000 });
      await shot(editorPart, '03-quick-fix-menu');
      // The menu takes the keyboard (a pointer block covers it): move the focus to the fix, apply it.
      const focusedFix = page.locator('.action-widget .monaco-list-row.focused', { hasText: /Insert Flatten\(\)/ });
      for (let i = 0; i < 5 && !(await focusedFix.count()); i++) await page.keyboard.press('ArrowDown');
      await focusedFix.waitFor({ timeout: 5_000 });
      await page.keyboard.press('Enter');
      await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 });
      await page.keyboard.press('Control+S');

      // Train (the step's button would do the same), wait for the end of the 2 epochs.
      await runCommand(page, 'ModelSpec: Train Model');
      const panel = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      await panel.locator('#charts canvas').first().waitFor({ timeout: 120_000 });
      await page
        .locator('.statusbar-item', { hasText: /digits_mlp.*(finished|stopped|failed)/ })
        .first()
        .waitFor({ timeout: 180_000 });
      assert.match(
        (await page.locator('.statusbar-item', { hasText: 'digits_mlp' }).first().textContent()) ?? '',
        /finished/,
      );
      await sleep(1500); // the panel draws the test metrics and the confusion matrix
      await runCommand(page, 'Notifications: Clear All Notifications');
      await shot(editorPart, 'training-panel');

      // Show Model Summary with the panel in the second group: the table shows where it fits,
      // with the Output Shape and Param # columns in view.
      await page.locator('.tab', { hasText: 'digits.model' }).first().click();
      await runCommand(page, 'ModelSpec: Show Model Summary');
      await assertSummaryFits(page);
      await shot(page, '05-summary-beside-panel');

      // Back in the walkthrough, the steps done are ticked.
      walkthrough = await openWalkthrough(page);
      for (const id of ['openExample', 'breakAndFix', 'train']) {
        await walkthrough
          .locator(`button.getting-started-step[data-step-id$="${id}"][aria-checked="true"]`)
          .waitFor({ timeout: 10_000 });
      }
      await shot(page, '06-walkthrough-progress');

      // Close the window (Developer: Reload Window closes it and opens it again) with the file in
      // front, the cursor on a layer: the extension deactivates and its language client stops while
      // the editor still asks for code actions. Those requests get no answer, and no error:
      // VS Code logged "provider FAILED … Starting server failed" for each.
      await page.locator('.tab', { hasText: 'digits.model' }).first().click();
      await page.locator('.monaco-editor .view-line', { hasText: 'Dropout(0.2)' }).first().click();
      await reloadWindow(page);
      await sleep(3000);
      await shot(page, '08-after-closing-the-window');
      const logs = server.extensionHostLogs();
      assert.match(logs, /Extension host terminating/, 'the first window was closed');
      const failures = logs
        .split('\n')
        .filter((l) => /provider FAILED|Starting server failed|Restarting server failed|can't be stopped/i.test(l));
      assert.deepEqual(failures, [], 'closing the window logged failed requests');
    });
  },
);

test(
  'Select Training Backend saves the choice in the user settings, not in the opened folder',
  { skip, timeout: 180_000 },
  async () => {
    await withWorkbench({}, async (page, _server, workspace) => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'digits.model' }).first().click();
      await page
        .locator('.monaco-editor .view-line span', { hasText: /^\(None,\s512\)\s·\s401,920$/ })
        .first()
        .waitFor({ timeout: 60_000 });
      await runCommand(page, 'ModelSpec: Select Training Backend');
      const tfjs = page.locator('.quick-input-list .monaco-list-row', { hasText: 'TensorFlow.js' }).first();
      await tfjs.waitFor({ timeout: 90_000 });
      await tfjs.click();
      // The confirmation names where the choice went; nothing is written into the folder.
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: /user settings/ }).first();
      const folderSettings = join(workspace, '.vscode', 'settings.json');
      const end = Date.now() + 30_000;
      while (!(await toast.isVisible()) && !existsSync(folderSettings) && Date.now() < end) await sleep(200);
      await shot(page, '07-backend-in-user-settings');
      assert.equal(
        existsSync(folderSettings),
        false,
        `the choice was written into the user's folder: ${existsSync(folderSettings) ? readFileSync(folderSettings, 'utf8') : ''}`,
      );
      await toast.waitFor({ timeout: 5_000 });
      // The user's settings (code-server keeps them on the server's side) hold the choice.
      await runCommand(page, 'Preferences: Open User Settings (JSON)');
      await page
        .locator('.monaco-editor .view-line', { hasText: '"modelspec.backend": "tfjs"' })
        .first()
        .waitFor({ timeout: 30_000 });
    });
  },
);
