// `modelspec export RUN_DIR --to onnx|keras-model|safetensors` through the CLI as a process, each
// format judged by a reader that is not ours: ONNX by ONNX Runtime for Node (outputs within 1e-4 of
// the trained model's own on the test digits) and python3-onnx's checker; the .keras archive by
// h5py against the layout Keras's saving_lib reads (and by Keras itself where it is installed);
// safetensors by Python's struct + json + numpy, then loaded into the PyTorch engine's model.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ensureBuilt } from '../helpers/build';
import { findTorch } from '../../training/engines/detect';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { registerKerasLayers } from '../../training/engines/tfjs/layers';
import { fileIO } from '../../training/engines/tfjs/model-io';
import { readTensorFile } from '../../training/engines/tfjs/tensor-files';
import type { RunEvent, RunSpec } from '../../training/protocol';
import { readSavedWeights } from '../../training/saved-weights';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const PYTHON = '/usr/bin/python3';
const PYTHONPATH = join(process.cwd(), 'python');
const torchProbe = (await findTorch()).probe;
const noTorch = torchProbe ? false : 'no Python interpreter with torch here (apt-get install python3-torch)';
const pythonHas = (module: string) => spawnSync(PYTHON, ['-c', `import ${module}`]).status === 0;
const noOnnx = pythonHas('onnx') ? false : `${PYTHON} has no onnx module (apt-get install python3-onnx)`;
const noH5py = pythonHas('h5py') ? false : `${PYTHON} has no h5py (apt-get install python3-h5py)`;
const noKeras = pythonHas('keras')
  ? false
  : `Keras 3 is not installed for ${PYTHON} (pip install keras): the .keras archive is checked against saving_lib's layout with h5py instead`;

// BatchNormalization after Dense: a rank-2 channels axis, which once exported as an invalid Transpose.
const MODEL = (name: string, middle: string) => `model ${name} {
  Input(shape=(784,))
  Dense(32, activation='relu')
  ${middle}
  Dense(10, activation='softmax')
}
compile { loss: 'categorical_crossentropy'  optimizer: 'adam'  metrics: ['accuracy'] }
data { train: digits  test: digits(split='test')  validation_split: 0.1 }
fit { epochs: 1  batch_size: 128  seed: 3 }
`;
const SAMPLES = 64;

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
}

function python(code: string, args: string[] = []): string {
  const r = spawnSync(PYTHON, ['-c', code, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH },
    timeout: 300_000,
    maxBuffer: 64 << 20,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function train(dir: string, file: string, engine: string): string {
  const r = cli(['train', file, '--backend', engine, '--json'], dir);
  assert.equal(r.status, 0, r.stderr);
  const started = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent)
    .find((e) => e.type === 'started');
  assert.ok(started?.type === 'started');
  return started.runDir;
}

/** The first SAMPLES test digits as the model sees them (rescaled), row-major [SAMPLES, 784]. */
function testSamples(runDir: string): Float32Array {
  const spec = JSON.parse(readFileSync(join(runDir, 'spec.json'), 'utf8')) as RunSpec;
  const x = readTensorFile(spec.data.test!.x);
  return Float32Array.from(x.data.subarray(0, SAMPLES * 784), (v) => v * (spec.data.rescale ?? 1));
}

const CONV_MODEL = `model up {
  Input(shape=(28, 28, 1))
  Conv2D(4, (3, 3), activation='relu', padding='same')
  MaxPooling2D((2, 2))
  UpSampling2D((2, 2))
  Conv2D(2, (3, 3), activation='relu', padding='same')
  Flatten()
  Dense(10, activation='softmax')
}
compile { loss: 'categorical_crossentropy'  optimizer: 'adam'  metrics: ['accuracy'] }
data { train: digits(split='test')  test: digits(split='test') }
fit { epochs: 1  batch_size: 128  seed: 3 }
`;

/** The trained TF.js model's own predictions (the run's model.json as TF.js loads it). */
async function tfjsPredictions(runDir: string, x: Float32Array): Promise<Float32Array> {
  await selectBackend('tfjs:wasm');
  registerKerasLayers();
  const model = await tfl.loadLayersModel(fileIO(runDir));
  return (model.predict(tf.tensor(x, [SAMPLES, 784])) as tf.Tensor).dataSync() as Float32Array;
}

/** The PyTorch engine's own predictions from the run's state dict (model.pt). */
function torchPredictions(runDir: string, xFile: string): Float32Array {
  const out = python(
    `import json, sys, numpy as np, torch
from modelspec_torch.model import KerasSequential
spec = json.load(open(sys.argv[1] + '/spec.json'))
m = KerasSequential(spec['model']); m.load_state_dict(torch.load(sys.argv[1] + '/model.pt')); m.eval()
x = np.fromfile(sys.argv[2], dtype='<f4').reshape(-1, *m.input_shape)
with torch.no_grad(): print(json.dumps(m(torch.from_numpy(x)).numpy().astype(float).ravel().tolist()))`,
    [runDir, xFile],
  );
  return Float32Array.from(JSON.parse(out) as number[]);
}

async function onnxPredictions(
  file: string,
  x: Float32Array,
  batch: number,
  inputShape = [784],
): Promise<Float32Array> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(file);
  const out: number[] = [];
  const size = inputShape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < SAMPLES; i += batch) {
    const r = await session.run({
      input: new ort.Tensor('float32', x.slice(i * size, (i + batch) * size), [batch, ...inputShape]),
    });
    out.push(...(r.output!.data as Float32Array));
  }
  return Float32Array.from(out);
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string) {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  assert.ok(worst <= tolerance, `${what}: largest difference ${worst} > ${tolerance}`);
}

/** The run's saved weights (model.json) as `<layer>/<weight>` → values. */
function savedWeights(runDir: string): Map<string, { shape: number[]; values: Float32Array }> {
  const map = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const layer of readSavedWeights(join(runDir, 'model.json'))) {
    layer.tensors.forEach((t, i) =>
      map.set(`${layer.name}/${layer.weightNames[i]}`, {
        shape: t.shape,
        values: readTensorFile(t).data as Float32Array,
      }),
    );
  }
  return map;
}

const ONNX_CHECK = `import sys, onnx, torch
from torch.onnx import _constants
m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)
print(m.opset_import[0].version, _constants.ONNX_MAX_OPSET, m.graph.input[0].type.tensor_type.shape.dim[0].dim_param)`;

describe('modelspec export RUN_DIR --to onnx|keras-model|safetensors', () => {
  let dir: string;
  let tfjsRun: string;
  let x: Float32Array;
  let xFile: string;
  let tfjsOut: Float32Array;

  before(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'modelspec-formats-'));
    writeFileSync(join(dir, 'bn.model'), MODEL('bn', 'BatchNormalization()'));
    tfjsRun = train(dir, 'bn.model', 'tfjs');
    x = testSamples(tfjsRun);
    xFile = join(dir, 'x.f32');
    writeFileSync(xFile, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
    tfjsOut = await tfjsPredictions(tfjsRun, x);
  });

  it(
    "--to onnx of a TF.js-trained run: ONNX Runtime gives the TF.js model's outputs, any batch size; onnx's checker accepts it",
    { skip: noTorch || noOnnx },
    async () => {
      const r = cli(['export', tfjsRun, '--to', 'onnx'], dir);
      assert.equal(r.status, 0, r.stderr);
      const file = join(tfjsRun, 'model.onnx');
      assert.match(r.stderr, /Wrote .*model\.onnx/);
      assertClose(await onnxPredictions(file, x, SAMPLES), tfjsOut, 1e-4, 'ONNX Runtime vs TF.js, one batch');
      assertClose(await onnxPredictions(file, x, 1), tfjsOut, 1e-4, 'ONNX Runtime vs TF.js, batch of 1');
      const [opset, maxOpset, batchAxis] = python(ONNX_CHECK, [file]).trim().split(' ');
      assert.equal(opset, maxOpset, 'the newest opset the installed torch exports');
      assert.equal(batchAxis, 'batch', 'a dynamic batch axis');
    },
  );

  it(
    "--to onnx of a PyTorch-trained run (BatchNormalization trains), and the model.onnx the engine writes itself, give the engine's own outputs",
    { skip: noTorch || noOnnx },
    async () => {
      writeFileSync(join(dir, 'drop.model'), MODEL('drop', 'BatchNormalization()\n  Dropout(0.2)'));
      const torchRun = train(dir, 'drop.model', 'torch');
      const own = torchPredictions(torchRun, xFile);
      const out = join(dir, 'exported.onnx');
      const r = cli(['export', torchRun, '--to', 'onnx', '--out', out], dir);
      assert.equal(r.status, 0, r.stderr);
      for (const file of [out, join(torchRun, 'model.onnx')]) {
        assertClose(await onnxPredictions(file, x, 16), own, 1e-4, `ONNX Runtime (${file}) vs the PyTorch engine`);
        python(ONNX_CHECK, [file]);
      }
    },
  );

  it(
    "--to onnx of a PyTorch-trained convolutional model with UpSampling2D gives the engine's own outputs",
    { skip: noTorch || noOnnx },
    async () => {
      writeFileSync(join(dir, 'up.model'), CONV_MODEL);
      const run = train(dir, 'up.model', 'torch');
      const out = join(dir, 'up.onnx');
      const r = cli(['export', run, '--to', 'onnx', '--out', out], dir);
      assert.equal(r.status, 0, r.stderr);
      const own = torchPredictions(run, xFile);
      assertClose(await onnxPredictions(out, x, 16, [28, 28, 1]), own, 1e-4, 'ONNX Runtime vs the PyTorch engine');
      assertClose(
        await onnxPredictions(out, x, 1, [28, 28, 1]),
        own,
        1e-4,
        'ONNX Runtime vs the PyTorch engine, batch of 1',
      );
      python(ONNX_CHECK, [out]);
    },
  );

  it(
    "--to safetensors: read back with struct + json + numpy, Keras names and the run's values; the PyTorch engine loads it and gives the TF.js outputs",
    { skip: noTorch },
    () => {
      const out = join(dir, 'bn.safetensors');
      const r = cli(['export', tfjsRun, '--to', 'safetensors', '--out', out], dir);
      assert.equal(r.status, 0, r.stderr);
      const read = python(
        `import json, struct, sys, numpy as np
data = open(sys.argv[1], 'rb').read()
(n,) = struct.unpack('<Q', data[:8])
header = json.loads(data[8:8 + n])
meta = header.pop('__metadata__')
body = data[8 + n:]
assert max(v['data_offsets'][1] for v in header.values()) == len(body)
out = {k: {'dtype': v['dtype'], 'shape': v['shape'],
           'values': np.frombuffer(body[v['data_offsets'][0]:v['data_offsets'][1]], dtype='<f4').astype(float).tolist()}
       for k, v in header.items()}
print(json.dumps({'meta': meta, 'tensors': out}))`,
        [out],
      );
      const { meta, tensors } = JSON.parse(read) as {
        meta: Record<string, string>;
        tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>;
      };
      assert.equal(meta.format, 'keras');
      const saved = savedWeights(tfjsRun);
      assert.deepEqual(Object.keys(tensors), [...saved.keys()]);
      assert.deepEqual(Object.keys(tensors), [
        'dense/kernel',
        'dense/bias',
        'batch_normalization/gamma',
        'batch_normalization/beta',
        'batch_normalization/moving_mean',
        'batch_normalization/moving_variance',
        'dense_1/kernel',
        'dense_1/bias',
      ]);
      for (const [name, w] of saved) {
        assert.equal(tensors[name]!.dtype, 'F32');
        assert.deepEqual(tensors[name]!.shape, w.shape, name);
        assert.deepEqual(Float32Array.from(tensors[name]!.values), w.values, `${name}'s values`);
      }
      // Loaded into the PyTorch engine's model by those names: the same outputs as the TF.js model.
      const predicted = python(
        `import json, struct, sys, numpy as np, torch
from modelspec_torch.model import KerasSequential, all_keras_weights, load_keras_weights
data = open(sys.argv[1], 'rb').read(); (n,) = struct.unpack('<Q', data[:8]); header = json.loads(data[8:8 + n]); body = data[8 + n:]
def tensor(name):
    v = header[name]; a, b = v['data_offsets']
    return np.frombuffer(body[a:b], dtype='<f4').reshape(v['shape'])
spec = json.load(open(sys.argv[2] + '/spec.json'))
m = KerasSequential(spec['model'])
load_keras_weights(m, [tensor(f'{layer.layer_name}/{w.name}') for layer, w in all_keras_weights(m)]); m.eval()
x = np.fromfile(sys.argv[3], dtype='<f4').reshape(-1, 784)
with torch.no_grad(): print(json.dumps(m(torch.from_numpy(x)).numpy().astype(float).ravel().tolist()))`,
        [out, tfjsRun, xFile],
      );
      assertClose(
        Float32Array.from(JSON.parse(predicted) as number[]),
        tfjsOut,
        1e-4,
        'the PyTorch engine with the safetensors weights vs TF.js',
      );
    },
  );

  it(
    "--to keras-model: the zip Keras 3 writes; config.json in Keras 3's form; model.weights.h5 in saving_lib's layout with the run's values",
    { skip: noH5py },
    () => {
      const r = cli(['export', tfjsRun, '--to', 'keras-model'], dir);
      assert.equal(r.status, 0, r.stderr);
      const file = join(tfjsRun, 'model.keras');
      const read = python(
        `import io, json, sys, zipfile, h5py, numpy as np
z = zipfile.ZipFile(sys.argv[1])
h5 = h5py.File(io.BytesIO(z.read('model.weights.h5')), 'r')
datasets = {}
h5.visititems(lambda name, obj: datasets.__setitem__(name, {'shape': list(obj.shape), 'dtype': str(obj.dtype), 'values': obj[()].astype(float).ravel().tolist()}) if isinstance(obj, h5py.Dataset) else None)
groups = {}
h5.visititems(lambda name, obj: groups.__setitem__(name, dict((k, str(v)) for k, v in obj.attrs.items())) if isinstance(obj, h5py.Group) else None)
print(json.dumps({'names': z.namelist(), 'metadata': json.loads(z.read('metadata.json')), 'config': json.loads(z.read('config.json')), 'datasets': datasets, 'groups': groups}))`,
        [file],
      );
      type Layer = { module: string; class_name: string; config: Record<string, unknown>; registered_name: null };
      const doc = JSON.parse(read) as {
        names: string[];
        metadata: Record<string, string>;
        config: {
          module: string;
          class_name: string;
          config: { layers: Layer[] };
          build_config: { input_shape: unknown };
        };
        datasets: Record<string, { shape: number[]; dtype: string; values: number[] }>;
        groups: Record<string, Record<string, string>>;
      };
      assert.deepEqual(doc.names.sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
      assert.deepEqual(Object.keys(doc.metadata).sort(), ['date_saved', 'keras_version']);
      assert.match(doc.metadata.keras_version!, /^3\./);
      assert.equal(doc.config.module, 'keras');
      assert.equal(doc.config.class_name, 'Sequential');
      assert.deepEqual(doc.config.build_config.input_shape, [null, 784]);
      const layers = doc.config.config.layers;
      assert.deepEqual(
        layers.map((l) => `${l.module}.${l.class_name}`),
        ['keras.layers.InputLayer', 'keras.layers.Dense', 'keras.layers.BatchNormalization', 'keras.layers.Dense'],
      );
      assert.deepEqual(layers[0]!.config.batch_shape, [null, 784]);
      assert.ok(layers.every((l) => l.registered_name === null && !('batch_input_shape' in l.config)));
      assert.deepEqual(layers[1]!.config.dtype, {
        module: 'keras',
        class_name: 'DTypePolicy',
        config: { name: 'float32' },
        registered_name: null,
      });
      assert.deepEqual(layers[1]!.config.kernel_initializer, {
        module: 'keras.initializers',
        class_name: 'GlorotUniform',
        config: { seed: null },
        registered_name: null,
      });
      assert.equal(layers[1]!.config.units, 32);
      assert.equal(layers[3]!.config.activation, 'softmax');

      // saving_lib: the model's own (empty) `vars`, then each of model.layers (InputLayer excluded)
      // under layers/<snake_case(class name)>[_n]/vars/<i>, variables trainable first.
      const expected: [string, string][] = [
        ['layers/dense/vars/0', 'dense/kernel'],
        ['layers/dense/vars/1', 'dense/bias'],
        ['layers/batch_normalization/vars/0', 'batch_normalization/gamma'],
        ['layers/batch_normalization/vars/1', 'batch_normalization/beta'],
        ['layers/batch_normalization/vars/2', 'batch_normalization/moving_mean'],
        ['layers/batch_normalization/vars/3', 'batch_normalization/moving_variance'],
        ['layers/dense_1/vars/0', 'dense_1/kernel'],
        ['layers/dense_1/vars/1', 'dense_1/bias'],
      ];
      assert.deepEqual(Object.keys(doc.datasets).sort(), expected.map(([p]) => p).sort());
      assert.deepEqual(doc.groups.vars, { name: 'bn' });
      assert.deepEqual(doc.groups['layers/dense_1/vars'], { name: 'dense_1' });
      const saved = savedWeights(tfjsRun);
      for (const [path, weight] of expected) {
        const d = doc.datasets[path]!;
        assert.equal(d.dtype, 'float32', path);
        assert.deepEqual(d.shape, saved.get(weight)!.shape, path);
        assert.deepEqual(Float32Array.from(d.values), saved.get(weight)!.values, `${path} holds ${weight}`);
      }
    },
  );

  it('--to keras-model loads in Keras 3 and predicts as the trained model', { skip: noKeras }, () => {
    const file = join(tfjsRun, 'model.keras');
    if (!existsSync(file)) assert.equal(cli(['export', tfjsRun, '--to', 'keras-model'], dir).status, 0);
    const out = python(
      `import json, sys, numpy as np, keras
m = keras.saving.load_model(sys.argv[1])
x = np.fromfile(sys.argv[2], dtype='<f4').reshape(-1, 784)
print(json.dumps(np.asarray(m.predict(x, verbose=0)).astype(float).ravel().tolist()))`,
      [file, xFile],
    );
    assertClose(Float32Array.from(JSON.parse(out) as number[]), tfjsOut, 1e-4, 'Keras 3 vs TF.js');
  });

  it('refuses the wrong kind of argument with what to give instead', () => {
    const model = cli(['export', 'bn.model', '--to', 'onnx'], dir);
    assert.equal(model.status, 2);
    assert.match(
      model.stderr,
      /--to onnx exports a trained run: give a run folder such as runs\/<model>\/<time> \(train bn\.model first\), or use --to keras\|pytorch/,
    );
    const notRun = join(dir, 'not-a-run');
    mkdirSync(notRun);
    const folder = cli(['export', notRun, '--to', 'safetensors'], dir);
    assert.equal(folder.status, 1);
    assert.match(
      folder.stderr,
      /not-a-run is not a run folder \(it has no spec\.json\); --to safetensors exports a trained run/,
    );
    const script = cli(['export', tfjsRun, '--to', 'pytorch'], dir);
    assert.equal(script.status, 2);
    assert.match(
      script.stderr,
      /is a run folder; --to pytorch writes a script from a \.model file\. Export a trained run --to onnx\|keras-model\|safetensors/,
    );
  });
});
