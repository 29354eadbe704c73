// `modelspec export`: the generated scripts are valid Python, build the same model, and the
// PyTorch one runs here (Debian's python3-torch) with the same parameter count as the checker's.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { findTorch } from '../../training/engines/detect';
import { analyze } from '../../language/analysis/analyze';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const torch = (await findTorch()).probe;

function exportScript(file: string, to: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'export', file, '--to', to], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function python(): string {
  return torch?.python ?? '/usr/bin/python3';
}

// A model saved by TF.js (layers format): Dense(4, relu) on 3 inputs, BatchNormalization, Dense(2).
// The manifest lists every trainable weight first, then BatchNormalization's moving statistics,
// and the values are split over two weight files in the middle of a tensor.
const SAVED_WEIGHTS: [string, number[]][] = [
  ['dense_Dense1/kernel', [3, 4]],
  ['dense_Dense1/bias', [4]],
  ['batch_normalization_BatchNormalization1/gamma', [4]],
  ['batch_normalization_BatchNormalization1/beta', [4]],
  ['dense_Dense2/kernel', [4, 2]],
  ['dense_Dense2/bias', [2]],
  ['batch_normalization_BatchNormalization1/moving_mean', [4]],
  ['batch_normalization_BatchNormalization1/moving_variance', [4]],
];

/** Writes saved/model.json and its weight files under `dir`; returns each weight's values (flat, exact in float32). */
function writeSavedModel(dir: string): Map<string, number[]> {
  mkdirSync(join(dir, 'saved'));
  const layer = (class_name: string, config: Record<string, unknown>) => ({
    class_name,
    config: { trainable: true, dtype: 'float32', ...config },
  });
  const modelTopology = {
    class_name: 'Sequential',
    config: {
      name: 'base',
      layers: [
        layer('Dense', {
          name: 'dense_Dense1',
          units: 4,
          activation: 'relu',
          use_bias: true,
          batch_input_shape: [null, 3],
          kernel_initializer: { class_name: 'GlorotUniform', config: {} },
        }),
        layer('BatchNormalization', {
          name: 'batch_normalization_BatchNormalization1',
          axis: -1,
          momentum: 0.99,
          epsilon: 0.001,
          center: true,
          scale: true,
        }),
        layer('Dense', { name: 'dense_Dense2', units: 2, activation: 'linear', use_bias: true }),
      ],
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };
  const values = new Map<string, number[]>();
  let next = 1;
  for (const [name, shape] of SAVED_WEIGHTS) {
    const count = shape.reduce((a, b) => a * b, 1);
    values.set(
      name,
      Array.from({ length: count }, () => next++ / 8),
    );
  }
  const bytes = Buffer.from(new Float32Array([...values.values()].flat()).buffer);
  writeFileSync(join(dir, 'saved', 'group1-shard1of2.bin'), bytes.subarray(0, 50));
  writeFileSync(join(dir, 'saved', 'group1-shard2of2.bin'), bytes.subarray(50));
  const weightsManifest = [
    {
      paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'],
      weights: SAVED_WEIGHTS.map(([name, shape]) => ({ name, shape, dtype: 'float32' })),
    },
  ];
  writeFileSync(
    join(dir, 'saved', 'model.json'),
    JSON.stringify({
      modelTopology,
      format: 'layers-model',
      generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
      weightsManifest,
    }),
  );
  return values;
}

/** A frozen Pretrained base and a new Dense(1) head, trained on a small CSV. */
function transferModel(): { dir: string; file: string; values: Map<string, number[]> } {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
  const values = writeSavedModel(dir);
  const rows = Array.from({ length: 32 }, (_, i) => `${i % 3},${(i * 7) % 5},${i / 8},${(i % 4) - 1.5}`);
  writeFileSync(join(dir, 'data.csv'), ['a,b,c,y', ...rows].join('\n') + '\n');
  const file = join(dir, 'transfer.model');
  writeFileSync(
    file,
    "model transfer {\n    Pretrained(path='saved/model.json', trainable=False)\n    Dense(1)\n}\n\ncompile {\n    loss: 'mse'\n    optimizer: 'adam'\n}\n\ndata {\n    train: csv('data.csv', label='y')\n}\n\nfit {\n    epochs: 2\n    batch_size: 8\n}\n",
  );
  return { dir, file, values };
}

describe('modelspec export --to keras', () => {
  before(() => ensureBuilt());

  it('writes the layers as Keras calls, with compile and fit as in the file', () => {
    const r = exportScript('examples/digits-cnn.model', 'keras');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /keras\.Input\(shape=\(28, 28, 1\)\),\n\s+layers\.Conv2D\(32, kernel_size=\(3, 3\), activation='relu'\),/,
    );
    assert.match(r.stdout, /optimizer=keras\.optimizers\.Adadelta\(learning_rate=1\)/);
    assert.match(r.stdout, /metrics=\['accuracy'\]/);
    // Black's layout puts the arguments one per line (test/export/black-layout.test.ts).
    assert.match(r.stdout, /model\.fit\(\s*x_train,\s*y_train,\s*epochs=12,\s*batch_size=128,\s*validation_split=0\.1/);
    assert.match(r.stdout, /EarlyStopping\(patience=2, restore_best_weights=True\)/);
    assert.match(r.stdout, /astype\('float32'\) \/ 255/);
  });

  it('is valid Python for every example', () => {
    for (const f of ['digits', 'digits-cnn', 'fashion-cnn', 'sequence-lstm', 'regression-csv', 'autoencoder']) {
      const r = exportScript(`examples/${f}.model`, 'keras');
      assert.equal(r.code, 0, r.stderr);
      const path = join(mkdtempSync(join(tmpdir(), 'modelspec-export-')), `${f}.py`);
      writeFileSync(path, r.stdout);
      const c = spawnSync(python(), ['-m', 'py_compile', path], { encoding: 'utf8' });
      assert.equal(c.status, 0, `${f}: ${c.stderr}`);
    }
  });

  it('rebuilds the layers of Pretrained(...), loads the saved weights into them and freezes them', () => {
    const { dir, file, values } = transferModel();
    const r = exportScript(file, 'keras');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /# Pretrained\(path='saved\/model\.json', trainable=False\): the saved layers\n\s+layers\.Dense\(4, activation='relu'\),\n\s+layers\.BatchNormalization\(\),\n\s+layers\.Dense\(2\),\n\s+layers\.Dense\(1\),/,
    );
    assert.ok(r.stdout.includes(`saved = load_saved_weights('${join(dir, 'saved', 'model.json')}')`), r.stdout);
    assert.match(
      r.stdout,
      /for layer, weights in zip\(model\.layers\[:3\], saved\):\n    layer\.set_weights\(list\(weights\.values\(\)\)\)\n/,
    );
    assert.match(r.stdout, /for layer in model\.layers\[:3\]:\n    layer\.trainable = False\n/);
    const path = join(dir, 'transfer.py');
    writeFileSync(path, r.stdout);
    const c = spawnSync(python(), ['-m', 'py_compile', path], { encoding: 'utf8' });
    assert.equal(c.status, 0, c.stderr);
    // The reader on its own (numpy only): one dict per saved layer, in Keras's get_weights() order.
    const read = spawnSync(
      python(),
      [
        '-c',
        "import ast, json, sys, numpy as np\nsrc = open(sys.argv[1]).read()\nfn = next(n for n in ast.parse(src).body if getattr(n, 'name', '') == 'load_saved_weights')\nexec(ast.get_source_segment(src, fn))\nprint(json.dumps([{k: v.tolist() for k, v in layer.items()} for layer in load_saved_weights(sys.argv[2])]))",
        path,
        join(dir, 'saved', 'model.json'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(read.status, 0, read.stderr);
    const layers = JSON.parse(read.stdout) as Record<string, unknown>[];
    const bn = 'batch_normalization_BatchNormalization1/';
    assert.deepEqual(
      layers.map((l) => Object.keys(l)),
      [
        ['kernel', 'bias'],
        ['gamma', 'beta', 'moving_mean', 'moving_variance'],
        ['kernel', 'bias'],
      ],
    );
    assert.deepEqual(
      layers[0].kernel,
      [0, 1, 2].map((i) => values.get('dense_Dense1/kernel')!.slice(4 * i, 4 * i + 4)),
    );
    assert.deepEqual(layers[1].moving_variance, values.get(`${bn}moving_variance`));
    assert.deepEqual(layers[2].bias, values.get('dense_Dense2/bias'));
  });

  it("writes activation=tf.nn.relu as 'relu' (the script imports no tf) and keeps Reshape's -1", () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
    writeFileSync(
      join(dir, 'm.model'),
      'model m {\n    Input(shape=(12,))\n    Reshape((-1, 3))\n    Dense(4, activation=tf.nn.relu)\n    Dense(2, activation=keras.activations.softmax)\n}\n',
    );
    const r = exportScript(join(dir, 'm.model'), 'keras');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /layers\.Reshape\(\(-1, 3\)\),\n\s+layers\.Dense\(4, activation='relu'\),\n\s+layers\.Dense\(2, activation='softmax'\)/,
    );
    assert.doesNotMatch(r.stdout, /tf\.nn|keras\.activations/);
  });

  it('refuses a file with errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
    writeFileSync(join(dir, 'bad.model'), 'model m {\n    Dense(10)\n}\n');
    const r = exportScript(join(dir, 'bad.model'), 'keras');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing-input-shape/);
  });
});

describe(
  'modelspec export --to pytorch',
  { skip: torch ? false : 'no Python interpreter with torch here (apt-get install python3-torch)' },
  () => {
    before(() => ensureBuilt());

    it('runs the regression on CSV, with the same parameter count as Keras', () => {
      const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
      cpSync('examples/data', join(dir, 'data'), { recursive: true });
      const r = exportScript('examples/regression-csv.model', 'pytorch');
      assert.equal(r.code, 0, r.stderr);
      writeFileSync(join(dir, 'train.py'), r.stdout);
      const run = spawnSync(python(), ['train.py'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /parameters: 705\n/);
      assert.match(run.stdout, /epoch 50\/50: loss [\d.]+, val_loss [\d.]+/);
    });

    it('builds and trains the digits CNN on real IDX files, 1,199,882 parameters', () => {
      // Real images from Debian's Fashion-MNIST, cut to 256 samples, stand in for the MNIST download.
      const cache = mkdtempSync(join(tmpdir(), 'modelspec-cache-'));
      mkdirSync(join(cache, 'mnist'));
      for (const split of ['train', 't10k']) {
        for (const [kind, bytes] of [
          ['images-idx3-ubyte', 784],
          ['labels-idx1-ubyte', 1],
        ] as const) {
          const full = gunzipSync(readFileSync(`/usr/share/datasets/fashion-mnist/${split}-${kind}.gz`));
          const header = Buffer.from(full.subarray(0, kind.startsWith('images') ? 16 : 8));
          header.writeUInt32BE(256, 4);
          const cut = Buffer.concat([header, full.subarray(header.length, header.length + 256 * bytes)]);
          writeFileSync(join(cache, 'mnist', `${split}-${kind}.gz`), gzipSync(cut));
        }
      }
      const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
      writeFileSync(
        join(dir, 'cnn.model'),
        readFileSync('examples/digits-cnn.model', 'utf8')
          .replace('train: digits', 'train: mnist')
          .replace("digits(split='test')", "mnist(split='test')")
          .replace('epochs: 12', 'epochs: 1'),
      );
      const r = exportScript(join(dir, 'cnn.model'), 'pytorch');
      assert.equal(r.code, 0, r.stderr);
      writeFileSync(join(dir, 'train.py'), r.stdout);
      const run = spawnSync(python(), ['train.py'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, MODELSPEC_CACHE: cache },
      });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /parameters: 1199882\n/);
      assert.match(run.stdout, /epoch 1\/1: loss [\d.]+, val_loss [\d.]+, val_accuracy [\d.]+/);
      assert.match(run.stdout, /test loss, accuracy: \([\d.]+, [\d.]+\)/);
    });

    it('loads the saved weights of Pretrained(...) in PyTorch layout, frozen, and trains the new layers', () => {
      const { dir, file, values } = transferModel();
      const r = exportScript(file, 'pytorch');
      assert.equal(r.code, 0, r.stderr);
      writeFileSync(join(dir, 'train.py'), r.stdout);
      // Run the script, then report the model it trained: every weight, and which ones learn.
      const check = [
        'import json, runpy',
        "model = runpy.run_path('train.py')['model'].cpu()",
        "print('STATE ' + json.dumps({'weights': {k: v.tolist() for k, v in model.state_dict().items()}, 'learns': {k: p.requires_grad for k, p in model.named_parameters()}}))",
      ].join('\n');
      const run = spawnSync(python(), ['-c', check], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, run.stderr);
      const checker = analyze(readFileSync(file, 'utf8'), { baseDir: dir }).model!.totals!;
      assert.deepEqual(checker, { total: 45, trainable: 3, nonTrainable: 42 });
      assert.match(run.stdout, /parameters: 37\n/); // BatchNormalization's moving statistics are buffers in PyTorch
      assert.match(run.stdout, new RegExp(`trainable parameters: ${checker.trainable}\n`));
      assert.match(run.stdout, /epoch 2\/2: loss [\d.]+/);
      const state = JSON.parse(run.stdout.split('STATE ')[1]) as {
        weights: Record<string, number[] | number[][]>;
        learns: Record<string, boolean>;
      };
      // After training, the frozen layers still hold exactly the saved values (BatchNormalization's
      // moving statistics too: it ran in inference mode), kernels transposed to (out, in).
      const transpose = (flat: number[], rows: number, cols: number) =>
        Array.from({ length: cols }, (_, c) => Array.from({ length: rows }, (_, r) => flat[r * cols + c]));
      const bn = 'batch_normalization_BatchNormalization1/';
      assert.deepEqual(state.weights['0.weight'], transpose(values.get('dense_Dense1/kernel')!, 3, 4));
      assert.deepEqual(state.weights['0.bias'], values.get('dense_Dense1/bias'));
      assert.deepEqual(state.weights['2.inner.weight'], values.get(`${bn}gamma`));
      assert.deepEqual(state.weights['2.inner.bias'], values.get(`${bn}beta`));
      assert.deepEqual(state.weights['2.inner.running_mean'], values.get(`${bn}moving_mean`));
      assert.deepEqual(state.weights['2.inner.running_var'], values.get(`${bn}moving_variance`));
      assert.deepEqual(state.weights['3.weight'], transpose(values.get('dense_Dense2/kernel')!, 4, 2));
      assert.deepEqual(state.weights['3.bias'], values.get('dense_Dense2/bias'));
      assert.deepEqual(state.learns, {
        '0.weight': false,
        '0.bias': false,
        '2.inner.weight': false,
        '2.inner.bias': false,
        '3.weight': false,
        '3.bias': false,
        '4.weight': true,
        '4.bias': true,
      });
    });

    it('freezes layers written with trainable=False, BatchNormalization in inference mode', () => {
      const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
      writeFileSync(
        join(dir, 'm.model'),
        "model m {\n    Input(shape=(3,))\n    Dense(4, activation='relu', trainable=False)\n    BatchNormalization(trainable=False)\n    Dense(1)\n}\n",
      );
      const r = exportScript(join(dir, 'm.model'), 'pytorch');
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /\n\n# trainable=False: [^\n]+\nmodel\[:3\]\.requires_grad_\(False\)\n#[^\n]+\nfrozen_inference = \[model\[2\]\.inner\]\n/,
      );
      assert.match(r.stdout, /print\('trainable parameters:', .*\)  # Keras: 5\n/);
    });

    it('exports the leaky_relu (slope 0.2) and log_softmax activations', () => {
      const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
      writeFileSync(
        join(dir, 'm.model'),
        "model m {\n    Input(shape=(3,))\n    Dense(4, activation='leaky_relu')\n    Dense(2, activation='log_softmax')\n}\n",
      );
      const r = exportScript(join(dir, 'm.model'), 'pytorch');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /nn\.LeakyReLU\(0\.2\)/);
      assert.match(r.stdout, /nn\.LogSoftmax\(dim=-1\)/);
    });

    it('refuses a layer it cannot export, naming it and the alternatives', () => {
      const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
      writeFileSync(
        join(dir, 'm.model'),
        'model m {\n    Input(shape=(8, 8, 8, 1))\n    Conv3D(4, 3)\n    Flatten()\n    Dense(1)\n}\n',
      );
      const r = exportScript(join(dir, 'm.model'), 'pytorch');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Conv3D has no PyTorch export yet; export --to keras/);
    });

    it('refuses every layer the catalog says it lacks, one line each, and writes nothing', () => {
      const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
      writeFileSync(
        join(dir, 'm.model'),
        'model m {\n    Input(shape=(8, 8, 1))\n    Conv2DTranspose(4, 3)\n    Cropping2D(1)\n    Flatten()\n    Dense(1)\n}\n',
      );
      const out = join(dir, 'm_pytorch.py');
      const r = spawnSync(process.execPath, [CLI, 'export', join(dir, 'm.model'), '--to', 'pytorch', '--out', out], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /line 3 \(conv2d_transpose\): Conv2DTranspose has no PyTorch export yet; export --to keras/,
      );
      assert.match(r.stderr, /line 4 \(cropping2d\): Cropping2D has no PyTorch export yet/);
      assert.deepEqual(readdirSync(dir), ['m.model']);
    });
  },
);

/** `modelspec export FILE --to TARGET --out DIR/<name>`: the CLI's result and the files in DIR. */
function exportTo(file: string, to: string, out: string): { code: number | null; stderr: string; script: string } {
  const r = spawnSync(process.execPath, [CLI, 'export', file, '--to', to, '--out', out], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, script: r.status === 0 ? readFileSync(out, 'utf8') : '' };
}

describe('exported scripts read as hand-written', () => {
  before(() => ensureBuilt());

  it('defines only the helpers the model uses, and has no dead branches', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
    writeFileSync(
      join(dir, 'm.model'),
      "model m {\n    Input(shape=(4,))\n    Dense(8, activation='relu')\n    Dense(1)\n}\n\ncompile {\n    loss: 'mse'\n    optimizer: 'adam'\n}\n\ndata {\n    train: csv('d.csv')\n}\n",
    );
    writeFileSync(join(dir, 'd.csv'), 'a,b,c,d,y\n1,2,3,4,5\n');
    const dense = exportScript(join(dir, 'm.model'), 'pytorch');
    assert.equal(dense.code, 0, dense.stderr);
    assert.doesNotMatch(dense.stdout, /^class /m);
    assert.doesNotMatch(dense.stdout, /if True|if False|load_mnist|urllib/);
    const cnn = exportScript('examples/digits-cnn.model', 'pytorch');
    assert.equal(cnn.code, 0, cnn.stderr);
    const classes = [...cnn.stdout.matchAll(/^class (\w+)/gm)].map((m) => m[1]);
    assert.deepEqual(classes, ['ChannelsFirst', 'Monitor', 'EarlyStopping']); // EarlyStopping needs Monitor
    assert.doesNotMatch(cnn.stdout, /if True|if False|# --- (begin|end)/);
    const same = exportScript('examples/fashion-cnn.model', 'pytorch');
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^class SamePad\(/m); // fashion-cnn's Conv2D(..., padding='same')
  });

  it('writes the bundled digits beside the script as .npz, and both scripts load them from there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
    cpSync('examples/digits-cnn.model', join(dir, 'digits-cnn.model'));
    for (const to of ['keras', 'pytorch']) {
      const out = join(dir, 'scripts', `digits-cnn_${to}.py`);
      mkdirSync(join(dir, 'scripts'), { recursive: true });
      const r = exportTo(join(dir, 'digits-cnn.model'), to, out);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Wrote .*scripts\/digits-cnn_digits\.npz/);
      assert.match(r.script, /with np\.load\(Path\(__file__\)\.with_name\('digits-cnn_digits\.npz'\)\) as digits:/);
      assert.doesNotMatch(r.script, /download|load_data|urllib/);
    }
    // numpy reads the file as the arrays ModelSpec trains on: digits.bin's 8,000/2,000 split.
    const bin = readFileSync('dist/data/digits.bin');
    const [train, test, rows, cols] = [8, 12, 16, 20].map((o) => bin.readUInt32LE(o));
    const pixels = bin.subarray(24 + train + test);
    const sum = (b: Uint8Array) => b.reduce((a, v) => a + v, 0);
    const expected = {
      x_train: [[train, rows, cols], sum(pixels.subarray(0, train * rows * cols))],
      y_train: [[train], sum(bin.subarray(24, 24 + train))],
      x_test: [[test, rows, cols], sum(pixels.subarray(train * rows * cols))],
      y_test: [[test], sum(bin.subarray(24 + train, 24 + train + test))],
    };
    const read = spawnSync(
      python(),
      [
        '-c',
        'import json, sys, numpy as np\nd = np.load(sys.argv[1])\nprint(json.dumps({k: [list(d[k].shape), int(d[k].astype(np.int64).sum())] for k in d.files}))',
        join(dir, 'scripts', 'digits-cnn_digits.npz'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(read.status, 0, read.stderr);
    assert.deepEqual(JSON.parse(read.stdout), expected);
    assert.equal(train, 8000);
    // To stdout, nothing is written: a note says how to get the data file.
    const stdout = exportScript(join(dir, 'digits-cnn.model'), 'pytorch');
    assert.equal(stdout.code, 0, stdout.stderr);
    assert.match(
      stdout.stderr,
      /note: the script loads digits-cnn_digits\.npz from its own folder; export with --out FILE\.py/,
    );
    assert.ok(!existsSync(join(dir, 'digits-cnn_digits.npz')));
  });

  it('carries the callbacks over: Keras passes them, PyTorch runs them in its loop and names what it leaves out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
    cpSync('examples/data', join(dir, 'data'), { recursive: true });
    const text = readFileSync('examples/regression-csv.model', 'utf8')
      .replace(
        /callbacks: \[.*\]/,
        "callbacks: [EarlyStopping(patience=3, restore_best_weights=True, baseline=100.0), ReduceLROnPlateau(patience=1, factor=0.5), ModelCheckpoint('best.keras', save_best_only=True), CSVLogger('log.csv')]",
      )
      .replace(/epochs: \d+/, 'epochs: 8');
    writeFileSync(join(dir, 'r.model'), text);
    const keras = exportTo(join(dir, 'r.model'), 'keras', join(dir, 'r_keras.py'));
    assert.equal(keras.code, 0, keras.stderr);
    assert.match(
      keras.script,
      /keras\.callbacks\.EarlyStopping\(patience=3, restore_best_weights=True, baseline=100\)/,
    );
    assert.match(keras.script, /keras\.callbacks\.CSVLogger\(filename='log\.csv'\)/);
    const torchScript = exportTo(join(dir, 'r.model'), 'pytorch', join(dir, 'r_pytorch.py'));
    assert.equal(torchScript.code, 0, torchScript.stderr);
    assert.match(
      torchScript.script,
      /# Not carried over from the fit block[^\n]*\n#   EarlyStopping\(baseline=100\)\n/,
    );
    assert.match(
      torchScript.script,
      // Every argument the classes take, Keras's defaults included: the classes have none of their own.
      new RegExp(
        [
          "EarlyStopping\\(\\s*model,\\s*monitor='val_loss',\\s*min_delta=0,\\s*patience=3,\\s*mode='auto',\\s*restore_best_weights=True,\\s*start_from_epoch=0,?\\s*\\),",
          "\\s*ReduceLROnPlateau\\(\\s*optimizer,\\s*monitor='val_loss',\\s*factor=0\\.5,\\s*patience=1,\\s*mode='auto',\\s*min_delta=0\\.0001,\\s*cooldown=0,\\s*min_lr=0,?\\s*\\),",
          "\\s*ModelCheckpoint\\(\\s*model,\\s*filepath='best\\.pt',\\s*monitor='val_loss',\\s*save_best_only=True,\\s*mode='auto',?\\s*\\),",
          "\\s*CSVLogger\\(filename='log\\.csv', separator=',', append=False\\),",
        ].join(''),
      ),
    );
    if (!torch) return;
    const run = spawnSync(python(), ['r_pytorch.py'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const log = readFileSync(join(dir, 'log.csv'), 'utf8').trim().split('\n');
    assert.equal(log[0], 'epoch,learning_rate,loss,val_loss');
    assert.equal(log.length - 1, Number(/epoch (\d+)\/\d+: [^\n]*\n(?![\s\S]*epoch \d+\/)/.exec(run.stdout)![1]));
    assert.ok(existsSync(join(dir, 'best.pt')));
  });

  it('the Keras script is valid Python for every example (ast), and runs where Keras is installed', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
    for (const f of ['digits', 'digits-cnn', 'fashion-cnn', 'regression-csv']) {
      const r = exportTo(`examples/${f}.model`, 'keras', join(dir, `${f}_keras.py`));
      assert.equal(r.code, 0, r.stderr);
      const c = spawnSync(
        python(),
        ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', join(dir, `${f}_keras.py`)],
        { encoding: 'utf8' },
      );
      assert.equal(c.status, 0, `${f}: ${c.stderr}`);
    }
    const keras = spawnSync(python(), ['-c', 'import keras'], { encoding: 'utf8' });
    if (keras.status !== 0) {
      t.skip(`not run: 'import keras' fails with ${python()} (${keras.stderr.trim().split('\n').pop()})`);
      return;
    }
    const text = readFileSync('examples/digits.model', 'utf8').replace(/epochs: \d+/, 'epochs: 1');
    writeFileSync(join(dir, 'd.model'), text);
    const r = exportTo(join(dir, 'd.model'), 'keras', join(dir, 'd_keras.py'));
    assert.equal(r.code, 0, r.stderr);
    const run = spawnSync(python(), ['d_keras.py'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    assert.equal(run.status, 0, run.stderr);
  });
});

describe(
  'the exported PyTorch script learns as the engine does',
  { skip: torch ? false : 'no Python interpreter with torch here (apt-get install python3-torch)' },
  () => {
    before(() => ensureBuilt());

    it("the PyTorch script trains the digits CNN to within 1 point of the engine's test accuracy", () => {
      // Same file, same data (the bundled digits, from the .npz beside the script), same epochs and seed.
      const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
      writeFileSync(
        join(dir, 'digits-cnn.model'),
        readFileSync('examples/digits-cnn.model', 'utf8').replace('epochs: 12', 'epochs: 3\n    seed: 1'),
      );
      const r = exportTo(join(dir, 'digits-cnn.model'), 'pytorch', join(dir, 'digits-cnn_pytorch.py'));
      assert.equal(r.code, 0, r.stderr);
      const script = spawnSync(python(), ['digits-cnn_pytorch.py'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, CUDA_VISIBLE_DEVICES: '' },
      });
      assert.equal(script.status, 0, script.stderr);
      const scriptAccuracy = Number(/test loss, accuracy: \([\d.]+, ([\d.]+)\)/.exec(script.stdout)?.[1]);
      const engine = spawnSync(
        process.execPath,
        [CLI, 'train', 'digits-cnn.model', '--backend', 'torch', '--out', join(dir, 'runs'), '--json'],
        { cwd: dir, encoding: 'utf8', timeout: 300_000 },
      );
      assert.equal(engine.status, 0, engine.stderr);
      const evaluated = engine.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { type: string; metrics?: Record<string, number> })
        .find((e) => e.type === 'evaluated');
      const engineAccuracy = evaluated?.metrics?.accuracy;
      assert.ok(
        typeof engineAccuracy === 'number' && Number.isFinite(scriptAccuracy),
        `engine: ${JSON.stringify(evaluated)}, script: ${script.stdout}`,
      );
      assert.ok(engineAccuracy > 0.8, `the engine learns: ${engineAccuracy}`);
      assert.ok(
        Math.abs(scriptAccuracy - engineAccuracy) <= 0.01,
        `script ${scriptAccuracy}, engine ${engineAccuracy}`,
      );
    });
  },
);

describe(
  'the PyTorch helpers, as Python',
  { skip: torch ? false : 'no Python interpreter with torch here (apt-get install python3-torch)' },
  () => {
    it('match Keras: same padding, channels-last, global pooling, zero padding; EarlyStopping restores the best weights', () => {
      const check = `
import sys, torch
from torch import nn
sys.path.insert(0, 'python')
from modelspec_export import pytorch_helpers as h

x = torch.randn(2, 7, 9, 3)
# 'same' padding: output = ceil(input / stride) (Keras/TF), for odd and even sizes.
conv = h.ChannelsFirst(nn.Sequential(h.SamePad((3, 3), (2, 2), (1, 1)), nn.Conv2d(3, 4, (3, 3), stride=(2, 2))))
assert tuple(conv(x).shape) == (2, 4, 5, 4), conv(x).shape
assert tuple(h.ChannelsFirst(nn.Sequential(h.SamePad((4, 4), (1, 1), (1, 1)), nn.Conv2d(3, 4, (4, 4))))(x).shape) == (2, 7, 9, 4)
# ChannelsFirst is a transpose around the inner layer.
inner = nn.Conv2d(3, 4, 1)
assert torch.allclose(h.ChannelsFirst(inner)(x), inner(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1))
assert torch.allclose(h.GlobalPool('mean', 2)(x), x.mean(dim=(1, 2)))
assert torch.equal(h.GlobalPool('max', 2)(x), x.amax(dim=(1, 2)))
assert tuple(h.ZeroPad2d(((1, 2), (3, 4)))(x).shape) == (2, 10, 16, 3)
assert tuple(h.ZeroPad2d(1)(x).shape) == (2, 9, 11, 3)
assert tuple(h.RepeatVector(5)(torch.randn(2, 6)).shape) == (2, 5, 6)
assert tuple(h.Permute((2, 1))(torch.randn(2, 3, 4)).shape) == (2, 4, 3)

# EarlyStopping(patience=2, restore_best_weights=True): val_loss 1.0, 0.5, 0.7, 0.9 stops at
# the 4th epoch and puts back the weights of the 2nd.
model = nn.Linear(1, 1)
# The classes take every argument (the export passes each, Keras's defaults filled in by the plan).
stop = h.EarlyStopping(model, monitor='val_loss', min_delta=0, patience=2, mode='auto', restore_best_weights=True, start_from_epoch=0)
stopped = []
for epoch, loss in enumerate([1.0, 0.5, 0.7, 0.9]):
    with torch.no_grad():
        model.weight.fill_(epoch)
    stopped.append(stop.on_epoch_end(epoch, {'val_loss': loss}))
assert stopped == [False, False, False, True], stopped
assert model.weight.item() == 1.0, model.weight.item()
# mode 'auto' maximizes accuracy.
acc = h.EarlyStopping(model, monitor='val_accuracy', min_delta=0, patience=1, mode='auto', restore_best_weights=False, start_from_epoch=0)
assert [acc.on_epoch_end(e, {'val_accuracy': v}) for e, v in enumerate([0.5, 0.6, 0.55])] == [False, False, True]
print('ok')
`;
      const r = spawnSync(python(), ['-c', check], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n').pop(), 'ok');
    });

    it('are laid out as black lays them out (the blocks go into scripts as they are)', (t) => {
      const black = spawnSync('black', ['--version'], { encoding: 'utf8' });
      if (black.status !== 0) {
        t.skip('black not found (apt-get install black)');
        return;
      }
      const r = spawnSync('black', ['--check', '--diff', 'python/modelspec_export/pytorch_helpers.py'], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
  },
);
