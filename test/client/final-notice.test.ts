import assert from 'node:assert/strict';
import { test } from 'node:test';
import { finalNotice } from '../../client/src/progress/final-notice';
import type { RunEvent } from '../../training/protocol';

const started: RunEvent = {
  type: 'started',
  time: '',
  engine: 'torch',
  backend: 'cpu',
  device: 'CPU',
  reason: 'test',
  params: { total: 1, trainable: 1, nonTrainable: 0 },
  samples: { train: 1000, validation: 100, test: 200 },
  epochs: 20,
  batchSize: 100,
  stepsPerEpoch: 10,
  runDir: '/runs/digits_mlp/3',
  model: 'digits_mlp',
};
const batch = (epoch: number, time: number): RunEvent => ({
  type: 'batch',
  epoch,
  batch: 10,
  batches: 10,
  loss: 0.5,
  metrics: {},
  samplesPerSec: 500,
  time,
});
const epoch = (e: number): RunEvent => ({
  type: 'epoch',
  epoch: e,
  epochs: 20,
  loss: 0.3,
  metrics: { accuracy: 0.9 },
  valLoss: 0.35,
  valMetrics: { accuracy: 0.88 },
  learningRate: 0.001,
  seconds: 2,
  samplesPerSec: 500,
});
const run = (epochs: number): RunEvent[] => [
  started,
  ...Array.from({ length: epochs }, (_, i) => [batch(i + 1, 2 * (i + 1)), epoch(i + 1)]).flat(),
];

test('a run EarlyStopping ended says so once, with the test metrics, the elapsed time and what to do next', () => {
  const events: RunEvent[] = [
    ...run(11),
    { type: 'evaluated', loss: 0.0812, metrics: { accuracy: 0.9744 } },
    { type: 'finished', time: '', epochs: 11, seconds: 71.6, modelPath: '/runs/digits_mlp/3/model.json' },
  ];
  const n = finalNotice('digits_mlp', events);
  assert.equal(n.severity, 'info');
  assert.equal(n.text, 'ModelSpec: digits_mlp finished (11 of 20 epochs, 1:12): test accuracy 0.9744, loss 0.0812.');
  assert.deepEqual(n.actions, ['Open Report', 'Reveal Run Folder']);
  assert.doesNotMatch(n.text, /finished.*finished/i, 'no repetition');
  assert.ok(n.text.length < 120, `short enough not to be clipped: ${n.text.length} characters`);
});

test('without test data the result is the last validation metrics', () => {
  const n = finalNotice('m', [
    ...run(20),
    { type: 'finished', time: '', epochs: 20, seconds: 40, modelPath: '/r/model.json' },
  ]);
  assert.equal(n.text, 'ModelSpec: m finished (20 epochs, 0:40): validation accuracy 0.8800, loss 0.3500.');
});

test('a stopped run says where the model was saved and offers to evaluate it; its time is elapsed time', () => {
  const events: RunEvent[] = [
    ...run(3),
    batch(4, 7),
    { type: 'stopped', time: '', reason: 'stop requested', epoch: 4, modelPath: '/runs/digits_mlp/3/model.json' },
  ];
  const n = finalNotice('digits_mlp', events);
  assert.equal(
    n.text,
    'ModelSpec: digits_mlp stopped at epoch 4/20 after 0:07; the model is saved in /runs/digits_mlp/3/model.json.',
  );
  assert.deepEqual(n.actions, ['Evaluate', 'Reveal Run Folder']);
  assert.doesNotMatch(n.text, /ETA/);
});

test('a stop with nothing saved, or without test data, offers no evaluation', () => {
  const unsaved = finalNotice('m', [...run(1), { type: 'stopped', time: '', reason: 'stop requested', epoch: 1 }]);
  assert.match(unsaved.text, /no model was saved/);
  assert.deepEqual(unsaved.actions, ['Reveal Run Folder']);
  const noTest: RunEvent = {
    ...(started as Extract<RunEvent, { type: 'started' }>),
    samples: { train: 1000, validation: 0, test: 0 },
  };
  const n = finalNotice('m', [
    noTest,
    batch(1, 2),
    { type: 'stopped', time: '', reason: 'stop requested', epoch: 1, modelPath: '/r/model.json' },
  ]);
  assert.deepEqual(n.actions, ['Reveal Run Folder']);
});

test('a failed run is an error with its message and the log', () => {
  const n = finalNotice('m', [
    ...run(2),
    { type: 'failed', time: '', message: 'NaN loss at epoch 3, batch 7', epoch: 3, batch: 7 },
  ]);
  assert.equal(n.severity, 'error');
  assert.equal(n.text, 'ModelSpec: training m failed: NaN loss at epoch 3, batch 7');
  assert.deepEqual(n.actions, ['Show Log']);
});
