// "ModelSpec: Predict…" in a real VS Code (code-server) driven through Playwright: with a .model
// file open whose run was trained (through the CLI, before), the command asks for input files
// (VS Code's open dialog: the path typed and accepted), opens the training panel on the run and
// shows the image with the classes and probabilities `modelspec predict --json` gives for it;
// then the Predict… button on a run's row of Open Run… does the same with another image.
// Screenshots in .test-output/vscode-predict/.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, writeDigitPng } from '../helpers/predict-cli';
import { readDigits } from '../../training/data/digits';
import { missingPrerequisite, ROOT, runCommand, sleep, withWorkbench } from './code-server';

const skip = missingPrerequisite();
if (skip) console.log(`# skipping Predict… in a real VS Code: ${skip}`);

const SHOTS = join(ROOT, '.test-output', 'vscode-predict');

const TINY = `model tiny_digits {
    Input(shape=(784,))
    Dense(16, activation='relu')
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: 'adam'
    metrics: ['accuracy']
}
data {
    train: digits
}
fit {
    epochs: 1
    batch_size: 128
    backend: 'tfjs'
}
`;

function cli(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, NO_COLOR: '1', MODELSPEC_CACHE: join(cwd, '.cache') },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test(
  'Predict… asks for a file and shows it in the training panel with the classes `modelspec predict` gives',
  { skip, timeout: 300_000 },
  async () => {
    await withWorkbench({ files: { 'tiny.model': TINY }, shots: SHOTS }, async (page, _server, workspace) => {
      // The run, trained beforehand where the editor looks for it (runs/ beside the file).
      cli(workspace, ['train', 'tiny.model']);
      const digits = await readDigits('test');
      const image = writeDigitPng(digits.x, 0, join(workspace, 'digit.png'));
      const expected = JSON.parse(
        cli(workspace, ['predict', 'runs/tiny_digits/' + latestRun(workspace), image, '--top', '5', '--json']),
      ) as {
        predictions: { top: { class: string; probability: number }[] }[];
      };

      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'tiny.model' }).first().click();
      await page.locator('.monaco-editor .view-line', { hasText: 'tiny_digits' }).first().waitFor();
      await runCommand(page, 'ModelSpec: Predict…');
      // One run: no run to pick. VS Code's open dialog (the simple one in a browser): type the path.
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await sleep(300);
      await input.fill(image);
      await page.screenshot({ path: join(SHOTS, 'open-dialog.png') });
      await input.press('Enter');

      const panel = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
      const card = panel.locator('#predict-results .prediction').first();
      const status = panel.locator('#predict-status');
      // The answer: a result card, or the error in the status line (said in the assertion).
      await panel.locator('#predict-results .prediction, #predict-status.error').first().waitFor({ timeout: 60_000 });
      assert.equal(await status.getAttribute('class'), 'predict-status', await status.innerText());
      assert.equal(await panel.locator('#predict-results .prediction').count(), 1);
      assert.equal(await card.locator('.prediction-input').innerText(), 'digit.png');
      assert.equal(await card.locator('.prediction-input').getAttribute('title'), image);
      const shown = await card
        .locator('.top-classes li')
        .evaluateAll((lis) => lis.map((li) => li.getAttribute('aria-label')));
      assert.deepEqual(
        shown,
        expected.predictions[0]!.top.map((c) => `${c.class}: ${(c.probability * 100).toFixed(1)}%`),
      );
      await panel.locator('#predict-results img').first().waitFor();
      await sleep(400);
      await page.screenshot({ path: join(SHOTS, 'predict-panel.png') });

      // Open Run…: the button on a run's row predicts with that run (the same dialog, then the panel).
      const second = writeDigitPng(digits.x, 1, join(workspace, 'second.png'));
      const expectedSecond = JSON.parse(
        cli(workspace, ['predict', `runs/tiny_digits/${latestRun(workspace)}`, second, '--top', '5', '--json']),
      ) as typeof expected;
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'tiny.model' }).first().click();
      await runCommand(page, 'ModelSpec: Open Run…');
      const row = page.locator('.quick-input-list .monaco-list-row').first();
      await row.hover();
      await row
        .locator('.action-label[aria-label="Predict with this run…"], .action-label[title="Predict with this run…"]')
        .first()
        .click();
      await input.waitFor();
      await sleep(300);
      await input.fill(second);
      await input.press('Enter');
      const secondCard = panel.locator('#predict-results .prediction', { hasText: 'second.png' });
      await secondCard.waitFor({ timeout: 60_000 });
      assert.deepEqual(
        await secondCard
          .locator('.top-classes li')
          .evaluateAll((lis) => lis.map((li) => li.getAttribute('aria-label'))),
        expectedSecond.predictions[0]!.top.map((c) => `${c.class}: ${(c.probability * 100).toFixed(1)}%`),
      );
    });
  },
);

function latestRun(workspace: string): string {
  return readdirSync(join(workspace, 'runs', 'tiny_digits'))
    .sort()
    .at(-1)!;
}
