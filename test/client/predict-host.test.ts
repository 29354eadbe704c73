// The training panel's predict messages on the host side (client/src/panel/predict-host.ts and
// the message guards), on a digits run trained here through the CLI: image files dropped as bytes
// and files given by path get the same top classes as `modelspec predict --json` gives for the
// same files, each with its image; the names shown are the dropped names; bad drops are refused
// by the guard, and a run that cannot predict answers with the CLI's error, not a throw.

import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { pathsOfUris, predictForPanel, PANEL_TOP } from '../../client/src/panel/predict-host';
import { isPanelToHostMessage, isHostToPanelMessage } from '../../media/panel/src/messages';
import { ensureBuilt } from '../helpers/build';
import { PredictCli, writeDigitPng } from '../helpers/predict-cli';
import { readDigits } from '../../training/data/digits';

const DIGITS_MODEL = `model digits_mlp {
  Input(shape=(784,))
  Dense(32, activation='relu')
  Dense(10, activation='softmax')
}
compile { loss: 'categorical_crossentropy'  optimizer: 'adam'  metrics: ['accuracy'] }
data { train: digits }
fit { epochs: 1  batch_size: 64  seed: 3 }
`;

let work: string;
let cli: PredictCli;
let runDir: string;
let files: string[];

const dataUrl = (file: string) => `data:image/png;base64,${readFileSync(file).toString('base64')}`;

before(async () => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-predict-host-'));
  cli = new PredictCli(work);
  runDir = cli.train('digits.model', DIGITS_MODEL, 'tfjs');
  const digits = await readDigits('test');
  files = [0, 1, 2].map((n) => writeDigitPng(digits.x, n, join(work, `digit-${n}.png`)));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('predicting from the training panel (host side)', () => {
  it("dropped image bytes and picked paths get the CLI's top classes, their images, and the dropped names", async () => {
    const expected = cli.predictJson([runDir, ...files, '--top', String(PANEL_TOP)]).predictions;
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('modelspec-drop-')));

    const drop = {
      type: 'predictDrop',
      files: files.map((f, i) => ({ name: `my digit ${i}.png`, dataUrl: dataUrl(f) })),
      uris: [],
    };
    assert.ok(isPanelToHostMessage(drop), 'the guard accepts a drop of PNG data URLs');
    const dropped = await predictForPanel(runDir, { dropped: drop.files });
    assert.equal(dropped.error, undefined);
    assert.match(dropped.device!, /TensorFlow\.js|ONNX Runtime/);
    assert.deepEqual(
      dropped.items.map((i) => i.input),
      ['my digit 0.png', 'my digit 1.png', 'my digit 2.png'],
    );
    dropped.items.forEach((item, n) => {
      assert.deepEqual(item.top, expected[n]!.top, `${item.input}: the CLI's classes and probabilities`);
      assert.equal(item.image, dataUrl(files[n]!), 'the image as dropped');
    });
    assert.ok(isHostToPanelMessage(dropped), "the panel's guard accepts the answer");
    const left = readdirSync(tmpdir()).filter((f) => f.startsWith('modelspec-drop-') && !before.has(f));
    assert.deepEqual(left, [], 'the dropped copies are removed');

    // Files dragged from the explorer arrive as file: URIs; picked files as paths: the same answers.
    const paths = pathsOfUris(files.map((f) => pathToFileURL(f).href));
    assert.deepEqual(paths, files);
    const picked = await predictForPanel(runDir, { paths });
    assert.deepEqual(
      picked.items.map((i) => [i.input, i.top]),
      expected.map((p) => [p.input, p.top]),
    );
  });

  it('answers a file predict refuses, or a folder that is not a run, with the CLI-worded error', async () => {
    writeFileSync(join(work, 'fake.png'), 'not a picture');
    const bad = await predictForPanel(runDir, {
      dropped: [
        { name: 'fake.png', dataUrl: `data:image/png;base64,${Buffer.from('not a picture').toString('base64')}` },
      ],
    });
    assert.deepEqual(bad.items, []);
    assert.match(bad.error!, /^fake\.png is not a PNG or JPEG image/);
    const cliError = cli.run(['predict', runDir, 'fake.png']).stderr;
    assert.match(cliError, /fake\.png is not a PNG or JPEG image/);

    const notRun = await predictForPanel(work, { paths: files });
    assert.match(notRun.error!, /is not a run folder \(it has no spec\.json\)/);
    const missing = await predictForPanel(runDir, { paths: [join(work, 'gone.png')] });
    assert.match(missing.error!, /gone\.png: no such file$/);
  });

  it('the guard refuses drops that are not PNG/JPEG data URLs, non-file URIs and empty drops', () => {
    const png = dataUrl(files[0]!);
    const ok = (m: unknown) => isPanelToHostMessage(m);
    assert.ok(ok({ type: 'predictPick' }));
    assert.ok(ok({ type: 'predictDrop', files: [], uris: ['file:///x/a.png'] }));
    assert.ok(!ok({ type: 'predictDrop', files: [], uris: [] }), 'empty');
    assert.ok(
      !ok({ type: 'predictDrop', files: [{ name: 'a.svg', dataUrl: 'data:image/svg+xml;base64,PHN2Zz4=' }], uris: [] }),
    );
    assert.ok(!ok({ type: 'predictDrop', files: [{ name: 'a.png', dataUrl: `${png}"<script>` }], uris: [] }));
    assert.ok(!ok({ type: 'predictDrop', files: [], uris: ['https://example.com/a.png'] }));
    assert.ok(!ok({ type: 'predictDrop', files: [{ name: '', dataUrl: png }], uris: [] }));
    assert.ok(
      !ok({
        type: 'predictDrop',
        files: Array.from({ length: 65 }, () => ({ name: 'a.png', dataUrl: png })),
        uris: [],
      }),
    );
    assert.ok(existsSync(files[0]!));
  });
});
