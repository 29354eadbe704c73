// Layer-graph applications (a nested Keras Functional model, language/catalog/graph/) in both
// engines, on a toy graph small enough for the unit tier that uses every graph op: Add,
// Multiply's (1, 1, C) broadcast, Concatenate, CustomScaleLayer and LayerScale, with a
// BatchNormalization inside. Both engines build it with the fold's counts, give the same
// first-batch loss from the same weights, train it, and save it so that training/saved-weights.ts
// reads its weights back by name; a frozen base (trainable=False) keeps every weight, its
// BatchNormalization's moving statistics included. The ResNets themselves, and a trained toy run's
// evaluate, predict and exports, run in the slow tier (graph-applications-slow.test.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { buildModel, countParams, kerasOrderedWeights } from '../../training/engines/tfjs/model';
import { readTensorFile } from '../../training/engines/tfjs/tensor-files';
import { readSavedWeights } from '../../training/saved-weights';
import { runCollect, only } from './tfjs/helpers';
import { SKIP, runPython, tempDir, writeSpec, train as torchTrain } from './torch/helpers';
import { CLASSES, initialWeights, maxDiff, spec, toyModel } from './graph-toy';

before(async () => {
  await selectBackend('tfjs:wasm');
});

test("TF.js builds the nested graph as one layer with the fold's counts and trains it", async () => {
  const { model: config, params } = toyModel(true);
  const model = await buildModel({ model: config }, 1);
  try {
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ['toy', 'gap', 'dense'],
    );
    assert.deepEqual(countParams(model), params);
    assert.deepEqual(model.outputs[0]!.shape, [null, CLASSES]);
    // Keras's layer order (keras-order.ts) is TF.js's own (its Container ports Keras's), so the
    // config's order is the order both engines list the weights in: layer by layer inside the
    // nested model, BatchNormalization's moving statistics beside its gamma and beta.
    const nested = config.config.layers[0]!.config as unknown as { layers: { name: string }[] };
    assert.deepEqual(
      (model.layers[0] as unknown as { layers: { name: string }[] }).layers.map((l) => l.name),
      nested.layers.map((l) => l.name),
    );
    const names = kerasOrderedWeights(model).map((w) => w.originalName);
    assert.deepEqual(names.slice(0, 6), [
      'a_conv/kernel',
      'a_conv/bias',
      'a_bn/gamma',
      'a_bn/beta',
      'a_bn/moving_mean',
      'a_bn/moving_variance',
    ]);
    // LayerScale's gamma starts at init_values (Keras's Constant initializer).
    const gamma = kerasOrderedWeights(model).find((w) => w.originalName === 'scale/gamma')!;
    assert.deepEqual(Array.from(gamma.read().dataSync()), Array(8).fill(0.5));
  } finally {
    model.dispose();
  }
});

test('the same first-batch loss on both engines from the same weights', { skip: SKIP }, async () => {
  const dir = tempDir('graph-parity-');
  const s = spec(dir, true, 'tfjs:wasm');
  s.initialWeights = { tensors: (await initialWeights(s, dir)).tensors };
  const events = await runCollect(s, { firstBatchLoss: true });
  const tfLoss = only(events, 'batch')[0]!.loss;
  const r = runPython(['--first-batch-loss', writeSpec(dir, { ...s, fit: { ...s.fit, backend: 'torch:cpu' } })]);
  assert.equal(r.status, 0, r.stderr);
  const torchLoss = (JSON.parse(r.stdout.trim().split('\n').pop()!) as { loss: number }).loss;
  assert.ok(Number.isFinite(tfLoss) && tfLoss > 0, `a finite loss: ${tfLoss}`);
  assert.ok(Math.abs(tfLoss - torchLoss) <= 1e-4 * Math.max(1, tfLoss), `tfjs ${tfLoss} vs torch ${torchLoss}`);
});

for (const engine of ['tfjs', 'torch'] as const) {
  for (const trainable of [true, false]) {
    test(
      `${engine}: ${trainable ? 'a trainable' : 'a frozen (trainable=False)'} graph trains one epoch and saves weights readSavedWeights reads by name`,
      { skip: engine === 'torch' ? SKIP : false },
      async () => {
        const dir = tempDir(`graph-${engine}-`);
        const s = spec(dir, trainable, engine === 'tfjs' ? 'tfjs:wasm' : 'torch:cpu');
        const initial = await initialWeights(s, dir);
        s.initialWeights = { tensors: initial.tensors };
        let finished: { status: number | null; stderr: string; events: { type: string }[] };
        if (engine === 'tfjs') {
          const events = await runCollect(s);
          finished = { status: 0, stderr: '', events };
        } else {
          finished = torchTrain(dir, s, 120_000);
        }
        assert.equal(finished.status, 0, finished.stderr);
        const batches = finished.events.filter((e): e is { type: 'batch'; loss: number } => e.type === 'batch');
        assert.ok(batches.length > 0 && batches.every((b) => Number.isFinite(b.loss)), 'finite batch losses');
        assert.ok(finished.events.some((e) => e.type === 'finished'));

        const saved = readSavedWeights(join(s.runDir, 'model.json'), dir);
        assert.deepEqual(
          saved.map((l) => [l.name, l.className]),
          [
            ['toy', 'Functional'],
            ['gap', 'GlobalAveragePooling2D'],
            ['dense', 'Dense'],
          ],
        );
        const toy = saved[0]!;
        assert.deepEqual(toy.weightNames.slice(0, 2), ['a_conv/kernel', 'a_conv/bias']);
        assert.ok(toy.weightNames.includes('a_bn/moving_mean') && toy.weightNames.includes('scale/gamma'));
        const after = saved.flatMap((l) => l.tensors).map((t) => readTensorFile(t).data as Float32Array);
        assert.equal(after.length, initial.values.length);
        const inner = toy.tensors.length;
        const innerChange = Math.max(...after.slice(0, inner).map((v, i) => maxDiff(v, initial.values[i]!)));
        const headChange = Math.max(...after.slice(inner).map((v, i) => maxDiff(v, initial.values[inner + i]!)));
        assert.ok(headChange > 0, 'the Dense head learns');
        if (trainable) assert.ok(innerChange > 0, 'the graph learns');
        else assert.equal(innerChange, 0, 'a frozen graph keeps every weight, moving statistics included');
      },
    );
  }
}
