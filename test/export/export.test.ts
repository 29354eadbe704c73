// `modelspec export`: the generated scripts are valid Python, build the same model, and the
// PyTorch one runs here (Debian's python3-torch) with the same parameter count as the checker's.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { findTorch } from '../../server/src/training/engines/detect';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const torch = (await findTorch()).probe;

function exportScript(file: string, to: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'export', file, '--to', to], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function python(): string {
  return torch?.python ?? '/usr/bin/python3';
}

describe('modelspec export --to keras', () => {
  before(() => ensureBuilt());

  it('writes the layers as Keras calls, with compile and fit as in the file', () => {
    const r = exportScript('examples/digits-cnn.model', 'keras');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /keras\.Input\(shape=\(28, 28, 1\)\),\n\s+layers\.Conv2D\(32, kernel_size=\(3, 3\), activation='relu'\),/);
    assert.match(r.stdout, /optimizer=keras\.optimizers\.Adadelta\(learning_rate=1\)/);
    assert.match(r.stdout, /metrics=\['accuracy'\]/);
    assert.match(r.stdout, /model\.fit\(x_train, y_train, epochs=12, batch_size=128, validation_split=0\.1/);
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

  it('refuses a file with errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
    writeFileSync(join(dir, 'bad.model'), 'model m {\n    Dense(10)\n}\n');
    const r = exportScript(join(dir, 'bad.model'), 'keras');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing-input-shape/);
  });
});

describe('modelspec export --to pytorch', { skip: torch ? false : 'no Python interpreter with torch here (apt-get install python3-torch)' }, () => {
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
      for (const [kind, bytes] of [['images-idx3-ubyte', 784], ['labels-idx1-ubyte', 1]] as const) {
        const full = gunzipSync(readFileSync(`/usr/share/datasets/fashion-mnist/${split}-${kind}.gz`));
        const header = Buffer.from(full.subarray(0, kind.startsWith('images') ? 16 : 8));
        header.writeUInt32BE(256, 4);
        const cut = Buffer.concat([header, full.subarray(header.length, header.length + 256 * bytes)]);
        writeFileSync(join(cache, 'mnist', `${split}-${kind}.gz`), gzipSync(cut));
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
    writeFileSync(join(dir, 'cnn.model'), readFileSync('examples/digits-cnn.model', 'utf8').replace('train: digits', 'train: mnist').replace("digits(split='test')", "mnist(split='test')").replace('epochs: 12', 'epochs: 1'));
    const r = exportScript(join(dir, 'cnn.model'), 'pytorch');
    assert.equal(r.code, 0, r.stderr);
    writeFileSync(join(dir, 'train.py'), r.stdout);
    const run = spawnSync(python(), ['train.py'], { cwd: dir, encoding: 'utf8', timeout: 300_000, env: { ...process.env, MODELSPEC_CACHE: cache } });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /parameters: 1199882\n/);
    assert.match(run.stdout, /epoch 1\/1: loss [\d.]+, val_loss [\d.]+, val_accuracy [\d.]+/);
    assert.match(run.stdout, /test loss, accuracy: \([\d.]+, [\d.]+\)/);
  });

  it('refuses a layer it cannot export, naming it and the alternatives', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
    writeFileSync(join(dir, 'm.model'), "model m {\n    Input(shape=(8, 8, 8, 1))\n    Conv3D(4, 3)\n    Flatten()\n    Dense(1)\n}\n");
    const r = exportScript(join(dir, 'm.model'), 'pytorch');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Conv3D has no PyTorch export yet; export --to keras/);
  });
});
