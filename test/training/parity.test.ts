// The two engines build the same model: the parameter counts of `modelspec summary` for every
// example, and the same loss on the same batch when both start from the same weights (the
// TF.js engine's initial weights, loaded into the PyTorch engine).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyze } from '../../language/analysis/analyze';
import { lowerModel } from '../../language/lowering';
import { findTorch } from '../../training/engines/detect';
import { pythonModuleCommand } from '../../training/engines/python-command';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { buildModel, countParams, kerasOrderedWeights } from '../../training/engines/tfjs/model';
import type { RunEvent, RunSpec, TensorFile } from '../../training/protocol';
import { buildRunSpec } from '../../training/run-spec';
import { planTraining } from '../../language/analysis/plan';

const torch = (await findTorch()).probe;
const FASHION = '/usr/share/datasets/fashion-mnist';

/** Every example, with Fashion-MNIST read from Debian's real files instead of the download. */
function exampleText(name: string): string {
  return readFileSync(`examples/${name}.model`, 'utf8')
    .replace(
      'train: fashion_mnist',
      `train: idx(images='${FASHION}/train-images-idx3-ubyte.gz', labels='${FASHION}/train-labels-idx1-ubyte.gz')`,
    )
    .replace(
      "test: fashion_mnist(split='test')",
      `test: idx(images='${FASHION}/t10k-images-idx3-ubyte.gz', labels='${FASHION}/t10k-labels-idx1-ubyte.gz')`,
    );
}

const EXAMPLES = ['digits', 'digits-cnn', 'fashion-cnn', 'sequence-lstm', 'regression-csv', 'autoencoder'];

function torchDescribe(models: unknown[]): { total: number; trainable: number; nonTrainable: number }[] {
  const dir = mkdtempSync(join(tmpdir(), 'parity-'));
  const file = join(dir, 'models.json');
  writeFileSync(file, JSON.stringify(models));
  const c = pythonModuleCommand(torch!.python, 'modelspec_torch', ['--describe', file]);
  const r = spawnSync(c.command, c.args, { encoding: 'utf8', env: c.env });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { total: number; trainable: number; nonTrainable: number }[];
}

describe('engine parity', () => {
  before(async () => {
    await selectBackend('tfjs:wasm');
  });

  it("TF.js builds every example with the checker's parameter counts", async () => {
    for (const name of EXAMPLES) {
      const a = analyze(exampleText(name), { baseDir: 'examples' });
      assert.ok(a.model?.totals, `${name} checks`);
      const model = await buildModel({ model: lowerModel(a.model) as RunSpec['model'] });
      const counts = countParams(model);
      model.dispose();
      assert.deepEqual(
        { trainable: counts.trainable, nonTrainable: counts.nonTrainable },
        { trainable: a.model.totals.trainable, nonTrainable: a.model.totals.nonTrainable },
        name,
      );
    }
  });

  it(
    "PyTorch builds every example with the checker's parameter counts",
    { skip: torch ? false : 'no Python interpreter with torch here' },
    () => {
      const analyses = EXAMPLES.map((name) => analyze(exampleText(name), { baseDir: 'examples' }));
      const params = torchDescribe(analyses.map((a) => lowerModel(a.model!)));
      analyses.forEach((a, i) => {
        assert.equal(params[i].total, a.model!.totals!.total, EXAMPLES[i]);
        assert.equal(params[i].trainable, a.model!.totals!.trainable, EXAMPLES[i]);
      });
    },
  );

  // Weight and activity regularizers add their penalties to the loss (Keras's model.losses) on both engines.
  const regularized = exampleText('digits').replace(
    "Dense(512, activation='relu')",
    "Dense(512, activation='relu', kernel_regularizer=L2(0.001), bias_regularizer=L1L2(l1=0.01, l2=0.01), activity_regularizer=L1L2(l1=0.0001, l2=0.0001))",
  );
  if (!regularized.includes('kernel_regularizer'))
    throw new Error('the digits example no longer has the layer this test regularizes');
  // Keras spellings issue #10 found rejected: Reshape with one -1 (784 / (4·7) = 28, as Keras's
  // compute_reshape_output_shape infers it), padding='SAME' (Keras lowercases it), a pasted
  // tf.nn.relu, and the leaky_relu (negative_slope 0.2) and log_softmax activations.
  const kerasSpellings = exampleText('digits').replace(
    "Dense(512, activation='relu')\n    Dropout(0.2)\n    Dense(512, activation='relu')",
    "Reshape((4, -1, 7))\n    Conv2D(8, 3, padding='SAME', activation=tf.nn.relu)\n    Flatten()\n    Dense(64, activation='leaky_relu')\n    Dropout(0.2)\n    Dense(32, activation='log_softmax')",
  );
  // Input(dtype='int64') as keras.io's text examples write it: TF.js runs it as int32.
  const int64Input = exampleText('digits').replace(
    "Input(shape=(784,))\n    Dense(512, activation='relu')",
    "Input(shape=(784,), dtype='int64')\n    Embedding(2, 8)\n    GlobalAveragePooling1D()\n    Dense(512, activation='relu')",
  );
  if (!kerasSpellings.includes('leaky_relu') || !int64Input.includes('int64'))
    throw new Error('the digits example no longer has the layers these tests replace');
  const cases: [string, string][] = [
    ...['digits', 'digits-cnn', 'sequence-lstm', 'fashion-cnn'].map((name): [string, string] => [
      name,
      exampleText(name),
    ]),
    ['digits with regularizers', regularized],
    ['digits with Reshape(-1), SAME padding, tf.nn.relu, leaky_relu and log_softmax', kerasSpellings],
    ["digits through Input(dtype='int64') and Embedding", int64Input],
  ];
  for (const [name, text] of cases) {
    it(
      `${name}: the same first-batch loss on both engines from the same weights`,
      { skip: torch ? false : 'no Python interpreter with torch here' },
      async () => {
        const file = `examples/digits.model`; // only its folder matters
        const checked = analyze(text, { baseDir: 'examples' });
        assert.deepEqual(
          checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
          [],
          name,
        );
        const { plan, blocker } = planTraining(checked, file);
        assert.ok(plan, blocker);
        const spec = await buildRunSpec(plan, { runsDir: mkdtempSync(join(tmpdir(), 'parity-runs-')) });
        spec.data = { ...spec.data, shuffle: false, augment: undefined };
        spec.fit = { ...spec.fit, batchSize: 64, callbacks: [], seed: 1, mixedPrecision: false };

        // The TF.js engine's initial weights, in Keras order, as float32 tensor files.
        const model = await buildModel(spec, 1);
        const weightsDir = join(spec.runDir, 'weights');
        mkdirSync(weightsDir, { recursive: true });
        const tensors = kerasOrderedWeights(model).map((w, i): TensorFile => {
          const path = join(weightsDir, `w${i}.bin`);
          writeFileSync(path, Buffer.from((w.read().dataSync() as Float32Array).buffer));
          return { path, dtype: 'float32', shape: w.shape as number[] };
        });
        spec.initialWeights = { tensors };
        model.dispose();
        const specPath = join(spec.runDir, 'spec.json');
        writeFileSync(specPath, JSON.stringify(spec));

        const tf = spawnSync(process.execPath, ['dist/engine-tfjs.cjs', specPath, '--first-batch-loss'], {
          encoding: 'utf8',
          env: { ...process.env },
        });
        assert.equal(tf.status, 0, tf.stderr);
        const batch = tf.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as RunEvent)
          .find((e) => e.type === 'batch');
        assert.ok(batch?.type === 'batch', tf.stdout);

        const c = pythonModuleCommand(torch!.python, 'modelspec_torch', ['--first-batch-loss', specPath]);
        const pt = spawnSync(c.command, c.args, { encoding: 'utf8', env: c.env });
        assert.equal(pt.status, 0, pt.stderr);
        const torchLoss = (JSON.parse(pt.stdout.trim().split('\n').pop()!) as { loss: number }).loss;

        assert.ok(
          Math.abs(batch.loss - torchLoss) <= 1e-4 * Math.max(1, Math.abs(torchLoss)),
          `${name}: tfjs ${batch.loss} vs torch ${torchLoss}`,
        );
      },
    );
  }
});
