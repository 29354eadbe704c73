// Reading a saved model's weights per layer (Pretrained, `modelspec evaluate`): TF.js lists all
// trainable weights first, so BatchNormalization's moving statistics come last in the manifest
// and must be gathered back by name; sharded weights are joined; bad files say what is wrong.

import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTensorFile } from '../../server/src/training/engines/tfjs/tensor-files';
import { readSavedWeights } from '../../server/src/training/saved-weights';

const layer = (class_name: string, name: string) => ({ class_name, config: { name } });
const topology = {
  class_name: 'Sequential',
  config: { name: 'm', layers: [layer('InputLayer', 'input'), layer('Dense', 'dense'), layer('BatchNormalization', 'batch_normalization'), layer('Dense', 'dense_1')] },
};
// Manifest order as TF.js saves: trainable weights of every layer, then the non-trainable ones.
const manifest = [
  { name: 'dense/kernel', shape: [2, 2] },
  { name: 'dense/bias', shape: [2] },
  { name: 'batch_normalization/gamma', shape: [2] },
  { name: 'batch_normalization/beta', shape: [2] },
  { name: 'dense_1/kernel', shape: [2, 1] },
  { name: 'dense_1/bias', shape: [1] },
  { name: 'batch_normalization/moving_mean', shape: [2] },
  { name: 'batch_normalization/moving_variance', shape: [2] },
];
const total = manifest.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
const values = Float32Array.from({ length: total }, (_, i) => i);

function saved(shards: number, edit: (json: Record<string, unknown>) => void = () => undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-saved-'));
  const bytes = Buffer.from(values.buffer);
  const size = Math.ceil(bytes.length / shards);
  const paths = Array.from({ length: shards }, (_, i) => `group1-shard${i + 1}of${shards}.bin`);
  paths.forEach((p, i) => writeFileSync(join(dir, p), bytes.subarray(i * size, (i + 1) * size)));
  const json: Record<string, unknown> = { modelTopology: topology, weightsManifest: [{ paths, weights: manifest.map((w) => ({ ...w, dtype: 'float32' })) }] };
  edit(json);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

const read = (file: string, scratch?: string) =>
  readSavedWeights(file, scratch).map((l) => ({ name: l.name, className: l.className, values: l.tensors.map((t) => Array.from(readTensorFile(t).data)) }));

describe('readSavedWeights', () => {
  it("gives each layer its weights in Keras's order, read in place from weights.bin", () => {
    const layers = read(saved(1));
    assert.deepEqual(layers.map((l) => l.name), ['dense', 'batch_normalization', 'dense_1']);
    assert.deepEqual(layers[0]!.values, [[0, 1, 2, 3], [4, 5]]);
    // gamma, beta, moving_mean, moving_variance: the moving statistics come from the end of the file.
    assert.deepEqual(layers[1]!.values, [[6, 7], [8, 9], [13, 14], [15, 16]]);
    assert.deepEqual(layers[2]!.values, [[10, 11], [12]]);
  });

  it('joins weights sharded over several files, even a weight that straddles two', () => {
    const file = saved(3);
    assert.deepEqual(read(file, mkdtempSync(join(tmpdir(), 'modelspec-scratch-'))), read(saved(1)));
    assert.throws(() => readSavedWeights(file), /sharded and there is nowhere to join them/);
  });

  it('says what is wrong with a file it cannot use', () => {
    assert.throws(() => readSavedWeights(join(tmpdir(), 'no-such-dir', 'model.json')), /cannot read it \(ENOENT\)/);
    assert.throws(() => readSavedWeights(saved(1, (j) => delete j.modelTopology)), /no modelTopology/);
    assert.throws(
      () => readSavedWeights(saved(1, (j) => ((j.weightsManifest as { paths: string[] }[])[0]!.paths = ['gone.bin']))),
      /its weights file .*gone\.bin is missing; copy it next to model\.json/,
    );
    assert.throws(
      () => readSavedWeights(saved(1, (j) => ((j.weightsManifest as { weights: { quantization?: object }[] }[])[0]!.weights[0]!.quantization = { dtype: 'uint8' }))),
      /weight dense\/kernel is quantized/,
    );
    assert.throws(
      () => readSavedWeights(saved(1, (j) => ((j.weightsManifest as { weights: { shape: number[] }[] }[])[0]!.weights[0]!.shape = [200, 2]))),
      /too short: weight dense\/kernel needs bytes 0–1600/,
    );
    assert.throws(
      () => readSavedWeights(saved(1, (j) => ((j.weightsManifest as { weights: { name: string }[] }[])[0]!.weights[0]!.name = 'conv/kernel'))),
      /weights conv\/kernel belong to no layer of its topology/,
    );
  });
});
