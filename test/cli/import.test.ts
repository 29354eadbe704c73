// `modelspec import FILE.py` on Keras example scripts written out as published (keras-examples.ts):
// the CLI as a process writes a .model that `modelspec check` passes, with Keras's parameter
// counts, and reports what it left out. Hostile input ends quickly with a message.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { IMDB_LSTM, MNIST_CONVNET, MNIST_MLP } from '../import/keras-examples';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });

let work: string;
before(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-import-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Imports `script` to a .model, checks it, and returns the summary's JSON and the import's stderr. */
function importAndCheck(
  name: string,
  script: string,
): { text: string; stderr: string; summary: { layers: unknown[]; total_params: number } } {
  const py = join(work, `${name}.py`);
  const out = join(work, `${name}.model`);
  writeFileSync(py, script);
  const imported = run('import', py, '--out', out);
  assert.equal(imported.status, 0, imported.stderr);
  const check = run('check', out);
  assert.equal(check.status, 0, `${check.stdout}${check.stderr}\n${readFileSync(out, 'utf8')}`);
  const summary = run('summary', '--json', out);
  assert.equal(summary.status, 0, summary.stderr);
  return { text: readFileSync(out, 'utf8'), stderr: imported.stderr, summary: JSON.parse(summary.stdout) };
}

describe('modelspec import FILE.py', () => {
  it("keras.io's mnist_convnet: keras.Sequential([...]) with layers. prefixes and variables, 34,826 params", () => {
    const { text, stderr, summary } = importAndCheck('mnist_convnet', MNIST_CONVNET);
    assert.equal(summary.total_params, 34_826);
    assert.equal(summary.layers.length, 7);
    assert.match(
      text,
      /^model mnist_convnet \{\n    Input\(shape=\(28, 28, 1\)\)\n    Conv2D\(32, kernel_size=\(3, 3\), activation='relu'\)/,
    );
    assert.match(text, /Dense\(10, activation='softmax'\)/);
    assert.match(
      text,
      /compile \{\n    loss: 'categorical_crossentropy'\n    optimizer: 'adam'\n    metrics: \['accuracy'\]\n\}/,
    );
    assert.match(text, /data \{\n    train: mnist\n    validation_split: 0\.1\n\}/);
    assert.match(text, /fit \{\n    batch_size: 128\n    epochs: 15\n\}/);
    assert.match(stderr, /Wrote .*mnist_convnet\.model \(8 layers\)/);
    assert.doesNotMatch(stderr, /warning/);
  });

  it('the Keras MLP: Sequential() and model.add(...), RMSprop(), 669,706 params; validation_data is reported', () => {
    const { text, stderr, summary } = importAndCheck('mnist_mlp', MNIST_MLP);
    assert.equal(summary.total_params, 669_706);
    assert.equal(summary.layers.length, 5);
    assert.match(text, /Dense\(512, activation='relu', input_shape=\(784,\)\)/);
    assert.match(text, /optimizer: RMSprop\(\)/);
    assert.match(text, /epochs: 20/);
    assert.match(stderr, /mnist_mlp\.py:43: warning: fit\(validation_data=\.\.\.\) is not translated/);
  });

  it('the Keras IMDB LSTM: imdb.load_data(num_words=...) and pad_sequences(maxlen=...) become the data source, 2,691,713 params', () => {
    const { text, summary } = importAndCheck('imdb_lstm', IMDB_LSTM);
    assert.equal(summary.total_params, 2_691_713);
    assert.equal(summary.layers.length, 3);
    assert.match(text, /train: imdb\(num_words=20000, sequence_length=80\)/);
    assert.match(text, /LSTM\(128, dropout=0\.2, recurrent_dropout=0\.2\)/);
  });

  it('a custom layer and an unresolvable variable are warnings naming the line; the rest is written', () => {
    const py = join(work, 'custom.py');
    writeFileSync(
      py,
      [
        'import keras',
        'from keras import layers',
        'model = keras.Sequential([',
        '    keras.Input(shape=(8,)),',
        '    MyAttention(4),',
        '    layers.Dense(units, activation="relu"),',
        '    layers.Dense(1),',
        '])',
        'model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-3))',
        '',
      ].join('\n'),
    );
    const r = run('import', py);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /custom\.py:3: warning: MyAttention is not a Keras layer ModelSpec knows \(a custom layer\?\); left out/,
    );
    assert.match(r.stderr, /custom\.py:3: warning: Dense\(\.\.\.\): could not resolve the variable 'units'/);
    assert.match(r.stderr, /no keras\.datasets\.X\.load_data\(\) found/);
    assert.match(
      r.stdout,
      /model custom \{\n    Input\(shape=\(8,\)\)\n    Dense\(activation='relu'\)\n    Dense\(1\)\n\}/,
    );
    assert.match(r.stdout, /optimizer: Adam\(learning_rate=1e-3\)/);
    // Dense without units does not check: the user is told.
    assert.match(r.stderr, /The translated model has 1 error; run modelspec check/);
  });

  it('a variable is read with the value it has where the layer is added', () => {
    const py = join(work, 'later.py');
    writeFileSync(
      py,
      'import keras\nn = 4\nmodel = keras.Sequential([keras.Input(shape=(8,))])\nmodel.add(keras.layers.Dense(n))\nn = 99\nmodel.add(keras.layers.Dense(n))\n',
    );
    const r = run('import', py);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Input\(shape=\(8,\)\)\n    Dense\(4\)\n    Dense\(99\)\n/);
  });

  it('a functional model, an existing output and hostile input end with one message', () => {
    const functional = join(work, 'functional.py');
    writeFileSync(
      functional,
      'inputs = keras.Input(shape=(4,))\noutputs = layers.Dense(1)(inputs)\nmodel = keras.Model(inputs, outputs)\n',
    );
    const f = run('import', functional);
    assert.equal(f.status, 1);
    assert.match(f.stderr, /found no Sequential model.*functional models/);

    const existing = join(work, 'existing.model');
    writeFileSync(existing, 'keep me');
    writeFileSync(join(work, 'ok.py'), MNIST_CONVNET);
    const refused = run('import', join(work, 'ok.py'), '--out', existing);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /existing\.model already exists; choose another --out, or add --force/);
    assert.equal(readFileSync(existing, 'utf8'), 'keep me');
    assert.equal(run('import', join(work, 'ok.py'), '--out', existing, '--force').status, 0);
    assert.match(readFileSync(existing, 'utf8'), /^model ok \{/);

    // Nesting past the reader's depth cap, then a file past its token cap: messages, not stack overflows.
    const deep = join(work, 'deep.py');
    writeFileSync(deep, `model = keras.Sequential([layers.Dense(${'('.repeat(50_000)}1${')'.repeat(50_000)})])\n`);
    const start = Date.now();
    const d = run('import', deep);
    assert.equal(d.status, 0, d.stderr);
    assert.match(
      d.stderr,
      /deep\.py:1: warning: Dense\(\.\.\.\): cannot translate '\( \( \(.*\.\.\.' \(computed in Python\)/,
    );
    const huge = join(work, 'huge.py');
    writeFileSync(huge, 'x = [\n'.repeat(150_000) + '"unclosed\n');
    const h = run('import', huge);
    assert.equal(h.status, 1);
    assert.match(h.stderr, /more than 200,000 tokens/);
    assert.ok(Date.now() - start < 20_000);
    assert.equal(run('import', join(work, 'missing.py')).status, 2);
  });
});
