// The overfitting advice linked to edits (issue #13), host side and panel: for a run whose file
// has neither EarlyStopping nor Dropout, the host offers both remedies (the language service's
// edits of the file's text), the panel's advice shows a button for each in headless Chromium,
// a click posts applyRemedy, the host's edit makes the file plan EarlyStopping, and the panel
// then offers only Dropout and says what was added. Screenshots under .test-output/panel/.
import { reviewScreenshot } from '../helpers/review-screenshots';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { remedyEdits, remedyOffers } from '../../client/src/panel/remedy-offers';
import { analyze } from '../../language/analysis/analyze';
import { planFit } from '../../language/analysis/plan';
import { isHostToPanelMessage, isPanelToHostMessage } from '../../media/panel/src/messages';
import { mnistRunEvents } from './fixtures/mnistRun';
import { buildPanel, launchBrowser, openPanel, SCREENSHOTS, waitUntil } from './fixtures/panelPage';
import { applyEdits } from '../language/services/helpers';

const FILE = '/work/models/mlp.model';
const TEXT = `model mlp {
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
const RUN_ID = 'run-remedies';
const TRAITS = { earlyStopping: false, dropout: false, augmentation: false, regularizer: false, images: true };

let browser: Browser;
before(async () => {
  await buildPanel();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

describe('overfitting advice with buttons that edit the .model file', () => {
  it('offers EarlyStopping and Dropout, applies the one clicked, then offers the other', async () => {
    const offers = remedyOffers(TEXT, FILE);
    assert.deepEqual(
      offers.map((o) => o.id),
      ['early-stopping', 'dropout'],
    );
    const panel = await openPanel(browser, 'dark');
    const events = mnistRunEvents();
    await panel.send({ type: 'reset', runId: RUN_ID, model: 'mlp', runDir: '/runs/mlp/1', traits: TRAITS });
    for (let i = 0; i < events.length; i += 200)
      await panel.send({ type: 'events', runId: RUN_ID, events: events.slice(i, i + 200) });
    await panel.send({ type: 'remedies', remedies: offers });
    await panel.settle();
    const note = panel.page.locator('section[data-quantity="loss"] .note');
    assert.match((await note.textContent()) ?? '', /^Possible overfitting from epoch 8/);
    const buttons = note.locator('button.remedy');
    assert.deepEqual(await buttons.allTextContents(), ['Add EarlyStopping', 'Add Dropout']);
    assert.match((await buttons.first().getAttribute('title')) ?? '', /EarlyStopping\(monitor='val_loss'/);
    await reviewScreenshot(panel.page.locator('section[data-quantity="loss"]'), {
      path: `${SCREENSHOTS}/remedy-buttons.png`,
    });

    await buttons.first().click();
    const posted = await panel.posted();
    assert.deepEqual(posted.at(-1), { type: 'applyRemedy', remedy: 'early-stopping' });
    assert.equal(isPanelToHostMessage(posted.at(-1)), true);

    // The host's side of the click: the service's edits of the file's current text.
    const remedy = remedyEdits(TEXT, FILE, 'early-stopping');
    assert.ok(remedy);
    const edited = applyEdits(TEXT, remedy.edits);
    assert.deepEqual(
      planFit(analyze(edited, { baseDir: '/work/models' })).callbacks.map((c) => [c.name, c.args.restore_best_weights]),
      [['EarlyStopping', true]],
    );
    assert.equal(remedyEdits(edited, FILE, 'early-stopping'), undefined, 'not offered twice');
    const now = remedyOffers(edited, FILE);
    await panel.send({ type: 'remedies', remedies: now, applied: 'Added EarlyStopping to mlp.model (unsaved).' });
    await panel.settle();
    await waitUntil(
      panel.page,
      `document.querySelectorAll('section[data-quantity="loss"] button.remedy').length === 1`,
    );
    assert.deepEqual(await buttons.allTextContents(), ['Add Dropout']);
    assert.match((await note.textContent()) ?? '', /Added EarlyStopping to mlp\.model \(unsaved\)\./);
    await reviewScreenshot(panel.page.locator('section[data-quantity="loss"]'), {
      path: `${SCREENSHOTS}/remedy-applied.png`,
    });
    assert.deepEqual(panel.consoleErrors, []);
    await panel.page.close();
  });

  it('the host acts only on remedies it knows; the panel only on well-formed offers', () => {
    assert.equal(isPanelToHostMessage({ type: 'applyRemedy', remedy: 'dropout' }), true);
    for (const bad of ['rm -rf', '', 3, undefined])
      assert.equal(isPanelToHostMessage({ type: 'applyRemedy', remedy: bad }), false);
    assert.equal(isHostToPanelMessage({ type: 'remedies', remedies: [{ id: 'dropout', title: 'x' }] }), true);
    assert.equal(isHostToPanelMessage({ type: 'remedies', remedies: [{ id: 'format-disk', title: 'x' }] }), false);
  });
});
