// `modelspec train` as a process, end to end on real data: the digits MLP (Keras's mnist_mlp)
// must really learn (≥ 95% test accuracy) on each engine present, and the run folder must hold
// what the README promises.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { findTorch } from '../../training/engines/detect';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { registerKerasLayers } from '../../training/engines/tfjs/layers';
import { countParams } from '../../training/engines/tfjs/model';
import { fileIO } from '../../training/engines/tfjs/model-io';
import { readTensorFile } from '../../training/engines/tfjs/tensor-files';
import type { RunEvent, RunSpec } from '../../training/protocol';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const torchProbe = (await findTorch()).probe;

function train(engine: string) {
  const out = mkdtempSync(join(tmpdir(), `modelspec-train-${engine}-`));
  const r = spawnSync(
    process.execPath,
    [CLI, 'train', 'examples/digits.model', '--backend', engine, '--out', out, '--json'],
    {
      encoding: 'utf8',
      timeout: 900_000,
    },
  );
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);
  return { code: r.status, stderr: r.stderr, events, out };
}

function checkRun(engine: string, run: ReturnType<typeof train>) {
  assert.equal(run.code, 0, run.stderr);
  const started = run.events.find((e) => e.type === 'started');
  assert.ok(started?.type === 'started');
  assert.equal(started.engine, engine);
  assert.equal(started.params.total, 669_706, 'the engine builds exactly the checked model');
  assert.deepEqual(started.samples, { train: 7200, validation: 800, test: 2000 });
  const epochs = run.events.filter((e) => e.type === 'epoch');
  assert.ok(
    epochs.length >= 4 && epochs.length <= 15,
    `${epochs.length} epochs: at most 15, fewer when EarlyStopping ends the run`,
  );
  const evaluated = run.events.find((e) => e.type === 'evaluated');
  assert.ok(evaluated?.type === 'evaluated');
  assert.ok(evaluated.metrics.accuracy >= 0.95, `test accuracy ${evaluated.metrics.accuracy} should be at least 0.95`);
  assert.equal(evaluated.confusionMatrix?.length, 10);
  assert.equal(
    evaluated.confusionMatrix?.flat().reduce((a, b) => a + b, 0),
    2000,
  );
  assert.equal(run.events[run.events.length - 1].type, 'finished');

  const runDir = started.runDir;
  for (const f of ['events.jsonl', 'history.csv', 'summary.txt', 'report.html'])
    assert.ok(existsSync(join(runDir, f)), `${f} in the run folder`);
  const history = readFileSync(join(runDir, 'history.csv'), 'utf8').trim().split('\n');
  assert.match(history[0], /^epoch,loss,accuracy,val_loss,val_accuracy,learning_rate$/);
  assert.equal(history.length, epochs.length + 1);
  assert.match(readFileSync(join(runDir, 'summary.txt'), 'utf8'), /Total params: 669,706/);
  const written = readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n');
  assert.equal(written.length, run.events.length, 'events.jsonl holds every event streamed');
}

describe('modelspec train examples/digits.model', () => {
  before(() => ensureBuilt());

  it('learns the digits on TensorFlow.js (≥ 95% test accuracy) and saves a TF.js model', () => {
    const run = train('tfjs');
    checkRun('tfjs', run);
    const started = run.events.find((e) => e.type === 'started');
    const runDir = started?.type === 'started' ? started.runDir : '';
    const model = JSON.parse(readFileSync(join(runDir, 'model.json'), 'utf8')) as {
      modelTopology: unknown;
      weightsManifest: unknown;
    };
    assert.ok(model.modelTopology && model.weightsManifest, 'model.json in TF.js layers format');
  });

  it(
    'learns the digits on PyTorch (≥ 95% test accuracy) and saves the state dict and a TF.js model',
    { skip: torchProbe ? false : 'no Python interpreter with torch here (apt-get install python3-torch)' },
    async () => {
      const run = train('torch');
      checkRun('torch', run);
      const started = run.events.find((e) => e.type === 'started');
      assert.ok(started?.type === 'started' && existsSync(join(started.runDir, 'model.pt')));
      // The same trained weights as a TF.js layers model: it loads and classifies the test digits.
      await selectBackend('tfjs:wasm');
      registerKerasLayers();
      const model = await tfl.loadLayersModel(fileIO(started.runDir));
      assert.equal(countParams(model).total, 669_706);
      const spec = JSON.parse(readFileSync(join(started.runDir, 'spec.json'), 'utf8')) as RunSpec;
      const x = readTensorFile(spec.data.test!.x);
      const y = readTensorFile(spec.data.test!.y);
      const n = 500;
      const images = tf.tensor(
        Float32Array.from(x.data.subarray(0, n * 784), (v) => v / 255),
        [n, 784],
      );
      const predicted = tf.argMax(model.predict(images) as tf.Tensor, -1).dataSync();
      const correct = Array.from(predicted).filter((p, i) => p === y.data[i]).length;
      assert.ok(correct / n >= 0.93, `the TF.js copy of the PyTorch model classifies ${correct}/${n} test digits`);
    },
  );

  it('refuses a file with errors, printing them', () => {
    const r = spawnSync(process.execPath, [CLI, 'train', 'test/fixtures/broken.model'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /error unknown-layer/);
    assert.match(r.stderr, /has errors; fix them before training/);
  });
});

describe('modelspec train stopped by a signal', () => {
  before(() => ensureBuilt());

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: says once that the run stopped, with the epoch (not "Stopped:" then "Stopped at epoch")`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'modelspec-stopped-once-'));
      const file = join(dir, 'tiny.model');
      writeFileSync(
        file,
        "model tiny {\n    Input(shape=(784,))\n    Dense(16, activation='relu')\n    Dense(10, activation='softmax')\n}\n" +
          "compile {\n    loss: 'categorical_crossentropy'\n    optimizer: 'adam'\n}\ndata {\n    train: digits\n}\nfit {\n    epochs: 200\n    batch_size: 16\n}\n",
      );
      const child = spawn(process.execPath, [CLI, 'train', file, '--backend', 'tfjs', '--out', join(dir, 'runs')], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const firstEpoch = new Promise<void>((resolve) =>
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          if (/^Epoch 1\/200 /m.test(stderr)) resolve();
        }),
      );
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await Promise.race([firstEpoch, exited]);
      child.kill(signal);
      assert.equal(await exited, 0, stderr);
      const stopped = (stdout + stderr).split('\n').filter((l) => /Stopped/.test(l));
      assert.equal(stopped.length, 1, `one line says it stopped:\n${stdout}${stderr}`);
      assert.match(stopped[0]!, /^Stopped at epoch \d+: /);
    });
  }
});
