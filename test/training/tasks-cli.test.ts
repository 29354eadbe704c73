// Both engines learn each task of the lecture through `modelspec train` (LANGUAGE.md, "Tasks
// beyond one label per sample"): multi-label CSV columns reach a high binary accuracy on
// separable data, an autoencoder's loss falls (class_mode 'input', also with augmentation, whose
// targets are the augmented inputs), npy image targets with validation_split report a val_loss
// on the training loss's scale (TF.js once summed it per pixel: 784× too large), and a text
// column turned into token ids beats chance at sentiment.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { findTorch } from '../../training/engines/detect';
import { ensureBuilt } from '../helpers/build';
import { epochsOf, trainCli } from '../helpers/train-cli';
import type { RunSpec } from '../../training/protocol';
import { npyBytes } from './data/helpers';

const torch = (await findTorch()).probe;
const ENGINES = [
  { engine: 'tfjs', skip: false as const },
  { engine: 'torch', skip: torch ? (false as const) : 'no Python interpreter with torch here' },
];
const work = mkdtempSync(join(tmpdir(), 'modelspec-tasks-'));
for (const f of ['tags.csv', 'reviews.csv']) copyFileSync(resolve('examples/data', f), join(work, f));

/** SIDE × SIDE images of a filled disc each (uint8), different centres and radii, seeded. */
function discs(n: number, side: number): Uint8Array {
  const x = new Uint8Array(n * side * side);
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < n; i++) {
    const cx = 3 + next() * (side - 6);
    const cy = 3 + next() * (side - 6);
    const r = 2 + next() * 3;
    for (let y = 0; y < side; y++)
      for (let q = 0; q < side; q++)
        x[i * side * side + y * side + q] = (q - cx) ** 2 + (y - cy) ** 2 <= r * r ? 255 : 0;
  }
  return x;
}
const SIDE = 12;
const images = discs(320, SIDE);
writeFileSync(join(work, 'discs.npy'), npyBytes('|u1', [320, SIDE, SIDE, 1], images));
writeFileSync(
  join(work, 'discs-y.npy'),
  npyBytes('<f4', [320, SIDE, SIDE, 1], new Uint8Array(Float32Array.from(images, (v) => v / 255).buffer)),
);

function model(name: string, text: string): string {
  const path = join(work, `${name}.model`);
  writeFileSync(path, text);
  return path;
}

const AUTOENCODER = (augment: string) => `model discs_autoencoder {
    Input(shape=(${SIDE}, ${SIDE}, 1))
    Conv2D(8, (3, 3), activation='relu', padding='same')
    Conv2D(1, (3, 3), activation='sigmoid', padding='same')
}
compile { loss: 'binary_crossentropy'  optimizer: Adam(learning_rate=0.01) }
data {
    train: npy(x='discs.npy', y='discs.npy')
    class_mode: 'input'
    validation_split: 0.25${augment}
}
fit { epochs: 6  batch_size: 32  seed: 1 }
`;

describe("the lecture's tasks, learned through modelspec train", () => {
  before(() => ensureBuilt());

  for (const { engine, skip } of ENGINES) {
    it(`multi-label csv(label=[…]) reaches ≥ 0.9 validation binary accuracy on ${engine}`, { skip }, () => {
      const file = model(
        'tags',
        `model tags {
    Input(shape=(4,))
    Dense(32, activation='relu')
    Dense(3, activation='sigmoid')
}
compile { loss: 'binary_crossentropy'  optimizer: Adam(learning_rate=0.01)  metrics: ['accuracy', 'precision', 'recall'] }
data { train: csv('tags.csv', label=['outdoor', 'people', 'night'])  validation_split: 0.2 }
fit { epochs: 30  batch_size: 16  seed: 3 }
`,
      );
      const run = trainCli(file, ['--backend', engine]);
      assert.equal(run.code, 0, run.stderr);
      const started = run.events.find((e) => e.type === 'started');
      assert.ok(started?.type === 'started' && started.engine === engine);
      // The run's spec says what is learned, for the evaluation: the task and the labels' names.
      const spec = JSON.parse(readFileSync(join(started.runDir, 'spec.json'), 'utf8')) as RunSpec;
      assert.equal(spec.data.task, 'multilabel');
      assert.deepEqual(spec.data.classes, ['outdoor', 'people', 'night']);
      const last = epochsOf(run).at(-1);
      // 'accuracy' with binary_crossentropy is binary_accuracy: the share of the 3 × N labels right.
      assert.ok(last?.valMetrics && last.valMetrics.accuracy! >= 0.9, `val accuracy ${last?.valMetrics?.accuracy}`);
      assert.ok(last.valMetrics.precision! >= 0.85 && last.valMetrics.recall! >= 0.85, JSON.stringify(last.valMetrics));
    });

    it(
      `an autoencoder (class_mode 'input') lowers its loss, val_loss on the same scale, on ${engine}`,
      { skip },
      () => {
        const run = trainCli(model('ae', AUTOENCODER('')), ['--backend', engine]);
        assert.equal(run.code, 0, run.stderr);
        const started = run.events.find((e) => e.type === 'started');
        assert.ok(started?.type === 'started');
        const spec = JSON.parse(readFileSync(join(started.runDir, 'spec.json'), 'utf8')) as RunSpec;
        assert.equal(spec.data.task, 'image-to-image');
        assert.equal(spec.data.classMode, 'input');
        const epochs = epochsOf(run);
        const [first, last] = [epochs[0]!, epochs.at(-1)!];
        assert.ok(last.loss < 0.7 * first.loss, `loss ${first.loss} -> ${last.loss}`);
        assert.ok(
          last.valLoss! < 2 * last.loss && last.valLoss! > 0.5 * last.loss,
          `val_loss ${last.valLoss} vs loss ${last.loss}`,
        );
      },
    );

    it(`an autoencoder with augmentation learns the augmented inputs as targets on ${engine}`, { skip }, () => {
      const run = trainCli(
        model('ae-augment', AUTOENCODER('\n    augment: ImageDataGenerator(horizontal_flip=True, vertical_flip=True)')),
        ['--backend', engine],
      );
      assert.equal(run.code, 0, run.stderr);
      const epochs = epochsOf(run);
      // Were the targets the unflipped images, half the batches would ask for the mirror image
      // and the loss would stay high; with the flipped inputs as targets it falls as without.
      assert.ok(epochs.at(-1)!.loss < 0.7 * epochs[0]!.loss, `loss ${epochs[0]!.loss} -> ${epochs.at(-1)!.loss}`);
      assert.ok(epochs.at(-1)!.valLoss! < 2 * epochs.at(-1)!.loss);
    });

    it(`npy image targets with validation_split: val_loss on the loss's scale on ${engine}`, { skip }, () => {
      const run = trainCli(
        model(
          'npy-images',
          AUTOENCODER('')
            .replace("npy(x='discs.npy', y='discs.npy')", "npy(x='discs.npy', y='discs-y.npy')")
            .replace("    class_mode: 'input'\n", ''),
        ),
        ['--backend', engine],
      );
      assert.equal(run.code, 0, run.stderr);
      const last = epochsOf(run).at(-1)!;
      assert.ok(
        last.valLoss! < 2 * last.loss && last.valLoss! > 0.5 * last.loss,
        `val_loss ${last.valLoss} vs loss ${last.loss}`,
      );
    });

    it(
      `text classification on a csv text column beats chance (≥ 0.75 validation accuracy) on ${engine}`,
      { skip },
      () => {
        const file = model(
          'reviews',
          `model reviews {
    Input(shape=(20,))
    Embedding(1000, 16)
    GlobalAveragePooling1D()
    Dense(1, activation='sigmoid')
}
compile { loss: 'binary_crossentropy'  optimizer: Adam(learning_rate=0.01)  metrics: ['accuracy'] }
data { train: csv('reviews.csv', text='review', label='sentiment', max_tokens=1000, output_sequence_length=20)  validation_split: 0.2 }
fit { epochs: 12  batch_size: 32  seed: 2 }
`,
        );
        const run = trainCli(file, ['--backend', engine]);
        assert.equal(run.code, 0, run.stderr);
        const last = epochsOf(run).at(-1);
        assert.ok(last?.valMetrics && last.valMetrics.accuracy! >= 0.75, `val accuracy ${last?.valMetrics?.accuracy}`);
      },
    );
  }

  it(
    'the PyTorch export of a text column and of multi-label columns trains in Python',
    { skip: ENGINES[1]!.skip },
    () => {
      for (const name of ['text-classification', 'multilabel-csv']) {
        const script = join(work, `${name}.py`);
        const cli = join(process.cwd(), 'bin', 'modelspec.cjs');
        const exported = spawnSync(
          process.execPath,
          [cli, 'export', resolve('examples', `${name}.model`), '--to', 'pytorch', '--out', script],
          {
            encoding: 'utf8',
          },
        );
        assert.equal(exported.status, 0, exported.stderr);
        // The example reads data/…: the script runs where that folder is.
        const r = spawnSync(torch!.python, [script], { cwd: resolve('examples'), encoding: 'utf8', timeout: 300_000 });
        assert.equal(r.status, 0, r.stderr);
        const losses = [...r.stdout.matchAll(/val_loss ([\d.]+)/g)].map((m) => Number(m[1]));
        assert.ok(
          losses.length > 0 && losses.at(-1)! < 0.7 * losses[0]!,
          `${name}: val_loss ${losses[0]} -> ${losses.at(-1)}`,
        );
      }
    },
  );
});
