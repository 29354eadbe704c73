// Normalization() without mean and variance is adapted on the training data before training, as
// Keras's `layer.adapt(x_train)` (issue #10 item 3): the mean and numpy's population variance over
// the training split (validation_split's part left out), computed once by the run and carried to
// both engines in the RunSpec. The expected numbers come from numpy in /usr/bin/python3 reading the
// same CSV; the engines' saved model.json must hold them as the layer's weights mean, variance and
// count (Keras 3 never assigns count: 0), as does the .keras archive exported from the run, and both engines must give the same first-batch loss.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyze } from '../../language/analysis/analyze';
import { planTraining } from '../../language/analysis/plan';
import { findTorch } from '../../training/engines/detect';
import { pythonModuleCommand } from '../../training/engines/python-command';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { buildModel, kerasOrderedWeights } from '../../training/engines/tfjs/model';
import { readTensorFile } from '../../training/engines/tfjs/tensor-files';
import type { RunEvent, RunSpec, TensorFile } from '../../training/protocol';
import { buildRunSpec } from '../../training/run-spec';
import { readSavedWeights } from '../../training/saved-weights';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const torch = (await findTorch()).probe;
const NUMPY = '/usr/bin/python3';
/** onnxruntime-node is an optional dependency: without it the ONNX check is left out. */
const ORT = await import('onnxruntime-node').then(
  () => true,
  () => false,
);

/** 40 rows: a in thousandths, b in thousands, c around 1; y a mix of them. The last 10 validate. */
function writeData(dir: string): string {
  const rows = ['a,b,c,y'];
  for (let i = 0; i < 40; i++) {
    const a = ((i * 37) % 23) / 1000;
    const b = 1000 + ((i * 53) % 41) * 97.5;
    const c = Math.sin(i) + 1;
    rows.push(`${a},${b},${c},${(a * 300 + b / 1000 + c).toFixed(4)}`);
  }
  const file = join(dir, 'scales.csv');
  writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

const MODEL = (layers: string) => `model scales {
  Input(shape=(3,))
${layers}
  Dense(4, activation='relu')
  Dense(1)
}
compile {
  loss: 'mse'
  optimizer: 'adam'
  metrics: ['mae']
}
data {
  train: csv('scales.csv', label='y')
  validation_split: 0.25
}
fit {
  epochs: 1
  batch_size: 8
  seed: 3
}
`;

/** numpy's mean and variance of the training split (the first 30 rows) through `transform`, over `axis`. */
function numpyStats(csv: string, transform: string, axis: string): { mean: number[]; variance: number[] } {
  const code = [
    'import json, sys, numpy as np',
    `x = np.loadtxt(${JSON.stringify(csv)}, delimiter=',', skiprows=1, usecols=(0, 1, 2), dtype=np.float64)`,
    'x = x[: int(len(x) * (1 - 0.25))]',
    // The prepared tensor file holds float32 values (as x_train.astype('float32') would).
    'x = x.astype(np.float32).astype(np.float64)',
    `x = ${transform}`,
    `m, v = np.mean(x, axis=${axis}), np.var(x, axis=${axis})`,
    'print(json.dumps({"mean": np.atleast_1d(m).tolist(), "variance": np.atleast_1d(v).tolist()}))',
  ].join('\n');
  const r = spawnSync(NUMPY, ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { mean: number[]; variance: number[] };
}

function close(got: ArrayLike<number>, want: number[], what: string, rel = 1e-6) {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, want ${want.length}`);
  want.forEach((w, i) =>
    assert.ok(
      Math.abs(got[i]! - w) <= rel * Math.max(1, Math.abs(w)),
      `${what}[${i}]: ${got[i]} vs numpy ${w} (${Array.from(got)} vs ${want})`,
    ),
  );
}

async function specFor(dir: string, layers: string): Promise<RunSpec> {
  const file = join(dir, 'scales.model');
  const text = MODEL(layers);
  writeFileSync(file, text);
  const checked = analyze(text, { baseDir: dir });
  assert.deepEqual(
    checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const { plan, blocker } = planTraining(checked, file);
  assert.ok(plan, blocker);
  return buildRunSpec(plan, { runsDir: join(dir, 'runs'), cacheDir: join(dir, 'cache') });
}

describe('Normalization adapted on the training data', () => {
  let dir = '';
  let csv = '';
  before(async () => {
    ensureBuilt();
    await selectBackend('tfjs:wasm');
    dir = mkdtempSync(join(tmpdir(), 'modelspec-adapt-'));
    csv = writeData(dir);
  });

  it('the RunSpec carries numpy’s mean and population variance of the training split, per feature', async () => {
    const spec = await specFor(dir, '  Normalization()');
    const want = numpyStats(csv, 'x', '0');
    assert.equal(spec.adapted?.length, 1);
    const [adapted] = spec.adapted!;
    assert.equal(adapted!.layer, 'normalization');
    assert.deepEqual(adapted!.shape, [3]);
    close(adapted!.mean, want.mean, 'mean', 1e-12);
    close(adapted!.variance, want.variance, 'variance', 1e-12);
    assert.equal(adapted!.count, 0);
    // The features really are of very different scales (what the layer is for).
    assert.ok(want.variance[1]! / want.variance[0]! > 1e9, `${want.variance}`);
  });

  it('through Rescaling and a Random* layer, with axis=None: one mean and variance of everything rescaled', async () => {
    const spec = await specFor(dir, '  Rescaling(0.5, offset=1)\n  Normalization(axis=None)');
    const want = numpyStats(csv, 'x * 0.5 + 1', 'None');
    const [adapted] = spec.adapted!;
    assert.deepEqual(adapted!.shape, []);
    close(adapted!.mean, want.mean, 'mean', 1e-12);
    close(adapted!.variance, want.variance, 'variance', 1e-12);
  });

  it('a Normalization given mean and variance is not adapted', async () => {
    const spec = await specFor(dir, '  Normalization(mean=[0, 1000, 1], variance=[1, 1e6, 1])');
    assert.equal(spec.adapted, undefined);
  });

  for (const engine of ['tfjs', 'torch']) {
    it(
      `${engine}: the saved model.json holds the adapted mean, variance and count`,
      { skip: engine === 'torch' && !torch ? 'no Python interpreter with torch here' : false },
      () => {
        const out = join(dir, `runs-${engine}`);
        writeFileSync(join(dir, 'scales.model'), MODEL('  Normalization()'));
        const r = spawnSync(
          process.execPath,
          [CLI, 'train', join(dir, 'scales.model'), '--backend', engine, '--out', out, '--json'],
          { encoding: 'utf8', timeout: 300_000, env: { ...process.env, MODELSPEC_CACHE: join(dir, 'cache') } },
        );
        assert.equal(r.status, 0, r.stderr + r.stdout);
        const events = r.stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as RunEvent);
        const started = events.find((e) => e.type === 'started');
        assert.ok(started?.type === 'started', r.stdout);
        const layer = readSavedWeights(join(started.runDir, 'model.json')).find((l) => l.name === 'normalization');
        assert.ok(layer, 'model.json has the normalization layer');
        assert.deepEqual(layer.weightNames, ['mean', 'variance', 'count']);
        const [mean, variance, count] = layer.tensors.map((t) => Array.from(readTensorFile(t).data));
        const want = numpyStats(csv, 'x', '0');
        // float32 as saved: 6e-8 relative.
        close(mean!, want.mean, 'saved mean', 1e-6);
        close(variance!, want.variance, 'saved variance', 1e-6);
        assert.deepEqual(count, [0]);

        // The .keras archive made from the run holds them where Keras 3's saving_lib puts them.
        const archive = join(dir, `scales-${engine}.keras`);
        const e = spawnSync(
          process.execPath,
          [CLI, 'export', started.runDir, '--to', 'keras-model', '--out', archive],
          {
            encoding: 'utf8',
          },
        );
        assert.equal(e.status, 0, e.stderr);
        const read = [
          'import io, json, sys, zipfile, h5py',
          `z = zipfile.ZipFile(${JSON.stringify(archive)})`,
          "h5 = h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r')",
          "g = h5['layers/normalization/vars']",
          "print(json.dumps([g[k][()].tolist() for k in ('0', '1', '2')]))",
        ].join('\n');
        const h = spawnSync(NUMPY, ['-c', read], { encoding: 'utf8' });
        assert.equal(h.status, 0, h.stderr);
        const [kerasMean, kerasVariance, kerasCount] = JSON.parse(h.stdout) as [number[], number[], number];
        close(kerasMean, want.mean, '.keras mean', 1e-6);
        close(kerasVariance, want.variance, '.keras variance', 1e-6);
        assert.equal(kerasCount, 0);

        if (engine !== 'tfjs' || !torch || !ORT) return;
        // The ONNX model (written through the PyTorch engine from this TF.js run's model.json)
        // predicts what the adapted layer and the saved Dense weights give, computed here with
        // numpy's statistics: ((x - mean) / sqrt(variance)) → Dense(4, relu) → Dense(1).
        const o = spawnSync(process.execPath, [CLI, 'export', started.runDir, '--to', 'onnx'], { encoding: 'utf8' });
        assert.equal(o.status, 0, o.stderr);
        const rows = [
          [0.004, 1500, 0.5],
          [0.02, 4900, 1.9],
        ];
        const input = join(dir, 'rows.csv');
        writeFileSync(input, `a,b,c\n${rows.map((r) => r.join(',')).join('\n')}\n`);
        const p = spawnSync(process.execPath, [CLI, 'predict', started.runDir, input, '--engine', 'onnx', '--json'], {
          encoding: 'utf8',
        });
        assert.equal(p.status, 0, p.stderr);
        const predicted = (JSON.parse(p.stdout) as { predictions: { values: number[] }[] }).predictions.map(
          (q) => q.values[0]!,
        );
        const weights = readSavedWeights(join(started.runDir, 'model.json'));
        const dense = (name: string) => {
          const layer = weights.find((l) => l.name === name)!;
          return layer.tensors.map((t) => Array.from(readTensorFile(t).data));
        };
        const [k1, b1] = dense('dense');
        const [k2, b2] = dense('dense_1');
        const expected = rows.map((r) => {
          const z = r.map((v, i) => (v - want.mean[i]!) / Math.sqrt(want.variance[i]!));
          const h = b1!.map((b, j) => Math.max(0, b + z.reduce((acc, v, i) => acc + v * k1![i * 4 + j]!, 0)));
          return b2![0]! + h.reduce((acc, v, j) => acc + v * k2![j]!, 0);
        });
        close(predicted, expected, 'ONNX predictions', 1e-4);
      },
    );
  }

  it(
    'both engines give the same first-batch loss from the same weights with the adapted layer',
    { skip: torch ? false : 'no Python interpreter with torch here' },
    async () => {
      const spec = await specFor(dir, '  Normalization()');
      spec.data = { ...spec.data, shuffle: false };
      spec.fit = { ...spec.fit, callbacks: [] };
      // The TF.js engine's initial weights (the Normalization's still 0 and 1), for both engines:
      // the adapted statistics replace them in each engine after loading.
      const model = await buildModel(spec, 1);
      const weightsDir = join(spec.runDir, 'weights');
      mkdirSync(weightsDir, { recursive: true });
      const tensors = kerasOrderedWeights(model).map((w, i): TensorFile => {
        const path = join(weightsDir, `w${i}.bin`);
        writeFileSync(path, Buffer.from((w.read().dataSync() as Float32Array).buffer));
        return { path, dtype: 'float32', shape: w.shape as number[] };
      });
      model.dispose();
      spec.initialWeights = { tensors };
      const specPath = join(spec.runDir, 'spec.json');
      writeFileSync(specPath, JSON.stringify(spec));

      const tf = spawnSync(process.execPath, ['dist/engine-tfjs.cjs', specPath, '--first-batch-loss'], {
        encoding: 'utf8',
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
        `tfjs ${batch.loss} vs torch ${torchLoss}`,
      );

      // Without the adapted statistics the loss would differ: b (about 3000) reaches Dense unscaled.
      const unadapted = { ...spec, adapted: undefined };
      const plainPath = join(spec.runDir, 'spec-plain.json');
      writeFileSync(plainPath, JSON.stringify(unadapted));
      const plain = spawnSync(process.execPath, ['dist/engine-tfjs.cjs', plainPath, '--first-batch-loss'], {
        encoding: 'utf8',
      });
      const plainBatch = plain.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as RunEvent)
        .find((e) => e.type === 'batch');
      assert.ok(plainBatch?.type === 'batch', plain.stdout);
      assert.ok(
        Math.abs(plainBatch.loss - batch.loss) > 1,
        `the adapted layer changes the loss: ${plainBatch.loss} vs ${batch.loss}`,
      );
    },
  );
});
