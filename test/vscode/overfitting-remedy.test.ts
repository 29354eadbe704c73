// The overfitting advice linked to its quick fix, in a real VS Code (code-server) driven through
// Playwright: a past run of a model without EarlyStopping or Dropout is opened (Open Run…), the
// panel's advice shows Add EarlyStopping / Add Dropout, and a click edits the .model file in the
// editor with the language service's edit; the panel then offers only Dropout. Screenshots go to
// .test-output/vscode-remedy/.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { mnistRunEvents } from '../panel/fixtures/mnistRun';
import { missingPrerequisite, ROOT, sleep, withWorkbench } from './code-server';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the overfitting remedy test in the workbench: ${skip}`);

const SHOTS = join(ROOT, '.test-output', 'vscode-remedy');

const MODEL = `model mlp {
    Input(shape=(784,))
    Dense(512, activation='relu')
    Dense(10, activation='softmax')
}

compile {
    loss: 'categorical_crossentropy'
    optimizer: 'adam'
    metrics: ['accuracy']
}

data {
    train: digits
    validation_split: 0.1
}

fit {
    epochs: 12
}
`;

async function shot(page: Page, name: string): Promise<void> {
  await sleep(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** A finished run of mlp.model that overfits from epoch 8 (the panel tests' recorded-looking stream). */
function writeRun(workspace: string): void {
  const run = join(workspace, 'runs', 'mlp', '20261203-100000');
  mkdirSync(run, { recursive: true });
  writeFileSync(
    join(run, 'events.jsonl'),
    `${mnistRunEvents()
      .map((e) => JSON.stringify(e))
      .join('\n')}\n`,
  );
  writeFileSync(
    join(run, 'spec.json'),
    JSON.stringify({
      modelName: 'mlp',
      sourceFile: join(workspace, 'mlp.model'),
      model: { class_name: 'Sequential', config: { name: 'mlp', layers: [] } },
      compile: { loss: 'categorical_crossentropy', optimizer: { name: 'adam', args: {} }, metrics: ['accuracy'] },
      fit: { epochs: 12, batchSize: 128, callbacks: [], backend: 'tfjs' },
      data: { source: 'digits', isImage: true, validationSplit: 0.1 },
    }),
  );
}

test(
  'in the workbench: the overfitting advice’s Add EarlyStopping edits the .model file',
  { skip, timeout: 300_000 },
  async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    await withWorkbench({ files: { 'mlp.model': MODEL }, shots: SHOTS }, async (page, _server, workspace) => {
      writeRun(workspace);
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'mlp.model' }).first().click();
      await page
        .locator('.monaco-editor .view-line span', { hasText: /^\(None,\s10\)/ })
        .first()
        .waitFor({ timeout: 60_000 });

      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill('>ModelSpec: Open Run');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Run' }).first().click();
      await page.locator('.quick-input-list .monaco-list-row', { hasText: '2026-12-03 10:00:00' }).first().click();

      const panel = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      const note = panel.locator('section[data-quantity="loss"] .note');
      await note.locator('button.remedy').nth(1).waitFor({ timeout: 60_000 });
      assert.deepEqual(await note.locator('button.remedy').allTextContents(), ['Add EarlyStopping', 'Add Dropout']);
      await note.scrollIntoViewIfNeeded();
      await shot(page, '01-advice-with-buttons');

      await note.locator('button.remedy', { hasText: 'Add EarlyStopping' }).click();
      // The editor holds the service's edit (unsaved), and the panel offers only what is left.
      await page
        .locator('.monaco-editor .view-line', { hasText: "callbacks: [EarlyStopping(monitor='val_loss', patience=3" })
        .first()
        .waitFor({ timeout: 30_000 });
      await note.locator('.remedy-applied', { hasText: 'in mlp.model (unsaved)' }).waitFor({ timeout: 30_000 });
      assert.deepEqual(await note.locator('button.remedy').allTextContents(), ['Add Dropout']);
      await shot(page, '02-early-stopping-added');
    });
  },
);
