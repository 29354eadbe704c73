// training/data/adapt.ts, Keras's Normalization.adapt on a prepared training split, on images:
// the kept axes (axis=-1: one mean per channel; axis=(1, 2): one per pixel position; None: one in
// all), the data block's rescale and a Rescaling layer before the layer, validation_split's
// part left out, and a Pretrained part's Normalization left alone. numpy (in /usr/bin/python3)
// computes the expected numbers from the same bytes: np.mean / np.var over the reduced axes.

import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../../language/analysis/analyze';
import { lowerModel } from '../../../language/lowering';
import { adaptNormalization } from '../../../training/data/adapt';
import type { PreparedData } from '../../../training/protocol';
import { pythonWorker } from '../../helpers/python-worker';

const N = 12;
const SHAPE = [4, 3, 2];
const dir = mkdtempSync(join(tmpdir(), 'adapt-'));
const xPath = join(dir, 'x.bin');
const bytes = Uint8Array.from({ length: N * 24 }, (_, i) => (i * 97 + (i % 7) * 13) % 256);
writeFileSync(xPath, bytes);

function data(validationSplit: number): PreparedData {
  return {
    source: 'test',
    train: { x: { path: xPath, dtype: 'uint8', shape: [N, ...SHAPE] }, y: { path: xPath, dtype: 'uint8', shape: [N] } },
    validationSplit,
    rescale: 1 / 255,
    labelEncoding: 'raw',
    shuffle: false,
    isImage: true,
  };
}

function model(layers: string) {
  const a = analyze(`model m {\n  Input(shape=(4, 3, 2))\n${layers}\n  Flatten()\n  Dense(1)\n}\n`);
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return lowerModel(a.model!);
}

/** numpy's mean and variance of the first `rows` samples, x · 1/255 · scale + offset, over `axis` (the reduced axes). */
async function numpyStats(rows: number, scale: number, offset: number, axis: string) {
  const code = [
    'import json, sys, numpy as np',
    `x = np.fromfile(${JSON.stringify(xPath)}, dtype=np.uint8).reshape(${N}, 4, 3, 2)[:${rows}].astype(np.float64)`,
    `x = x * (1 / 255) * ${scale} + ${offset}`,
    `m, v = np.mean(x, axis=${axis}), np.var(x, axis=${axis})`,
    'print(json.dumps({"mean": np.ravel(m).tolist(), "variance": np.ravel(v).tolist(), "shape": list(np.shape(m))}))',
  ].join('\n');
  // numpy imported once for the test process's snippets (test/helpers/python-worker.ts).
  const worker = pythonWorker({ preload: ['numpy'] });
  const r = await worker.run(code);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { mean: number[]; variance: number[]; shape: number[] };
}

function close(got: number[], want: number[], what: string) {
  assert.equal(got.length, want.length, what);
  want.forEach((w, i) =>
    assert.ok(Math.abs(got[i]! - w) <= 1e-12 * Math.max(1, Math.abs(w)), `${what}[${i}]: ${got[i]} vs ${w}`),
  );
}

test('axis=-1: one mean and variance per channel, over samples, rows and columns', async () => {
  const [a] = adaptNormalization(model('  Normalization()'), data(0));
  const want = await numpyStats(N, 1, 0, '(0, 1, 2)');
  assert.deepEqual(a!.shape, [2]);
  close(a!.mean, want.mean, 'mean');
  close(a!.variance, want.variance, 'variance');
});

test('axis=(1, 2): one per pixel position, row-major; validation_split leaves out the last quarter', async () => {
  const [a] = adaptNormalization(model('  Normalization(axis=(1, 2))'), data(0.25));
  const want = await numpyStats(9, 1, 0, '(0, 3)');
  assert.deepEqual(a!.shape, [4, 3]);
  assert.deepEqual(want.shape, [4, 3]);
  close(a!.mean, want.mean, 'mean');
  close(a!.variance, want.variance, 'variance');
});

test('axis=None after Rescaling and RandomFlip: one mean and variance of the rescaled images', async () => {
  const [a] = adaptNormalization(
    model('  Rescaling(2.0, offset=-1)\n  RandomFlip()\n  Normalization(axis=None)'),
    data(0),
  );
  const want = await numpyStats(N, 2, -1, 'None');
  assert.deepEqual(a!.shape, []);
  close(a!.mean, want.mean, 'mean');
  close(a!.variance, want.variance, 'variance');
});

test('a Normalization inside a Pretrained part keeps the statistics it was saved with', () => {
  const lowered = model('  Rescaling(0.5)\n  Normalization()');
  assert.deepEqual(
    adaptNormalization(lowered, data(0)).map((a) => a.layer),
    ['normalization'],
  );
  // The first two layers start from a saved model (initialWeights.layers = 2): nothing to adapt.
  assert.deepEqual(adaptNormalization(lowered, data(0), 2), []);
  assert.deepEqual(adaptNormalization(lowered, data(0), 1).length, 1);
});
