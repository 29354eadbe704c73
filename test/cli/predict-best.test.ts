// `modelspec predict --best MODEL_FILE_OR_RUNS_DIR`, through the CLI as a process: of a model's
// runs (trained here, a well-trained one first and a barely-trained one after it), the run picked
// is the one `modelspec runs --json` shows with the best validation metric, the CLI says which and
// why, and its predictions are that run's own; without a validation metric it refuses, saying so.

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { PredictCli } from '../helpers/predict-cli';

const model = (epochs: number, learningRate: number, validation = 'validation_split: 0.3') => `model animals {
  Input(shape=(2,))
  Dense(8, activation='relu')
  Dense(3, activation='softmax')
}
compile { loss: 'sparse_categorical_crossentropy'  optimizer: Adam(learning_rate=${learningRate})  metrics: ['accuracy'] }
data { train: csv('train.csv', label='kind')  ${validation} }
fit { epochs: ${epochs}  batch_size: 8  seed: 2 }
`;

let work: string;
let cli: PredictCli;
let good: string;
let poor: string;

interface RunsJson {
  runs: { runDir: string; best?: { metric: string; value: number; epoch: number } }[];
}

before(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-predict-best-'));
  cli = new PredictCli(work);
  const rows = ['size,weight,kind'];
  for (let i = 0; i < 120; i++)
    rows.push(`${[1, 5, 9][i % 3]! + (i % 7) / 10},${(i % 3) * 2 + 0.5},${['cat', 'dog', 'eel'][i % 3]}`);
  writeFileSync(join(work, 'train.csv'), rows.join('\n') + '\n');
  writeFileSync(join(work, 'ask.csv'), 'size,weight\n1,0.5\n9,4.5\n');
  // Into runs/animals beside the file, where `modelspec runs animals.model` looks.
  good = cli.train('animals.model', model(40, 0.05), 'tfjs', join(work, 'runs'));
  poor = cli.train('animals.model', model(1, 0.0001), 'tfjs', join(work, 'runs'));
  assert.notEqual(good, poor);
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('modelspec predict --best', () => {
  it('picks the run that `modelspec runs` shows with the best validation metric, says why, and predicts with it', () => {
    const runs = JSON.parse(cli.run(['runs', 'animals.model', '--json']).stdout) as RunsJson;
    assert.equal(runs.runs.length, 2);
    const [a, b] = runs.runs.map((r) => r.best!);
    assert.equal(a!.metric, 'val_accuracy');
    assert.notEqual(a!.value, b!.value, 'the two runs differ, so the pick means something');
    const expected = runs.runs.reduce((x, y) => (y.best!.value > x.best!.value ? y : x));
    assert.equal(expected.runDir, good, 'the well-trained (older) run is the better one');

    const got = cli.predictJson(['--best', 'animals.model', 'ask.csv']);
    assert.equal(got.runDir, expected.runDir);
    assert.equal(got.picked!.runDir, expected.runDir);
    assert.match(got.picked!.reason, /^the best val_accuracy \(highest\) of 2 runs: val_accuracy \d/);
    // The same predictions as naming that run.
    assert.deepEqual(got.predictions, cli.predictJson([good, 'ask.csv']).predictions);

    // The runs folder works as well as the .model file; the text form says which run on stderr.
    const text = cli.run(['predict', join(work, 'runs', 'animals'), '--best', 'ask.csv']);
    assert.equal(text.status, 0, text.stderr);
    assert.ok(text.stderr.startsWith(`Run ${good}: the best val_accuracy (highest) of 2 runs`), text.stderr);
    assert.match(text.stdout, /^ask\.csv row 2: (cat|dog|eel) \d/);
  });

  it('refuses when no run has a validation metric to compare, and when a model has no runs', () => {
    writeFileSync(join(work, 'plain.model'), model(1, 0.01, '').replace('model animals', 'model plain'));
    cli.train('plain.model', model(1, 0.01, '').replace('model animals', 'model plain'), 'tfjs', join(work, 'runs'));
    const r = cli.run(['predict', '--best', 'plain.model', 'ask.csv']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /^modelspec: no run in .*plain has a validation metric to pick the best by \(add validation_split/m,
    );

    writeFileSync(join(work, 'never.model'), model(1, 0.01).replace('model animals', 'model never'));
    const none = cli.run(['predict', '--best', 'never.model', 'ask.csv']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^modelspec: no runs of never yet \(.*\): train it with modelspec train never\.model$/m);
  });
});
