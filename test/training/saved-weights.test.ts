// Reading a saved model's weights per layer (Pretrained, `modelspec evaluate`): TF.js lists all
// trainable weights first, so BatchNormalization's moving statistics come last in the manifest
// and must be gathered back by name; sharded weights are joined; bad files say what is wrong.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTensorFile } from '../../training/engines/tfjs/tensor-files';
import { readSavedWeights } from '../../training/saved-weights';
import { MODEL_JSON_MAX_BYTES } from '../../language/data/read-file';

const layer = (class_name: string, name: string) => ({ class_name, config: { name } });
const topology = {
  class_name: 'Sequential',
  config: {
    name: 'm',
    layers: [
      layer('InputLayer', 'input'),
      layer('Dense', 'dense'),
      layer('BatchNormalization', 'batch_normalization'),
      layer('Dense', 'dense_1'),
    ],
  },
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
  const json: Record<string, unknown> = {
    modelTopology: topology,
    weightsManifest: [{ paths, weights: manifest.map((w) => ({ ...w, dtype: 'float32' })) }],
  };
  edit(json);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  return join(dir, 'model.json');
}

const read = (file: string, scratch?: string) =>
  readSavedWeights(file, scratch).map((l) => ({
    name: l.name,
    className: l.className,
    values: l.tensors.map((t) => Array.from(readTensorFile(t).data)),
  }));

describe('readSavedWeights', () => {
  it("gives each layer its weights in Keras's order, read in place from weights.bin", () => {
    const layers = read(saved(1));
    assert.deepEqual(
      layers.map((l) => l.name),
      ['dense', 'batch_normalization', 'dense_1'],
    );
    assert.deepEqual(layers[0]!.values, [
      [0, 1, 2, 3],
      [4, 5],
    ]);
    // gamma, beta, moving_mean, moving_variance: the moving statistics come from the end of the file.
    assert.deepEqual(layers[1]!.values, [
      [6, 7],
      [8, 9],
      [13, 14],
      [15, 16],
    ]);
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
      () =>
        readSavedWeights(
          saved(
            1,
            (j) =>
              ((j.weightsManifest as { weights: { quantization?: object }[] }[])[0]!.weights[0]!.quantization = {
                dtype: 'uint8',
              }),
          ),
        ),
      /weight dense\/kernel is quantized/,
    );
    assert.throws(
      () =>
        readSavedWeights(
          saved(
            1,
            (j) => ((j.weightsManifest as { weights: { shape: number[] }[] }[])[0]!.weights[0]!.shape = [200, 2]),
          ),
        ),
      /too short: weight dense\/kernel needs bytes 0–1600/,
    );
    assert.throws(
      () =>
        readSavedWeights(
          saved(
            1,
            (j) => ((j.weightsManifest as { weights: { name: string }[] }[])[0]!.weights[0]!.name = 'conv/kernel'),
          ),
        ),
      /weights conv\/kernel belong to no layer of its topology/,
    );
  });
});

/**
 * readSavedWeights in a child process with a time limit, so a read that blocks (a FIFO with no
 * writer) fails the test instead of hanging it: 'OK <layer count>' or 'ERR <message>'.
 */
function readInChild(modelJson: string, scratch?: string): string {
  const code = `import { readSavedWeights } from ${JSON.stringify(join(process.cwd(), 'training/saved-weights.ts'))};
try { console.log('OK ' + readSavedWeights(process.argv[1], process.argv[2] || undefined).length); } catch (e) { console.log('ERR ' + e.message); }`;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', code, modelJson, scratch ?? ''],
    { encoding: 'utf8', timeout: 20_000 },
  );
  assert.equal(r.signal, null, `the read did not finish within 20 s (killed by ${r.signal}): it blocked`);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const mkfifo = (path: string) => assert.equal(spawnSync('mkfifo', [path]).status, 0, 'mkfifo');
const fifoSkip = process.platform === 'win32' ? 'no FIFOs on Windows' : false;

describe('readSavedWeights reads only what it should (the training side of Pretrained and evaluate)', () => {
  it('a model.json that is a FIFO is refused at once, not read forever', { skip: fifoSkip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-saved-fifo-'));
    mkfifo(join(dir, 'model.json'));
    assert.equal(
      readInChild(join(dir, 'model.json')),
      `ERR ${join(dir, 'model.json')} is a FIFO (named pipe), not a regular file; point it at a file`,
    );
  });

  it('a model.json over the size limit is refused with the limit, without reading it', () => {
    const file = saved(1);
    truncateSync(file, MODEL_JSON_MAX_BYTES + 1); // sparse: nothing is written
    assert.throws(
      () => readSavedWeights(file),
      (e: Error) =>
        e.message ===
        `${file} is 16.0 MiB, over the 16 MiB limit for a saved model.json; check that the path points at the right file`,
    );
  });

  it('a weights shard that is a FIFO is refused at once, naming it', { skip: fifoSkip }, () => {
    const file = saved(2);
    const shard = join(file, '..', 'group1-shard2of2.bin');
    spawnSync('rm', [shard]);
    mkfifo(shard);
    assert.equal(
      readInChild(file, mkdtempSync(join(tmpdir(), 'modelspec-scratch-'))),
      `ERR ${file}: its weights file ${shard} is a FIFO (named pipe), not a regular file; copy the real weights file next to model.json`,
    );
  });

  it('weights files are checked against the manifest before they are read: a shard past what the manifest needs is not read whole', () => {
    const file = saved(2);
    const shard = join(file, '..', 'group1-shard2of2.bin');
    truncateSync(shard, 8 * 1024 ** 3); // an 8 GiB (sparse) tail no manifest entry covers
    const scratch = mkdtempSync(join(tmpdir(), 'modelspec-scratch-'));
    assert.deepEqual(read(file, scratch), read(saved(1)));
    assert.equal(
      readFileSync(join(scratch, 'weights-group0.bin')).byteLength,
      total * 4,
      'only the bytes the manifest describes are joined',
    );
  });

  it('a manifest shape that is not a list of whole sizes is refused, naming the weight', () => {
    const file = saved(
      1,
      (j) => ((j.weightsManifest as { weights: { shape: unknown }[] }[])[0]!.weights[0]!.shape = [1e308, 1e308]),
    );
    assert.throws(() => readSavedWeights(file), /weight dense\/kernel has no valid shape/);
  });
});
