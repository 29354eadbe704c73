// A run's saved model used again, through the CLI as a process: `modelspec evaluate RUN_DIR`
// reproduces the run's own test metrics on each engine, and a model that starts with
// Pretrained(path=..., trainable=False) trains on each engine with the saved weights loaded and
// left untouched (BatchNormalization's moving statistics included, as Keras freezes them).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { findTorch } from '../../training/engines/detect';
import { readTensorFile } from '../../training/engines/tfjs/tensor-files';
import type { RunEvent, RunSpec, TensorFile } from '../../training/protocol';
import { readSavedWeights } from '../../training/saved-weights';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const torchFound = (await findTorch()).probe !== undefined;
const engines = torchFound ? ['tfjs', 'torch'] : ['tfjs'];

const BASE = `model base {
  Input(shape=(784,))
  Dense(32, activation='relu')
  BatchNormalization()
  Dense(10, activation='softmax')
}
compile { loss: 'categorical_crossentropy'  optimizer: 'adam'  metrics: ['accuracy'] }
data { train: digits  test: digits(split='test')  validation_split: 0.1 }
fit { epochs: 1  batch_size: 128  seed: 3 }
`;

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  const events =
    args.includes('--json') && args[0] !== 'summary'
      ? r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as RunEvent)
      : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, events };
}

function only<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }> {
  const e = events.find((x) => x.type === type);
  assert.ok(e, `a ${type} event in ${JSON.stringify(events.map((x) => x.type))}`);
  return e as Extract<RunEvent, { type: T }>;
}

/** Each layer's weights as plain arrays, read from a saved model.json. */
function savedLayers(modelJson: string): number[][][] {
  return readSavedWeights(modelJson).map((l) => l.tensors.map((t) => Array.from(readTensorFile(t).data)));
}

describe('saved models used again', () => {
  let dir: string;
  let baseRun: string;
  let baseTest: Extract<RunEvent, { type: 'evaluated' }>;

  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'modelspec-saved-'));
    writeFileSync(join(dir, 'base.model'), BASE);
    const r = cli(['train', 'base.model', '--backend', 'tfjs', '--json'], dir);
    assert.equal(r.code, 0, r.stderr);
    baseRun = only(r.events, 'started').runDir;
    baseTest = only(r.events, 'evaluated');
  });

  for (const engine of engines) {
    it(`evaluate on ${engine} gives the run's own test metrics`, () => {
      const r = cli(['evaluate', baseRun, '--backend', engine], dir);
      assert.equal(r.code, 0, r.stderr);
      const [, loss, accuracy] = /Test \(2,000 samples\): loss ([\d.]+), accuracy ([\d.]+)/.exec(r.stdout) ?? [];
      assert.ok(loss, r.stdout);
      assert.ok(Math.abs(Number(loss) - baseTest.loss) < 1e-3, `loss ${loss} vs ${baseTest.loss}`);
      assert.equal(Number(accuracy), Number(baseTest.metrics.accuracy.toFixed(4)));
      assert.match(r.stdout, /Confusion matrix \(rows: true class, columns: predicted\)/);
      assert.match(r.stdout, /Accuracy per class, lowest first:/);

      const json = cli(['evaluate', baseRun, '--backend', engine, '--json'], dir);
      const evaluated = only(json.events, 'evaluated');
      assert.equal(
        evaluated.confusionMatrix?.flat().reduce((a, b) => a + b, 0),
        2000,
      );
      assert.equal(only(json.events, 'finished').epochs, 0, 'nothing trained');
    });
  }

  it('evaluate prepares the data again when it has left the cache', () => {
    const copy = join(dir, 'runs', 'copied-run');
    cpSync(baseRun, copy, { recursive: true });
    const spec = JSON.parse(readFileSync(join(copy, 'spec.json'), 'utf8')) as RunSpec;
    const gone = (f: TensorFile): TensorFile => ({ ...f, path: join(dir, 'pruned', basename(f.path)) });
    spec.data.train = { x: gone(spec.data.train.x), y: gone(spec.data.train.y) };
    spec.data.test = { x: gone(spec.data.test!.x), y: gone(spec.data.test!.y) };
    writeFileSync(join(copy, 'spec.json'), JSON.stringify(spec));
    const r = cli(['evaluate', copy, '--backend', 'tfjs'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Preparing the data of .*base\.model again \(it left the cache\)/);
    assert.match(r.stdout, new RegExp(`Test \\(2,000 samples\\): loss ${baseTest.loss.toFixed(4)}`));
  });

  it('evaluate keeps its events apart from the run and explains bad folders', () => {
    assert.ok(readdirSync(join(baseRun, 'evaluations')).length >= 1);
    const notRun = cli(['evaluate', dir], dir);
    assert.equal(notRun.code, 1);
    assert.match(notRun.stderr, /is not a run folder \(it has no spec\.json\)/);
    const noBest = cli(['evaluate', baseRun, '--best'], dir);
    assert.equal(noBest.code, 1);
    assert.match(noBest.stderr, /has no best\/model\.json: only runs with a ModelCheckpoint callback save one/);
    const usage = cli(['evaluate'], dir);
    assert.equal(usage.code, 2);
  });

  for (const engine of engines) {
    it(`Pretrained(trainable=False) trains on ${engine} from the saved weights, which stay frozen`, () => {
      const file = `transfer-${engine}.model`;
      writeFileSync(
        join(dir, file),
        BASE.replace(
          /model base \{[^}]*\}/,
          `model transfer {\n  Pretrained(path='${join(baseRun, 'model.json')}', trainable=False)\n  Dense(10, activation='softmax')\n}`,
        )
          // The new head reads the base's class probabilities: a larger step learns it in two epochs.
          .replace("optimizer: 'adam'", 'optimizer: Adam(learning_rate=0.03)')
          .replace('epochs: 1', 'epochs: 2'),
      );
      const summary = cli(['summary', '--json', file], dir);
      assert.equal(summary.code, 0, summary.stderr);
      const r = cli(['train', file, '--backend', engine, '--json'], dir);
      assert.equal(r.code, 0, r.stderr);
      const started = only(r.events, 'started');
      // 784·32+32 + 4·32 + 32·10+10 frozen, 10·10+10 new.
      assert.deepEqual(started.params, { total: 25_688, trainable: 110, nonTrainable: 25_578 });
      const before = savedLayers(join(baseRun, 'model.json'));
      const after = savedLayers(join(started.runDir, 'model.json'));
      assert.equal(after.length, before.length + 1);
      for (let i = 0; i < before.length; i++) {
        for (let w = 0; w < before[i]!.length; w++) {
          const a = before[i]![w]!;
          const b = after[i]![w]!;
          const worst = a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k]!)), 0);
          assert.ok(worst < 1e-6, `layer ${i} weight ${w} changed by ${worst}: frozen weights must stay as saved`);
        }
      }
      // The frozen features are the trained ones: one epoch of a new head already classifies well.
      assert.ok(
        only(r.events, 'evaluated').metrics.accuracy > 0.6,
        JSON.stringify(only(r.events, 'evaluated').metrics),
      );
      assert.ok(existsSync(join(started.runDir, 'model.json')));
    });
  }
});
