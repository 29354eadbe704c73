// Both engines report what a callback did as the same structured `callback` event, and one
// function (callback-events.ts) words it: the reason first, then what was done about it.
// The engines run as processes, as the editor and the CLI start them (run-process.ts).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { test } from 'node:test';
import { optimizerArgs } from '../../language/catalog';
import { describeCallback, type CallbackEvent } from '../../training/callback-events';
import type { EngineChoice } from '../../training/engines/detect';
import type { RunEvent, RunSpec } from '../../training/protocol';
import { startRun } from '../../training/run-process';
import { mlpSpec, PYTHON, SKIP, tempDir } from './torch/helpers';

/** A run whose loss cannot move (SGD at 1e-9): EarlyStopping and ReduceLROnPlateau act on schedule. */
function frozenSpec(backend: string): RunSpec {
  const dir = tempDir('callbacks-');
  const spec = mlpSpec(dir, { n: 200 });
  spec.compile.optimizer = { name: 'SGD', args: optimizerArgs('SGD', { learning_rate: 1e-9 }) };
  spec.fit.epochs = 8;
  spec.fit.backend = backend;
  spec.fit.callbacks = [
    {
      name: 'ReduceLROnPlateau',
      args: { monitor: 'loss', factor: 0.5, patience: 1, min_delta: 1e-3, cooldown: 0, min_lr: 0, mode: 'auto' },
    },
    {
      name: 'EarlyStopping',
      args: {
        monitor: 'loss',
        patience: 2,
        min_delta: 1e-3,
        restore_best_weights: true,
        mode: 'auto',
        start_from_epoch: 0,
      },
    },
  ];
  return spec;
}

async function run(spec: RunSpec, choice: EngineChoice): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  mkdirSync(spec.runDir, { recursive: true }); // the launcher (run-spec.ts) creates it
  const final = await startRun(spec, choice, (e) => events.push(e)).done;
  assert.equal(final.type, 'finished', JSON.stringify(final));
  return events;
}

/** The facts both engines must agree on (the best value itself depends on the initial weights). */
function facts(events: RunEvent[]): Omit<CallbackEvent, 'best'>[] {
  return events
    .filter((e): e is CallbackEvent => e.type === 'callback')
    .map(({ best: _best, ...rest }) => ({
      ...rest,
      ...(rest.oldLearningRate !== undefined && { oldLearningRate: Number(rest.oldLearningRate.toPrecision(4)) }),
      ...(rest.newLearningRate !== undefined && { newLearningRate: Number(rest.newLearningRate.toPrecision(4)) }),
    }));
}

test(
  'EarlyStopping and ReduceLROnPlateau: the same structured events from both engines, worded once',
  { skip: SKIP, timeout: 120_000 },
  async () => {
    const tfjs = await run(frozenSpec('tfjs:cpu'), { engine: 'tfjs', reason: 'test' });
    const torch = await run(frozenSpec('torch:cpu'), { engine: 'torch', python: PYTHON, reason: 'test' });
    const expected = [
      // Epoch 1 sets the best; the loss never improves after it.
      {
        type: 'callback',
        callback: 'ReduceLROnPlateau',
        action: 'reduceLearningRate',
        epoch: 2,
        monitor: 'loss',
        wait: 1,
        oldLearningRate: 1e-9,
        newLearningRate: 5e-10,
      },
      {
        type: 'callback',
        callback: 'ReduceLROnPlateau',
        action: 'reduceLearningRate',
        epoch: 3,
        monitor: 'loss',
        wait: 1,
        oldLearningRate: 5e-10,
        newLearningRate: 2.5e-10,
      },
      {
        type: 'callback',
        callback: 'EarlyStopping',
        action: 'stopTraining',
        epoch: 3,
        monitor: 'loss',
        wait: 2,
        bestEpoch: 1,
        restoredEpoch: 1,
      },
    ];
    assert.deepEqual(facts(tfjs), expected, 'tfjs');
    assert.deepEqual(facts(torch), expected, 'torch');
    for (const events of [tfjs, torch]) {
      // Each callback event follows the epoch it is about, and no engine words it itself.
      const stop = events.findIndex((e) => e.type === 'callback' && e.action === 'stopTraining');
      const lastEpoch = events.map((e) => e.type).lastIndexOf('epoch');
      assert.ok(lastEpoch < stop, 'the stop comes after the epoch event of epoch 3');
      assert.deepEqual(
        events.filter((e) => e.type === 'log' && /EarlyStopping|ReduceLROnPlateau/.test(e.message)),
        [],
      );
      const text = describeCallback(events[stop] as CallbackEvent);
      assert.match(
        text,
        /^EarlyStopping: loss did not improve for 2 epochs \(best [\d.e-]+ at epoch 1\), so training stopped after epoch 3; restored the weights of epoch 1$/,
      );
    }
    assert.equal(
      describeCallback(tfjs.find((e) => e.type === 'callback') as CallbackEvent),
      'ReduceLROnPlateau: loss did not improve for 1 epoch, so the learning rate went from 1e-9 to 5e-10 after epoch 2',
    );
  },
);
