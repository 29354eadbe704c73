// The data preview in a real VS Code (code-server) driven through Playwright: the hover on the
// data block's `digits` shows the counts and a strip of digit thumbnails (data: PNGs rendered by
// VS Code's hover), the "Preview Data" code lens opens the grid beside the file with each digit
// rotated as `augment: ImageDataGenerator(rotation_range=90)` trains on it, and typing other
// arguments re-draws it. Screenshots of each step go to .test-output/vscode-preview/.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { missingPrerequisite, ROOT, sleep, withWorkbench } from './code-server';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping the data preview test in the workbench: ${skip}`);

const SHOTS = join(ROOT, '.test-output', 'vscode-preview');

const MODEL = `model augmented {
    Input(shape=(28, 28, 1))
    Conv2D(16, (3, 3), activation='relu')
    Flatten()
    Dense(10, activation='softmax')
}

compile {
    loss: 'sparse_categorical_crossentropy'
    optimizer: 'adam'
    metrics: ['accuracy']
}

data {
    train: digits
    augment: ImageDataGenerator(rotation_range=90)
}

fit {
    epochs: 2
    seed: 5
}
`;

async function shot(page: Page, name: string): Promise<void> {
  await sleep(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

test(
  'in the workbench: the hover on digits shows thumbnails; Preview Data shows the rotated digits and follows the typing',
  { skip, timeout: 240_000 },
  async () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    await withWorkbench({ files: { 'augmented.model': MODEL }, shots: SHOTS }, async (page) => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'augmented.model' }).first().click();
      // The server has analysed the file once its hints show.
      await page
        .locator('.monaco-editor .view-line span', { hasText: /^\(None,\s10\)/ })
        .first()
        .waitFor({ timeout: 60_000 });

      // Hover on `digits`: counts, classes and ten thumbnails that VS Code has decoded and drawn.
      const word = page.locator('.monaco-editor .view-line span', { hasText: /^digits$/ }).first();
      const hover = page.locator('.monaco-hover-content', { hasText: '8,000 samples' });
      for (let attempt = 0; attempt < 3 && !(await hover.isVisible()); attempt++) {
        await page.mouse.move(0, 0);
        await word.hover();
        await hover.waitFor({ timeout: 10_000 }).catch(() => undefined);
      }
      assert.match((await hover.textContent()) ?? '', /8,000 samples · shape \(28, 28, 1\) · 10 classes/);
      const thumbs = hover.locator('img[src^="data:image/png;base64,"]');
      assert.equal(await thumbs.count(), 10);
      // Decoded at their size (28 px enlarged twice): VS Code's hover renders data: images.
      await page.waitForFunction(
        `[...document.querySelectorAll('.monaco-hover-content img')].every((i) => i.complete && i.naturalWidth === 56)`,
        undefined,
        { timeout: 10_000 },
      );
      await shot(page, '01-hover-on-digits');
      await page.keyboard.press('Escape');
      await page.mouse.move(0, 0);

      // The code lens above the data block opens the grid beside the file.
      await page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Preview Data' }).first().click();
      await page.locator('.tab', { hasText: 'Data: augmented.model' }).waitFor({ timeout: 30_000 });
      const view = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      await view.locator('section.class').nth(9).waitFor({ timeout: 60_000 });
      assert.equal(await view.locator('section.class').count(), 10);
      assert.equal(await view.locator('img.augmented').count(), 80);
      assert.match(
        (await view.locator('.augment').textContent()) ?? '',
        /ImageDataGenerator\(rotation_range=90\) · seed 5/,
      );
      await shot(page, '02-preview-data-rotation-90');

      // Type other arguments: the same digits, re-drawn flipped.
      await page.locator('.monaco-editor .view-line', { hasText: 'rotation_range=90' }).first().click();
      await page.keyboard.press('End');
      await page.keyboard.press('Shift+Home');
      await page.keyboard.type('augment: ImageDataGenerator(vertical_flip=True)');
      await view
        .locator('.augment code', { hasText: 'ImageDataGenerator(vertical_flip=True)' })
        .waitFor({ timeout: 30_000 });
      assert.equal(await view.locator('img.augmented').count(), 80);
      await shot(page, '03-typing-redraws');
    });
  },
);
