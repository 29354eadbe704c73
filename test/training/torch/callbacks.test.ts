// Keras callbacks on crafted runs whose monitored values are predictable.
import { optimizerArgs } from '../../../language/catalog';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeCallback } from '../../../training/callback-events';
import { callbackArgs } from '../../helpers/keras-defaults';
import { SKIP, mlpSpec, ofType, pythonEval, tempDir, train } from './helpers';

/** A run whose loss cannot move: SGD with a vanishing learning rate. */
function frozenSpec(dir: string, epochs: number, lr = 0) {
  const spec = mlpSpec(dir, { n: 200 });
  spec.compile.optimizer = { name: 'SGD', args: optimizerArgs('SGD', { learning_rate: lr }) };
  spec.fit.epochs = epochs;
  return spec;
}

test('EarlyStopping stops after `patience` epochs without an improvement of min_delta', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = frozenSpec(dir, 10);
  spec.fit.callbacks = [
    { name: 'EarlyStopping', args: callbackArgs('EarlyStopping', { monitor: 'loss', patience: 2, min_delta: 1e-3 }) },
  ];
  const { events, status, stderr } = train(dir, spec);
  assert.equal(status, 0, stderr);
  // Epoch 1 sets the best; epochs 2 and 3 do not improve: Keras stops after epoch 3.
  assert.equal(ofType(events, 'epoch').length, 3);
  assert.equal(ofType(events, 'finished')[0]!.epochs, 3);
  assert.ok(
    ofType(events, 'callback')
      .map(describeCallback)
      .some((text) => /EarlyStopping: loss did not improve/.test(text)),
  );
});

test('EarlyStopping start_from_epoch and a missing monitor', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = frozenSpec(dir, 6);
  spec.fit.callbacks = [
    {
      name: 'EarlyStopping',
      args: callbackArgs('EarlyStopping', { monitor: 'loss', patience: 1, min_delta: 1e-3, start_from_epoch: 3 }),
    },
    { name: 'EarlyStopping', args: callbackArgs('EarlyStopping', { monitor: 'val_auc', patience: 0 }) },
  ];
  const { events, status, stderr } = train(dir, spec);
  assert.equal(status, 0, stderr);
  // Epochs 0-2 are ignored; epoch 3 sets the best, epoch 4 stops (0-based), so 5 epochs run.
  assert.equal(ofType(events, 'epoch').length, 5);
  assert.ok(ofType(events, 'log').some((e) => e.level === 'warning' && /'val_auc' is not available/.test(e.message)));
});

test('ReduceLROnPlateau divides the learning rate with patience, cooldown and min_lr', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = frozenSpec(dir, 6, 1e-9);
  spec.fit.callbacks = [
    {
      name: 'ReduceLROnPlateau',
      args: callbackArgs('ReduceLROnPlateau', {
        monitor: 'loss',
        factor: 0.5,
        patience: 1,
        cooldown: 2,
        min_lr: 2.5e-10,
      }),
    },
    { name: 'CSVLogger', args: callbackArgs('CSVLogger', { filename: 'lr.csv' }) },
  ];
  const { events, status, stderr } = train(dir, spec);
  assert.equal(status, 0, stderr);
  // The rate each epoch ran with: cut after epoch 2, two cooldown epochs, cut to min_lr, then held.
  const rates = [1e-9, 1e-9, 5e-10, 5e-10, 2.5e-10, 2.5e-10];
  assert.deepEqual(
    ofType(events, 'epoch').map((e) => e.learningRate),
    rates,
  );
  // As in Keras 3, the callback adds learning_rate to the logs that later callbacks see.
  const csv = readFileSync(join(spec.runDir, 'lr.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'epoch,accuracy,learning_rate,loss,val_accuracy,val_loss');
  assert.deepEqual(
    csv.slice(1).map((l) => Number(l.split(',')[2])),
    rates,
  );
});

test('ModelCheckpoint(save_best_only) saves exactly the improving epochs to best/', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = mlpSpec(dir);
  spec.fit.epochs = 6;
  spec.compile.optimizer = { name: 'SGD', args: optimizerArgs('SGD', { learning_rate: 0.5, momentum: 0.9 }) }; // a bumpy ride
  spec.fit.callbacks = [
    {
      name: 'ModelCheckpoint',
      args: callbackArgs('ModelCheckpoint', { filepath: 'best.keras', monitor: 'val_loss', save_best_only: true }),
    },
  ];
  const { events, status, stderr } = train(dir, spec);
  assert.equal(status, 0, stderr);
  let best = Infinity;
  const improving = ofType(events, 'epoch')
    .filter((e) => (e.valLoss! < best ? ((best = e.valLoss!), true) : false))
    .map((e) => e.epoch);
  const checkpoints = ofType(events, 'checkpoint');
  assert.deepEqual(
    checkpoints.map((c) => c.epoch),
    improving,
  );
  assert.ok(checkpoints.every((c) => c.best && c.path === join(spec.runDir, 'best') && c.monitor === 'val_loss'));
  assert.equal(checkpoints.at(-1)!.value, best);
  assert.ok(existsSync(join(spec.runDir, 'best', 'model.pt')));
  assert.ok(existsSync(join(spec.runDir, 'best', 'keras_weights.npz')));
});

test(
  'EarlyStopping(restore_best_weights) leaves the best epoch weights, the ones ModelCheckpoint saved',
  { skip: SKIP },
  async () => {
    const dir = tempDir();
    const spec = mlpSpec(dir);
    spec.fit.epochs = 8;
    // mode='max' on a falling loss: epoch 1 stays the best, so training stops after patience epochs.
    spec.fit.callbacks = [
      {
        name: 'ModelCheckpoint',
        args: callbackArgs('ModelCheckpoint', { filepath: 'x', monitor: 'loss', mode: 'max', save_best_only: true }),
      },
      {
        name: 'EarlyStopping',
        args: callbackArgs('EarlyStopping', { monitor: 'loss', mode: 'max', patience: 2, restore_best_weights: true }),
      },
    ];
    const { events, status, stderr } = train(dir, spec);
    assert.equal(status, 0, stderr);
    assert.equal(ofType(events, 'epoch').length, 3);
    assert.deepEqual(
      ofType(events, 'checkpoint').map((c) => c.epoch),
      [1],
    );
    const same = await pythonEval(`
import numpy as np
a = np.load(${JSON.stringify(join(spec.runDir, 'keras_weights.npz'))})
b = np.load(${JSON.stringify(join(spec.runDir, 'best', 'keras_weights.npz'))})
print(all(np.array_equal(a[k], b[k]) for k in a.files) and len(a.files) == 4)`);
    assert.equal(same.trim(), 'True');
  },
);

test('CSVLogger writes Keras columns (epoch from 0, sorted keys) relative to the run folder', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = mlpSpec(dir);
  spec.fit.epochs = 3;
  spec.fit.callbacks = [{ name: 'CSVLogger', args: callbackArgs('CSVLogger', { filename: 'logs/training.csv' }) }];
  const { events, status, stderr } = train(dir, spec);
  assert.equal(status, 0, stderr);
  const lines = readFileSync(join(spec.runDir, 'logs', 'training.csv'), 'utf8')
    .trim()
    .split('\n');
  assert.equal(lines[0], 'epoch,accuracy,loss,val_accuracy,val_loss');
  const epochs = ofType(events, 'epoch');
  assert.equal(lines.length, 1 + epochs.length);
  lines.slice(1).forEach((line, i) => {
    const [epoch, acc, loss, valAcc, valLoss] = line.split(',').map(Number);
    const e = epochs[i]!;
    assert.equal(epoch, i);
    assert.ok(Math.abs(loss! - e.loss) < 1e-6 && Math.abs(acc! - e.metrics.accuracy!) < 1e-6);
    assert.ok(Math.abs(valLoss! - e.valLoss!) < 1e-6 && Math.abs(valAcc! - e.valMetrics!.accuracy!) < 1e-6);
  });
});
