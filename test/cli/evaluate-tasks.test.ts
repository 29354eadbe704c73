// `modelspec evaluate RUN_DIR` as a process prints what each task calls for: a per-label table
// for multi-label, the regression errors, the reconstruction error and the image triples it
// writes into the evaluation folder; `--json` streams the same `evaluated` event. Each run is
// trained for one epoch through the CLI first, on npy files the test writes.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { ensureBuilt } from '../helpers/build';
import { npyBytes } from '../training/data/helpers';
import type { RunEvent } from '../../training/protocol';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
let work: string;

function cli(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, NO_COLOR: '1', MODELSPEC_CACHE: join(work, 'cache') },
  });
}

/** Deterministic values in [0, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
}

function npy(path: string, shape: number[], data: Float32Array): void {
  writeFileSync(path, npyBytes('<f4', shape, new Uint8Array(data.buffer)));
}

/** A project folder with the .model file and its data; trains it for one epoch and returns the run folder. */
function trainedRun(name: string, model: string, files: Record<string, { shape: number[]; data: Float32Array }>) {
  const dir = mkdtempSync(join(work, `${name}-`));
  for (const [file, { shape, data }] of Object.entries(files)) npy(join(dir, file), shape, data);
  writeFileSync(join(dir, `${name}.model`), model);
  const r = cli(dir, 'train', `${name}.model`, '--backend', 'tfjs');
  assert.equal(r.status, 0, r.stderr);
  const runs = join(dir, 'runs', name);
  return join(runs, readdirSync(runs)[0]!);
}

function evaluatedOf(stdout: string): Extract<RunEvent, { type: 'evaluated' }> {
  const events = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent);
  const e = events.find((x) => x.type === 'evaluated');
  assert.ok(e?.type === 'evaluated', 'an evaluated event');
  return e;
}

describe('modelspec evaluate prints the evaluation of each task', () => {
  before(async () => {
    await ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'modelspec-evaluate-tasks-'));
  });

  it('multi-label: a table of each label with precision, recall, F1 and support, and the exact-match ratio', () => {
    const n = 120;
    const x = values(n * 4, 1);
    const y = Float32Array.from({ length: n * 3 }, (_, i) => (x[Math.floor(i / 3) * 4 + (i % 3)]! > 0.5 ? 1 : 0));
    const runDir = trainedRun(
      'tags',
      `model tags {
  Input(shape=(4,))
  Dense(3, activation='sigmoid')
}
compile { loss: 'binary_crossentropy'  optimizer: 'adam' }
data { train: npy(x='x.npy', y='y.npy')  test: npy(x='x.npy', y='y.npy') }
fit { epochs: 1  batch_size: 32  seed: 1 }
`,
      { 'x.npy': { shape: [n, 4], data: x }, 'y.npy': { shape: [n, 3], data: y } },
    );
    const json = cli(work, 'evaluate', runDir, '--backend', 'tfjs', '--json');
    assert.equal(json.status, 0, json.stderr);
    const report = evaluatedOf(json.stdout).multiLabel!;
    assert.equal(report.labels.length, 3);
    const text = cli(work, 'evaluate', runDir, '--backend', 'tfjs');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /Per label \(predicted when the output is above 0\.5\):/);
    assert.match(text.stdout, /label\s+precision\s+recall\s+F1\s+support/);
    // The table holds the event's numbers, label by label.
    for (const l of report.labels) {
      const row = new RegExp(
        `${l.name}\\s+${l.precision.toFixed(4)}\\s+${l.recall.toFixed(4)}\\s+${l.f1.toFixed(4)}\\s+${l.support}\\b`,
      );
      assert.match(text.stdout, row);
    }
    assert.match(text.stdout, new RegExp(`Exact match \\(every label right\\): ${report.exactMatch.toFixed(4)}`));
    assert.doesNotMatch(text.stdout, /Confusion matrix/);
  });

  it('regression: MAE, RMSE and R² over the outputs, and how many (true, predicted) pairs --json holds', () => {
    const n = 80;
    const x = values(n * 3, 2);
    const y = Float32Array.from({ length: n * 2 }, (_, i) => x[Math.floor(i / 2) * 3]! * 2 + (i % 2));
    const runDir = trainedRun(
      'house',
      `model house {
  Input(shape=(3,))
  Dense(2)
}
compile { loss: 'mse'  optimizer: 'adam'  metrics: ['mae'] }
data { train: npy(x='x.npy', y='y.npy')  test: npy(x='x.npy', y='y.npy') }
fit { epochs: 1  batch_size: 16  seed: 1 }
`,
      { 'x.npy': { shape: [n, 3], data: x }, 'y.npy': { shape: [n, 2], data: y } },
    );
    const json = cli(work, 'evaluate', runDir, '--backend', 'tfjs', '--json');
    assert.equal(json.status, 0, json.stderr);
    const r = evaluatedOf(json.stdout).regression!;
    assert.equal(r.trueValues.length, n);
    const text = cli(work, 'evaluate', runDir, '--backend', 'tfjs');
    assert.equal(text.status, 0, text.stderr);
    assert.ok(
      text.stdout.includes(
        `Regression over all 2 outputs (R² averaged): MAE ${r.mae.toFixed(4)}, RMSE ${r.rmse.toFixed(4)}, R² ${r.r2.toFixed(4)}`,
      ),
      text.stdout,
    );
    assert.match(text.stdout, /Predicted vs true: 80 of 80 test samples of output 1 of 2/);
    // summary.txt (written when training ended) says the training run's test regression in one line.
    const trained = readFileSync(join(runDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent)
      .find((e): e is Extract<RunEvent, { type: 'evaluated' }> => e.type === 'evaluated')!.regression!;
    assert.ok(
      readFileSync(join(runDir, 'summary.txt'), 'utf8').includes(
        `Test regression (2 outputs): MAE ${trained.mae.toFixed(4)}, RMSE ${trained.rmse.toFixed(4)}, R² ${trained.r2.toFixed(4)}`,
      ),
    );
  });

  it('image to image: MSE and PSNR, and the triples written as PNGs into the evaluation folder', () => {
    const n = 12;
    const x = values(n * 8 * 8, 3);
    const runDir = trainedRun(
      'ae',
      `model ae {
  Input(shape=(8, 8, 1))
  Conv2D(1, 3, padding='same', activation='sigmoid')
}
compile { loss: 'mse'  optimizer: 'adam' }
data { train: npy(x='x.npy', y='x.npy')  test: npy(x='x.npy', y='x.npy') }
fit { epochs: 1  batch_size: 4  seed: 1 }
`,
      { 'x.npy': { shape: [n, 8, 8, 1], data: x } },
    );
    const text = cli(work, 'evaluate', runDir, '--backend', 'tfjs');
    assert.equal(text.status, 0, text.stderr);
    const m = /Reconstruction: MSE ([\d.e-]+), PSNR ([\d.]+) dB \(peak 1\)/.exec(text.stdout);
    assert.ok(m, text.stdout);
    assert.ok(Math.abs(Number(m[2]) - 10 * Math.log10(1 / Number(m[1]))) < 0.02, 'PSNR from MSE against peak 1');
    const wrote = /Wrote 8 input\/target\/output image triples to (.+)/.exec(text.stdout);
    assert.ok(wrote, text.stdout);
    const imagesDir = wrote[1]!.trim();
    assert.ok(imagesDir.startsWith(join(runDir, 'evaluations')), imagesDir);
    // floor(i·12/8) for i < 8: rows 0, 1, 3, 4, 6, 7, 9, 10.
    for (const row of [0, 1, 3, 4, 6, 7, 9, 10]) {
      for (const part of ['input', 'target', 'output']) {
        const file = join(imagesDir, `${row}-${part}.png`);
        assert.ok(existsSync(file), file);
        const png = PNG.sync.read(readFileSync(file));
        assert.deepEqual([png.width, png.height], [8, 8]);
      }
      // The target is the input (class_mode 'input'-style data): the same pixels on the [0, 1] scale.
      const target = PNG.sync.read(readFileSync(join(imagesDir, `${row}-target.png`)));
      assert.equal(target.data[0], Math.floor(x[row * 64]! * 255 + 0.5));
    }
  });
});
