// End-to-end runs of the TensorFlow.js engine in process: real learning on MNIST digits, the
// event sequence, the test report, saving and reloading, no tensor leaks, NaN handling,
// parameter-count checking, callbacks in a run, and the first-batch-loss parity mode.
import { optimizerArgs } from '../../../language/catalog';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { fileIO } from '../../../training/engines/tfjs/model-io';
import { eventWriter } from '../../../training/engines/tfjs/events';
import { layer, MLP_LAYERS, makeSpec, mnist, mnistFiles, only, runCollect, tempDir, writeTensor } from './helpers';
import { augmentArgs } from '../../helpers/keras-defaults';

test('an MLP learns real MNIST digits well above chance, reports, saves and reloads', async () => {
  const dir = tempDir();
  const spec = makeSpec(dir, {
    fit: {
      epochs: 3,
      batchSize: 32,
      seed: 5,
      callbacks: [],
      backend: 'tfjs:wasm',
      engineReason: 'auto: no GPU',
      mixedPrecision: false,
      devices: 1,
      nnodes: 1,
    },
  });
  spec.data.train = mnistFiles(dir, 'train', 2000);
  const memory: number[] = [];
  const events = await runCollect(spec, { onEvent: (e) => e.type === 'epoch' && memory.push(tf.memory().numTensors) });

  assert.equal(events[0]!.type, 'started');
  const started = only(events, 'started')[0]!;
  assert.equal(started.engine, 'tfjs');
  assert.equal(started.backend, 'wasm');
  assert.equal(started.reason, 'auto: no GPU; forced: tfjs:wasm', "the launcher's reason, then the backend's");
  assert.deepEqual(started.samples, { train: 1800, validation: 200, test: 200 });
  assert.equal(started.stepsPerEpoch, Math.ceil(1800 / 32));

  const batches = only(events, 'batch');
  assert.equal(batches[0]!.batch, 1, 'the first batch is reported at once');
  assert.ok(batches.every((b) => Number.isFinite(b.loss) && b.metrics['accuracy']! >= 0));

  const epochs = only(events, 'epoch');
  assert.equal(epochs.length, 3);
  assert.ok(epochs[2]!.loss < epochs[0]!.loss, 'the loss falls');
  assert.ok(epochs[2]!.valMetrics!['accuracy']! > 0.8, `validation accuracy ${epochs[2]!.valMetrics!['accuracy']}`);
  assert.ok(epochs.every((e) => e.learningRate === 0.001 && e.samplesPerSec > 0 && e.valLoss !== undefined));
  assert.deepEqual(memory, [memory[0], memory[0], memory[0]], 'no tensors leak from epoch to epoch');

  const report = only(events, 'evaluated')[0]!;
  assert.ok(report.metrics['accuracy']! > 0.8);
  const matrix = report.confusionMatrix!;
  assert.equal(matrix.length, 10);
  assert.equal(
    matrix.flat().reduce((a, b) => a + b, 0),
    200,
  );
  const correct = matrix.reduce((a, row, i) => a + row[i]!, 0);
  assert.ok(Math.abs(correct / 200 - report.metrics['accuracy']!) < 1e-9, 'the matrix agrees with the accuracy');
  const samples = report.samples!;
  assert.equal(samples.length, 16);
  const mistakes = samples.filter((s) => s.label !== s.predicted).length;
  assert.ok(
    samples.slice(0, mistakes).every((s) => s.label !== s.predicted),
    'mistakes come first',
  );
  assert.ok(Buffer.from(samples[0]!.image!, 'base64').subarray(1, 4).toString() === 'PNG');

  const finished = events[events.length - 1]!;
  assert.equal(finished.type, 'finished');
  assert.equal(existsSync(join(spec.runDir, 'weights.bin')), true);

  // The saved model reloads with tf.loadLayersModel and predicts as the trained one did.
  const model = await tfl.loadLayersModel(fileIO(spec.runDir));
  const { x } = mnist(20, 600);
  const input = tf.div(tf.tensor(x, [20, 784], 'float32'), 255);
  const predicted = tf.argMax(model.predict(input) as tf.Tensor, -1).dataSync();
  const labels = mnist(20, 600).y;
  const hits = Array.from(predicted).filter((p, i) => p === labels[i]).length;
  assert.ok(hits >= 14, `reloaded model gets ${hits}/20`);
  model.dispose();
  input.dispose();
});

test('a seeded run repeats exactly (initializers, shuffling, augmentation, dropout)', async () => {
  const dir = tempDir();
  const [input, hidden, out] = MLP_LAYERS;
  const layers = [input!, hidden!, layer('Dropout', { name: 'drop', rate: 0.5 }), out!];
  const run = async () => {
    const spec = makeSpec(dir, {
      layers,
      fit: {
        epochs: 1,
        batchSize: 50,
        seed: 11,
        callbacks: [],
        backend: 'tfjs:wasm',
        mixedPrecision: false,
        devices: 1,
        nnodes: 1,
      },
    });
    spec.data.augment = augmentArgs({ rotation_range: 10, width_shift_range: 0.1 });
    spec.data.train = mnistFiles(dir, 'train', 300);
    return only(await runCollect(spec), 'epoch')[0]!.loss;
  };
  assert.equal(await run(), await run());
});

test('a CNN with augmentation trains on wasm', async () => {
  const dir = tempDir();
  const layers = [
    layer('InputLayer', { batch_shape: [null, 28, 28, 1] }),
    layer('Conv2D', { name: 'c', filters: 8, kernel_size: [3, 3], activation: 'relu' }),
    layer('MaxPooling2D', { name: 'p', pool_size: [2, 2] }),
    layer('Flatten', { name: 'f' }),
    layer('Dense', { name: 'd', units: 10, activation: 'softmax' }),
  ];
  const params = 80 + 13 * 13 * 8 * 10 + 10;
  const spec = makeSpec(dir, {
    layers,
    expectedParams: { total: params, trainable: params, nonTrainable: 0 },
    compile: {
      loss: 'sparse_categorical_crossentropy',
      optimizer: { name: 'adam', args: optimizerArgs('adam') },
      metrics: ['accuracy'],
    },
    fit: {
      epochs: 2,
      batchSize: 32,
      seed: 2,
      callbacks: [],
      backend: 'tfjs:wasm',
      mixedPrecision: false,
      devices: 1,
      nnodes: 1,
    },
  });
  spec.data.labelEncoding = 'index';
  spec.data.augment = augmentArgs({ rotation_range: 10, zoom_range: 0.1, horizontal_flip: false });
  const events = await runCollect(spec);
  const epochs = only(events, 'epoch');
  assert.equal(epochs.length, 2, JSON.stringify(only(events, 'failed')));
  assert.ok(epochs[1]!.metrics['accuracy']! > 0.5, `accuracy ${epochs[1]!.metrics['accuracy']}`);
});

test('a diverging run fails naming the epoch and batch and suggesting a lower learning rate', async () => {
  const dir = tempDir();
  const layers = [layer('InputLayer', { batch_shape: [null, 784] }), layer('Dense', { name: 'linear', units: 10 })];
  const spec = makeSpec(dir, {
    layers,
    expectedParams: { total: 7850, trainable: 7850, nonTrainable: 0 },
    compile: {
      loss: 'mse',
      optimizer: { name: 'SGD', args: optimizerArgs('SGD', { learning_rate: 1e3 }) },
      metrics: [],
    },
  });
  const events = await runCollect(spec);
  const failed = only(events, 'failed')[0]!;
  assert.ok(failed, 'a failed event');
  assert.equal(typeof failed.epoch, 'number');
  assert.equal(typeof failed.batch, 'number');
  assert.match(failed.message, new RegExp(`epoch ${failed.epoch}, batch ${failed.batch}`));
  assert.match(failed.message, /lower learning rate/);
  assert.equal(only(events, 'finished').length, 0);
});

test('parameter counts that differ from Keras fail clearly', async () => {
  const dir = tempDir();
  const spec = makeSpec(dir, { expectedParams: { total: 1, trainable: 1, nonTrainable: 0 } });
  const failed = only(await runCollect(spec), 'failed')[0]!;
  assert.match(failed.message, /TF\.js built 50890 .* Keras expects 1/);
  assert.match(failed.message, /dense \(Dense\): 50240/);
});

test('EarlyStopping ends the run and a stop signal ends it within a batch', async () => {
  const dir = tempDir();
  const spec = makeSpec(dir, {
    fit: {
      epochs: 10,
      batchSize: 100,
      seed: 1,
      backend: 'tfjs:wasm',
      mixedPrecision: false,
      devices: 1,
      nnodes: 1,
      callbacks: [{ name: 'EarlyStopping', args: { monitor: 'loss', patience: 0, min_delta: 100 } }],
    },
  });
  const events = await runCollect(spec);
  assert.equal(only(events, 'epoch').length, 2, 'no epoch improves by 100, so it stops after the second');
  assert.equal(events[events.length - 1]!.type, 'finished');

  const spec2 = makeSpec(tempDir(), {
    fit: {
      epochs: 10,
      batchSize: 10,
      seed: 1,
      callbacks: [],
      backend: 'tfjs:wasm',
      mixedPrecision: false,
      devices: 1,
      nnodes: 1,
    },
  });
  const events2 = await runCollect(spec2, {
    onEvent: (e, stop) => {
      if (e.type === 'batch' && e.batch === 1) stop.requested = true;
    },
  });
  const batches = only(events2, 'batch');
  assert.equal(batches[batches.length - 1]!.batch, 1, 'no batch runs after the stop');
  const stopped = only(events2, 'stopped')[0]!;
  assert.equal(stopped.epoch, 1);
  assert.ok(existsSync(stopped.modelPath!), 'the model is saved on stop');
});

test('ModelCheckpoint(save_best_only) saves into best/ and CSVLogger writes Keras columns', async () => {
  const dir = tempDir();
  const spec = makeSpec(dir, {
    fit: {
      epochs: 3,
      batchSize: 50,
      seed: 3,
      backend: 'tfjs:wasm',
      mixedPrecision: false,
      devices: 1,
      nnodes: 1,
      callbacks: [
        { name: 'ModelCheckpoint', args: { filepath: 'best.keras', monitor: 'val_loss', save_best_only: true } },
        { name: 'CSVLogger', args: { filename: 'log.csv' } },
      ],
    },
  });
  const events = await runCollect(spec);
  const checkpoints = only(events, 'checkpoint');
  assert.equal(only(events, 'failed').length, 0, JSON.stringify(only(events, 'failed')));
  assert.ok(checkpoints.length >= 1 && checkpoints.every((c) => c.best && c.monitor === 'val_loss'));
  const valLosses = only(events, 'epoch').map((e) => e.valLoss!);
  let best = Infinity;
  const improving = valLosses.map((v, i) => (v < best ? ((best = v), i + 1) : 0)).filter(Boolean);
  assert.deepEqual(
    checkpoints.map((c) => c.epoch),
    improving,
  );
  assert.ok(existsSync(join(spec.runDir, 'best', 'model.json')));
  const csv = readFileSync(join(spec.runDir, 'log.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'epoch,accuracy,loss,val_accuracy,val_loss');
  assert.equal(csv.length, 4);
  assert.equal(csv[1]!.split(',')[0], '0');
});

test('first-batch-loss mode reports the loss of the initial weights on the first batch', async () => {
  const dir = tempDir();
  const layers = [
    layer('InputLayer', { batch_shape: [null, 784] }),
    layer('Dense', { name: 'd', units: 10, activation: 'softmax' }),
  ];
  const spec = makeSpec(dir, { layers, expectedParams: { total: 7850, trainable: 7850, nonTrainable: 0 } });
  const kernel = new Float32Array(7840).map((_, i) => Math.sin(i) * 0.01);
  const bias = new Float32Array(10).map((_, i) => i * 0.1);
  spec.initialWeights = {
    tensors: [
      writeTensor(dir, 'k.bin', 'float32', [784, 10], kernel),
      writeTensor(dir, 'b.bin', 'float32', [10], bias),
    ],
  };
  spec.fit.batchSize = 8;
  const events = await runCollect(spec, { firstBatchLoss: true });
  const loss = only(events, 'batch')[0]!.loss;
  // The same loss in plain JavaScript: softmax cross-entropy of the first 8 (unshuffled) samples.
  const { x, y } = mnist(8);
  let total = 0;
  for (let n = 0; n < 8; n++) {
    const logits = Array.from(
      { length: 10 },
      (_, j) =>
        bias[j]! +
        Array.from({ length: 784 }, (_, i) => (x[n * 784 + i]! / 255) * kernel[i * 10 + j]!).reduce((a, b) => a + b, 0),
    );
    const max = Math.max(...logits);
    const sum = logits.reduce((a, l) => a + Math.exp(l - max), 0);
    total += -(logits[y[n]!]! - max - Math.log(sum));
  }
  assert.ok(Math.abs(loss - total / 8) < 1e-4, `${loss} vs ${total / 8}`);
  assert.equal(events[events.length - 1]!.type, 'finished');
});

test('events go to stdout and events.jsonl line by line', () => {
  const dir = tempDir();
  const lines: string[] = [];
  const emit = eventWriter(dir, (l) => lines.push(l));
  emit({ type: 'log', level: 'info', message: 'one' });
  emit({ type: 'log', level: 'warning', message: 'two' });
  assert.equal(readFileSync(join(dir, 'events.jsonl'), 'utf8'), lines.join(''));
  assert.deepEqual(
    lines.map((l) => JSON.parse(l).message),
    ['one', 'two'],
  );
});

test('data-parallel steps on two WebAssembly threads follow the single-thread run', async () => {
  const dir = tempDir();
  const conv = [
    layer('InputLayer', { batch_shape: [null, 28, 28, 1], dtype: 'float32', name: 'input' }),
    // Frozen (as a Pretrained part is): the workers get its weights once, not every step.
    layer('Conv2D', {
      name: 'frozen',
      filters: 4,
      kernel_size: [3, 3],
      trainable: false,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    }),
    layer('Conv2D', {
      name: 'conv2d',
      filters: 4,
      kernel_size: [3, 3],
      activation: 'relu',
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    }),
    layer('MaxPooling2D', { name: 'max_pooling2d', pool_size: [2, 2] }),
    layer('Flatten', { name: 'flatten' }),
    layer('Dense', {
      name: 'dense',
      units: 10,
      activation: 'softmax',
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
    }),
  ];
  const frozen = 4 * 9 + 4;
  const trainable = 4 * 9 * 4 + 4 + 12 * 12 * 4 * 10 + 10;
  const run = async (threads: string) => {
    process.env.MODELSPEC_TFJS_THREADS = threads;
    try {
      const spec = makeSpec(tempDir(), {
        layers: conv,
        expectedParams: { total: frozen + trainable, trainable, nonTrainable: frozen },
      });
      spec.data = { ...spec.data, train: mnistFiles(dir, `train${threads}`, 2100), validationSplit: 0, shuffle: false };
      spec.fit = { ...spec.fit, epochs: 1, batchSize: 64, seed: 3 };
      const events = await runCollect(spec);
      const model = JSON.parse(readFileSync(join(spec.runDir, 'model.json'), 'utf8')) as {
        weightsManifest: { weights: unknown[] }[];
      };
      const weights = new Float32Array(readFileSync(join(spec.runDir, 'weights.bin')).buffer.slice(0));
      return { events, weights, manifest: model.weightsManifest };
    } finally {
      delete process.env.MODELSPEC_TFJS_THREADS;
    }
  };
  const one = await run('1');
  const two = await run('2');
  assert.match(only(two.events, 'started')[0]!.device, /2 threads/);
  assert.ok(
    only(two.events, 'log').some((e) =>
      /data-parallel: each batch is split over 2 WebAssembly threads/.test(e.message),
    ),
  );
  assert.ok(only(one.events, 'log').every((e) => !/data-parallel/.test(e.message)));
  // The same 33 updates from the same start: only the order of float sums differs.
  const [a, b] = [only(one.events, 'epoch')[0]!, only(two.events, 'epoch')[0]!];
  assert.ok(Math.abs(a.loss - b.loss) < 1e-4, `loss ${a.loss} vs ${b.loss}`);
  assert.ok(
    Math.abs(a.metrics.accuracy! - b.metrics.accuracy!) <= 2 / 2100,
    `accuracy ${a.metrics.accuracy} vs ${b.metrics.accuracy}`,
  );
  assert.deepEqual(one.manifest, two.manifest);
  const worst = one.weights.reduce((m, v, i) => Math.max(m, Math.abs(v - two.weights[i]!)), 0);
  assert.ok(worst < 1e-4, `weights differ by up to ${worst}`);
});
