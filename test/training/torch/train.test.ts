// End-to-end runs of the PyTorch engine: events, learning, evaluation and saved files.
import { optimizerArgs } from '../../../language/catalog';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSpec } from '../../../training/protocol';
import {
  SKIP,
  layer,
  mlpSpec,
  ofType,
  quadrantImages,
  readEvents,
  runPython,
  tempDir,
  train,
  writeSpec,
  writeTensor,
} from './helpers';
import { augmentArgs } from '../../helpers/keras-defaults';

test('probe prints torch version, CUDA, MPS and threads as one JSON line', { skip: SKIP }, () => {
  const r = runPython(['--probe']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const info = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.match(String(info.torch), /^\d+\.\d+/);
  assert.equal(typeof info.cuda, 'boolean');
  assert.equal(typeof info.mps, 'boolean');
  assert.ok(Number(info.threads) >= 1);
  assert.ok(info.cuda ? typeof info.cudaDevice === 'string' : info.cudaDevice === null);
});

test('an MLP learns a separable problem, with the full event sequence and saved model', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = mlpSpec(dir);
  const { events, status, stderr } = train(dir, spec);
  assert.equal(status, 0, stderr);
  const types = events.map((e) => e.type);
  assert.equal(types[0], 'started');
  assert.equal(types.at(-1), 'finished');
  const started = ofType(events, 'started')[0]!;
  assert.equal(started.engine, 'torch');
  assert.equal(started.backend, 'cpu');
  assert.deepEqual(started.params, spec.expectedParams);
  assert.deepEqual(started.samples, { train: 480, validation: 120, test: 90 }); // Keras: the last 20% validates
  assert.equal(started.stepsPerEpoch, 15);

  const batches = ofType(events, 'batch');
  assert.ok(batches.length >= 1);
  assert.deepEqual([batches[0]!.epoch, batches[0]!.batch], [1, 1], 'the first batch is reported at once');
  const epochs = ofType(events, 'epoch');
  assert.deepEqual(
    epochs.map((e) => e.epoch),
    [1, 2, 3, 4, 5],
  );
  const last = epochs.at(-1)!;
  assert.ok(last.metrics.accuracy! > 0.95, `train accuracy ${last.metrics.accuracy}`);
  assert.ok(last.valMetrics!.accuracy! > 0.95, `val accuracy ${last.valMetrics!.accuracy}`);
  assert.ok(last.loss < epochs[0]!.loss, 'the loss goes down');
  assert.equal(last.learningRate, 0.01);
  assert.ok(last.samplesPerSec > 0 && last.seconds > 0);

  const evaluated = ofType(events, 'evaluated')[0]!;
  assert.ok(evaluated.metrics.accuracy! > 0.95);
  const cm = evaluated.confusionMatrix!;
  assert.equal(cm.length, 3);
  assert.equal(
    cm.flat().reduce((a, b) => a + b, 0),
    90,
  );
  assert.deepEqual(evaluated.classes, ['class0', 'class1', 'class2']);
  assert.equal(evaluated.samples!.length, 16);
  assert.ok(
    evaluated.samples!.every((s) => s.image === undefined),
    'no thumbnails for non-image data',
  );

  // The same lines went to events.jsonl, and the model files exist.
  assert.deepEqual(
    readEvents(spec.runDir).map((e) => e.type),
    types,
  );
  const finished = ofType(events, 'finished')[0]!;
  assert.equal(finished.modelPath, join(spec.runDir, 'model.pt'));
  for (const f of ['model.pt', 'keras_weights.npz', 'keras_weights.json'])
    assert.ok(existsSync(join(spec.runDir, f)), f);
  const manifest = JSON.parse(readFileSync(join(spec.runDir, 'keras_weights.json'), 'utf8')) as {
    weights: { name: string; shape: number[] }[];
  };
  assert.deepEqual(
    manifest.weights.map((w) => [w.name, w.shape]),
    [
      ['kernel', [8, 16]],
      ['bias', [16]],
      ['kernel', [16, 3]],
      ['bias', [3]],
    ],
  );
});

test('the same seed gives the same run; sparse labels with index encoding work', { skip: SKIP }, () => {
  const losses = [1, 2].map(() => {
    const dir = tempDir();
    const spec = mlpSpec(dir);
    spec.compile.loss = 'sparse_categorical_crossentropy';
    spec.data.labelEncoding = 'index';
    spec.fit.epochs = 2;
    const { events, status, stderr } = train(dir, spec);
    assert.equal(status, 0, stderr);
    return ofType(events, 'epoch').map((e) => e.loss);
  });
  assert.deepEqual(losses[0], losses[1]);
});

test(
  'a small CNN trains on images with augmentation; evaluation has thumbnails, mistakes first',
  { skip: SKIP },
  () => {
    const dir = tempDir();
    const conv = 3 * 3 * 1 * 4 + 4;
    const dense = 3 * 3 * 4 * 4 + 4;
    const spec: RunSpec = {
      ...mlpSpec(dir),
      model: {
        class_name: 'Sequential',
        config: {
          name: 'cnn',
          layers: [
            layer('Conv2D', {
              name: 'conv2d',
              batch_input_shape: [null, 8, 8, 1],
              filters: 4,
              kernel_size: [3, 3],
              activation: 'relu',
              padding: 'same',
            }),
            layer('MaxPooling2D', { name: 'pool', pool_size: [3, 3], padding: 'same' }),
            layer('Flatten', { name: 'flatten' }),
            layer('Dense', { name: 'dense', units: 4, activation: 'softmax' }),
          ],
        },
      },
      expectedParams: { total: conv + dense, trainable: conv + dense, nonTrainable: 0 },
    };
    spec.data = {
      ...spec.data,
      train: quadrantImages(dir, 'train', 400),
      test: quadrantImages(dir, 'test', 40, 8, 9),
      rescale: 1 / 255,
      classes: ['tl', 'tr', 'bl', 'br'],
      isImage: true,
      augment: augmentArgs({ rotation_range: 5, width_shift_range: 0.05, zoom_range: 0.05 }),
    };
    spec.fit.epochs = 6;
    const { events, status, stderr } = train(dir, spec);
    assert.equal(status, 0, stderr);
    const evaluated = ofType(events, 'evaluated')[0]!;
    assert.ok(evaluated.metrics.accuracy! >= 0.9, `test accuracy ${evaluated.metrics.accuracy}`);
    const samples = evaluated.samples!;
    assert.equal(samples.length, 16);
    const firstRight = samples.findIndex((s) => s.label === s.predicted);
    assert.ok(
      samples.slice(firstRight).every((s) => s.label === s.predicted),
      'mistakes come first',
    );
    const png = Buffer.from(samples[0]!.image!, 'base64');
    assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
    assert.equal(png.readUInt32BE(16), 8, 'width 8');
    assert.equal(png.readUInt32BE(20), 8, 'height 8');
  },
);

test('a parameter count that differs from the checker fails clearly before training', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = mlpSpec(dir);
  spec.expectedParams = { total: 1, trainable: 1, nonTrainable: 0 };
  const { events, status } = train(dir, spec);
  assert.equal(status, 1);
  const failed = ofType(events, 'failed')[0]!;
  assert.match(failed.message, /has 195 parameters .* but the checker expects 1 /);
  assert.equal(ofType(events, 'started').length, 0);
});

test('a divergent run fails with the epoch and batch and suggests a lower learning rate', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = mlpSpec(dir);
  spec.compile = {
    loss: 'mse',
    optimizer: { name: 'SGD', args: optimizerArgs('SGD', { learning_rate: 1e6 }) },
    metrics: [],
  };
  spec.model.config.layers[2] = layer('Dense', { name: 'dense_1', units: 3, activation: 'linear' });
  const { events, status } = train(dir, spec);
  assert.equal(status, 1);
  const failed = ofType(events, 'failed')[0]!;
  assert.match(failed.message, /NaN or infinite at epoch 1, batch \d+/);
  assert.match(failed.message, /lower learning rate/);
  assert.equal(failed.epoch, 1);
  assert.ok(failed.batch! >= 1 && failed.batch! <= 15);
  assert.equal(ofType(events, 'finished').length, 0);
});

test('an error inside the engine becomes a failed event with a message', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = mlpSpec(dir);
  spec.compile.optimizer = { name: 'Adam', args: { bogus: 1 } };
  const { events, status } = train(dir, spec);
  assert.equal(status, 1);
  assert.match(ofType(events, 'failed')[0]!.message, /Adam has no argument bogus/);
});

test('the first-batch loss mode reports the loss on given weights without training', { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = mlpSpec(dir, { features: 2, classes: 2, hidden: 2 });
  spec.data.shuffle = false;
  // All-zero weights: every prediction is softmax(0) = 1/2, so the loss is ln 2 exactly.
  spec.initialWeights = {
    tensors: [[2, 2], [2], [2, 2], [2]].map((shape, i) =>
      writeTensor(dir, `w${i}.bin`, 'float32', shape, new Float32Array(shape.reduce((a, b) => a * b, 1))),
    ),
  };
  const r = runPython(['--first-batch-loss', writeSpec(dir, spec)]);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { loss: number; batchSize: number };
  assert.ok(Math.abs(out.loss - Math.LN2) < 1e-6, `loss ${out.loss}`);
  assert.equal(out.batchSize, 32);
  assert.equal(readEvents(spec.runDir).length, 0, 'no run events');
});
