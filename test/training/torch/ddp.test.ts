// Data-parallel training (`devices`, `modelspec train --devices N`) through the CLI as a process:
// two gloo worker processes on the CPU train the digits MLP. With dropout off and one seed, the
// 2-process run takes the same steps as one process on the same global batches; its events come
// from rank 0 only; a killed rank fails the run cleanly; Ctrl+C stops every rank and saves once.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { RunEvent } from '../../../training/protocol';
import { ensureBuilt } from '../../helpers/build';
import {
  alive,
  CLI,
  descendants,
  digitsModel,
  events,
  rankOf,
  startLongRun,
  train,
  weights,
  withTimeout,
} from './ddp-helpers';
import { SKIP } from './helpers';

describe('data-parallel training on the CPU (2 gloo processes)', { skip: SKIP }, () => {
  before(() => ensureBuilt());

  it('takes the same steps as one process on the same global batches; events come from rank 0 with worldSize 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-ddp-'));
    // 4,000 training samples in batches of 101: 40 steps, the last one of 61 samples.
    const file = digitsModel(dir, { epochs: 1, batch: 101, validationSplit: 0.5 });
    const one = train(file, join(dir, 'one'), 1);
    assert.equal(one.code, 0, one.stderr);
    const two = train(file, join(dir, 'two'), 2);
    assert.equal(two.code, 0, two.stderr);

    const a = weights(one.runDir);
    const b = weights(two.runDir);
    assert.equal(a.length, b.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    assert.ok(worst <= 1e-5, `weights after 40 steps differ by up to ${worst} (limit 1e-5)`);

    // The run folder's events are rank 0's alone: one started event, each batch reported once.
    const written = readFileSync(join(two.runDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent);
    const started = written.filter((e) => e.type === 'started');
    assert.equal(started.length, 1);
    assert.ok(started[0]!.type === 'started');
    assert.equal(started[0]!.worldSize, 2);
    assert.equal(started[0]!.nodes, 1);
    assert.equal(started[0]!.devices?.length, 2);
    assert.equal(started[0]!.stepsPerEpoch, 40, 'steps count global batches');
    const batches = written
      .filter((e): e is Extract<RunEvent, { type: 'batch' }> => e.type === 'batch')
      .map((e) => e.batch);
    assert.deepEqual(
      batches,
      [...new Set(batches)].sort((x, y) => x - y),
      'each batch reported once, in order',
    );
    assert.equal(written.filter((e) => e.type === 'epoch').length, 1);
    assert.equal(written.filter((e) => e.type === 'finished').length, 1);
    assert.deepEqual(
      written.map((e) => e.type),
      two.events.map((e) => e.type),
      'the CLI showed the same events',
    );

    // The curves show the global loss and accuracy (all-reduced), not one replica's.
    const epochOf = (evs: RunEvent[]) =>
      evs.find((e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch')!;
    const e1 = epochOf(one.events);
    const e2 = epochOf(two.events);
    assert.ok(Math.abs(e1.loss - e2.loss) < 1e-5, `loss ${e2.loss} (2 processes) vs ${e1.loss} (1)`);
    assert.ok(
      Math.abs(e1.metrics.accuracy! - e2.metrics.accuracy!) < 1e-9,
      `accuracy ${e2.metrics.accuracy} vs ${e1.metrics.accuracy}`,
    );
    assert.ok(Math.abs(e1.valLoss! - e2.valLoss!) < 1e-5);
  });

  it('BatchNormalization(synchronized=True) normalizes over the global batch: 2 processes equal 1 within 1e-5', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-ddp-bn-'));
    const file = join(dir, 'bn.model');
    // 800 training samples in batches of 101: 8 steps, the last of 93 (47 + 46 per replica).
    writeFileSync(
      file,
      `model bn_mlp {
    Input(shape=(784,))
    Dense(64)
    BatchNormalization(synchronized=True)
    Activation('relu')
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: RMSprop()
    metrics: ['accuracy']
}
data {
    train: digits
    validation_split: 0.9
}
fit {
    epochs: 1
    batch_size: 101
    seed: 7
}
`,
    );
    const one = train(file, join(dir, 'one'), 1);
    assert.equal(one.code, 0, one.stderr);
    const two = train(file, join(dir, 'two'), 2);
    assert.equal(two.code, 0, two.stderr);
    const a = weights(one.runDir);
    const b = weights(two.runDir);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    // Per-replica statistics (synchronized=False) differ here by about 1e-2.
    assert.ok(worst <= 1e-5, `weights (with the moving mean and variance) differ by up to ${worst}`);
    assert.ok(two.events.some((e) => e.type === 'log' && /synchronized=True/.test(e.message)));
  });

  it('a killed rank fails the run within 60 s, naming the rank and its last output, with no process left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-ddp-kill-'));
    const run = await startLongRun(dir);
    const procs = descendants(run.child.pid!);
    const rank1 = procs.find((p) => rankOf(p) === 1);
    assert.ok(rank1 !== undefined, `no process with RANK=1 among ${procs.join(', ')}`);
    process.kill(rank1, 'SIGKILL');
    const code = await withTimeout(run.exit, 60_000, 'ending the run after a rank died');
    assert.equal(code, 1);
    const final = events(run.lines()).at(-1)!;
    assert.equal(final.type, 'failed');
    assert.ok(final.type === 'failed');
    assert.match(final.message, /^rank 1 of 2 \(pid \d+\) was killed by SIGKILL/);
    assert.match(final.message, /last output:\n.*data-parallel: 2 replicas/s, "the rank's last output is quoted");
    for (const p of procs) assert.ok(!alive(p), `process ${p} (rank ${rankOf(p)}) is still running`);
  });

  it('Ctrl+C (SIGINT to the CLI) stops every rank after the batch and saves the model once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-ddp-int-'));
    const run = await startLongRun(dir);
    const procs = descendants(run.child.pid!);
    assert.ok(procs.length >= 3, `the launcher and two workers: ${procs.join(', ')}`);
    run.child.kill('SIGINT');
    const code = await withTimeout(run.exit, 60_000, 'stopping the run');
    assert.equal(code, 0);
    const evs = events(run.lines());
    const started = evs.find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started')!;
    const written = readFileSync(join(started.runDir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent);
    const finals = written.filter((e) => ['stopped', 'finished', 'failed'].includes(e.type));
    assert.deepEqual(
      finals.map((e) => e.type),
      ['stopped'],
    );
    assert.ok(finals[0]!.type === 'stopped' && finals[0]!.modelPath, 'the stopped event names the saved model');
    assert.ok(existsSync(join(started.runDir, 'model.pt')));
    for (const p of procs) assert.ok(!alive(p), `process ${p} (rank ${rankOf(p)}) is still running`);
  });

  it('refuses devices > 1 on the tfjs engine, pointing at the torch engine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-ddp-tfjs-'));
    const file = digitsModel(dir, { epochs: 1, batch: 32, validationSplit: 0.1 });
    const r = spawnSync(
      process.execPath,
      [CLI, 'train', file, '--backend', 'tfjs', '--devices', '2', '--out', join(dir, 'runs')],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /devices: 2 needs the torch engine/);
    assert.match(r.stderr, /backend: 'torch'/);
  });
});
