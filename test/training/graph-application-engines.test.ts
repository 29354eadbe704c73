// Layer-graph applications (a nested Keras Functional model, language/catalog/graph/) in both
// engines, on a toy graph small enough for the unit tier that uses every graph op: Add,
// Multiply's (1, 1, C) broadcast, Concatenate, CustomScaleLayer and LayerScale, with a
// BatchNormalization inside. Both engines build it with the fold's counts, give the same
// first-batch loss from the same weights, train it, and save it so that training/saved-weights.ts
// reads its weights back by name; a frozen base (trainable=False) keeps every weight, its
// BatchNormalization's moving statistics included. The ResNets themselves run in the slow tier
// (graph-applications-slow.test.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { foldGraph, functionalConfig, GraphBuilder } from '../../language/catalog/graph/layer-graph';
import { optimizerArgs } from '../../language/catalog';
import type { KerasLayerConfig } from '../../language/catalog/types';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { buildModel, countParams, kerasOrderedWeights } from '../../training/engines/tfjs/model';
import { readTensorFile } from '../../training/engines/tfjs/tensor-files';
import { readSavedWeights } from '../../training/saved-weights';
import { exportRun } from '../../interop/export/run-formats';
import { buildEvaluateSpec } from '../../training/evaluate-run';
import { loadOnnxRuntime } from '../../predict/engines';
import { runTfjsModel } from '../../predict/tfjs-runner';
import type { RunSpec, TensorFile } from '../../training/protocol';
import { kerasLayer } from '../helpers/keras-defaults';
import { runCollect, only } from './tfjs/helpers';
import { SKIP, runPython, tempDir, writeSpec, writeTensor, rng, train as torchTrain } from './torch/helpers';

const INPUT = [8, 8, 3];
const CLASSES = 4;

/** Every graph op once: a residual Add, a squeeze-and-excitation Multiply, Concatenate, LayerScale, CustomScaleLayer. */
function toyGraph() {
  const g = new GraphBuilder('toy');
  let a = g.layer('Conv2D', { filters: 4, kernel_size: 3, padding: 'same', name: 'a_conv' }, g.input);
  a = g.layer('BatchNormalization', { axis: 3, epsilon: 1.001e-5, name: 'a_bn' }, a);
  a = g.layer('Activation', { activation: 'relu', name: 'a_relu' }, a);
  const b = g.layer('Conv2D', { filters: 4, kernel_size: 1, name: 'b_conv' }, g.input);
  const sum = g.merge('Add', [a, b], { name: 'sum' });
  let gate = g.layer('GlobalAveragePooling2D', { name: 'se_squeeze' }, sum);
  gate = g.layer('Reshape', { target_shape: [1, 1, 4], name: 'se_reshape' }, gate);
  gate = g.layer('Conv2D', { filters: 4, kernel_size: 1, activation: 'sigmoid', name: 'se_expand' }, gate);
  const excited = g.merge('Multiply', [sum, gate], { name: 'se_excite' });
  const joined = g.merge('Concatenate', [excited, b], { name: 'joined' });
  const scaled = g.merge('LayerScale', [joined], { init_values: 0.5, projection_dim: 8, name: 'scale' });
  return g.build(g.merge('CustomScaleLayer', [joined, scaled], { scale: 0.25, name: 'residual' }));
}

function toyModel(trainable: boolean) {
  const folded = foldGraph(toyGraph(), INPUT, trainable);
  const nested = functionalConfig(folded, 'toy', trainable);
  // The lowering puts the model's input shape on its first layer.
  nested.config = { ...nested.config, batch_input_shape: [null, ...INPUT] };
  const layers: KerasLayerConfig[] = [
    nested,
    kerasLayer('GlobalAveragePooling2D', { name: 'gap' }),
    kerasLayer('Dense', { name: 'dense', units: CLASSES, activation: 'softmax' }),
  ];
  const head = 8 * CLASSES + CLASSES;
  const params = {
    total: folded.params.trainable + folded.params.nonTrainable + head,
    trainable: folded.params.trainable + head,
    nonTrainable: folded.params.nonTrainable,
  };
  return { model: { class_name: 'Sequential' as const, config: { name: 'toy_model', layers } }, params, folded };
}

function spec(dir: string, trainable: boolean, backend: string): RunSpec {
  const { model, params } = toyModel(trainable);
  const n = 48;
  const r = rng(5);
  const x = Float32Array.from({ length: n * 8 * 8 * 3 }, () => r() * 2 - 1);
  const y = Int32Array.from({ length: n }, (_, i) => i % CLASSES);
  return {
    model,
    modelName: 'toy_model',
    sourceFile: join(dir, 'toy.model'),
    compile: {
      loss: 'categorical_crossentropy',
      optimizer: { name: 'SGD', args: optimizerArgs('SGD', { learning_rate: 0.1 }) },
      metrics: ['accuracy'],
    },
    data: {
      source: 'toy',
      train: {
        x: writeTensor(dir, 'x.bin', 'float32', [n, ...INPUT], x),
        y: writeTensor(dir, 'y.bin', 'int32', [n], y),
      },
      test: {
        x: writeTensor(dir, 'x.bin', 'float32', [n, ...INPUT], x),
        y: writeTensor(dir, 'y.bin', 'int32', [n], y),
      },
      validationSplit: 0,
      rescale: 1,
      classes: Array.from({ length: CLASSES }, (_, i) => `c${i}`),
      labelEncoding: 'onehot',
      shuffle: false,
      isImage: false,
    },
    fit: { epochs: 1, batchSize: 16, seed: 1, callbacks: [], backend, mixedPrecision: false },
    expectedParams: params,
    runDir: join(dir, 'run'),
  } as RunSpec;
}

/** TF.js's initial weights of the model, in Keras order, as tensor files (what both engines load). */
async function initialWeights(s: RunSpec, dir: string): Promise<{ tensors: TensorFile[]; values: Float32Array[] }> {
  const model = await buildModel(s, 1);
  const values: Float32Array[] = [];
  const tensors = kerasOrderedWeights(model).map((w, i) => {
    const v = Float32Array.from(w.read().dataSync() as Float32Array);
    values.push(v);
    return writeTensor(dir, `w${i}.bin`, 'float32', w.shape as number[], v);
  });
  model.dispose();
  return { tensors, values };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

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
    assert.ok(names.includes('scale/gamma'));
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

test(
  'a trained run of the graph: TF.js predicts from its model.json, ONNX (torch.onnx.export) gives the same outputs, both engines evaluate it to one loss, safetensors names the nested weights, the .keras archive refuses it',
  { skip: SKIP },
  async () => {
    const dir = tempDir('graph-export-');
    const s = spec(dir, true, 'tfjs:wasm');
    const events = await runCollect(s);
    assert.ok(events.some((e) => e.type === 'finished'));
    writeFileSync(join(s.runDir, 'spec.json'), JSON.stringify(s));
    const x = Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => Math.sin(i * 0.37));
    const tfjs = await runTfjsModel(s.runDir, INPUT, x, 2);
    assert.equal(tfjs.values.length, 2 * CLASSES);

    const onnx = await exportRun(s.runDir, 'onnx');
    const ort = loadOnnxRuntime();
    assert.ok(ort, 'onnxruntime-node (an optional dependency, installed here) loads');
    {
      const session = await ort.InferenceSession.create(readFileSync(onnx));
      const out = await session.run({ input: new ort.Tensor('float32', x, [2, ...INPUT]) });
      const values = out.output!.data as Float32Array;
      assert.ok(maxDiff(values, tfjs.values) < 1e-5, `onnx ${Array.from(values)} vs tfjs ${Array.from(tfjs.values)}`);
    }

    const st = readFileSync(await exportRun(s.runDir, 'safetensors'));
    const header = JSON.parse(st.subarray(8, 8 + Number(st.readBigUInt64LE(0))).toString('utf8')) as Record<
      string,
      { shape: number[] }
    >;
    assert.deepEqual(header['toy/a_conv/kernel']?.shape, [3, 3, 3, 4]);
    assert.deepEqual(header['toy/scale/gamma']?.shape, [8]);

    // modelspec evaluate: the saved nested weights, loaded by each engine, give one test loss.
    const losses: number[] = [];
    for (const backend of ['tfjs:wasm', 'torch:cpu']) {
      const e = await buildEvaluateSpec(s.runDir, { backend });
      const evaluated =
        backend === 'tfjs:wasm'
          ? only(await runCollect(e), 'evaluated')
          : only(torchTrain(dir, e, 120_000).events, 'evaluated');
      assert.equal(evaluated.length, 1, backend);
      losses.push(evaluated[0]!.loss);
    }
    assert.ok(Math.abs(losses[0]! - losses[1]!) < 1e-4, `evaluate: tfjs ${losses[0]} vs torch ${losses[1]}`);

    await assert.rejects(
      exportRun(s.runDir, 'keras-model'),
      /--to keras-model cannot write a layer-graph application yet \(layer toy/,
    );
  },
);
