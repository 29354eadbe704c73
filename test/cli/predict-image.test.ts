// `modelspec predict` on an image-to-image model, through the CLI as a process: a small
// convolutional autoencoder trained here (tfjs engine, a few seconds) writes one PNG per input —
// beside the input with `.predicted`, or into --out DIR — whose pixels are the model's own TF.js
// outputs (sigmoid [0, 1] × 255), never onto an input file; --json lists the files.

import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { PNG } from 'pngjs';
import { ensureBuilt } from '../helpers/build';
import { PredictCli } from '../helpers/predict-cli';
import { npyBytes } from '../training/data/helpers';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { registerKerasLayers } from '../../training/engines/tfjs/layers';
import { fileIO } from '../../training/engines/tfjs/model-io';

const AUTOENCODER = `model blobs_autoencoder {
  Input(shape=(16, 16, 1))
  Conv2D(8, (3, 3), activation='relu', padding='same')
  Conv2D(1, (3, 3), activation='sigmoid', padding='same')
}
compile { loss: 'binary_crossentropy'  optimizer: Adam(learning_rate=0.01) }
data { train: npy(x='x.npy', y='y.npy') }
fit { epochs: 6  batch_size: 32  seed: 1 }
`;

const SIDE = 16;
const N = 240;
let work: string;
let cli: PredictCli;
let runDir: string;
/** N blob images (a filled disc each), uint8, SIDE × SIDE × 1. */
let blobs: Uint8Array;

function makeBlobs(): Uint8Array {
  const x = new Uint8Array(N * SIDE * SIDE);
  for (let n = 0; n < N; n++) {
    const cy = 4 + ((n * 7) % 8);
    const cx = 4 + ((n * 5) % 8);
    const r = 2 + (n % 3);
    for (let y = 0; y < SIDE; y++)
      for (let xx = 0; xx < SIDE; xx++)
        if ((y - cy) ** 2 + (xx - cx) ** 2 < r * r) x[n * SIDE * SIDE + y * SIDE + xx] = 255;
  }
  return x;
}

function writeBlobPng(n: number, file: string): string {
  const png = new PNG({ width: SIDE, height: SIDE, colorType: 0 });
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = blobs[n * SIDE * SIDE + i]!;
    png.data.set([v, v, v, 255], i * 4);
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
  return file;
}

/** The grey values of a PNG the CLI wrote (its red channel; grey PNGs decode to r = g = b). */
function readPng(file: string): { width: number; height: number; grey: number[] } {
  const png = PNG.sync.read(readFileSync(file));
  return {
    width: png.width,
    height: png.height,
    grey: Array.from({ length: png.width * png.height }, (_, i) => png.data[i * 4]!),
  };
}

/** The trained model's own outputs for blob samples, as TF.js computes them (x rescaled by 1/255 as training does). */
async function modelOutputs(samples: number[]): Promise<Float32Array[]> {
  await selectBackend('tfjs:wasm');
  registerKerasLayers();
  const model = await tfl.loadLayersModel(fileIO(runDir));
  const per = SIDE * SIDE;
  const x = new Float32Array(samples.length * per);
  samples.forEach((n, i) =>
    x.set(
      Array.from(blobs.subarray(n * per, (n + 1) * per), (v) => v / 255),
      i * per,
    ),
  );
  const y = (model.predict(tf.tensor(x, [samples.length, SIDE, SIDE, 1])) as tf.Tensor).dataSync() as Float32Array;
  model.dispose();
  return samples.map((_, i) => y.slice(i * per, (i + 1) * per));
}

before(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-predict-image-'));
  cli = new PredictCli(work);
  blobs = makeBlobs();
  writeFileSync(join(work, 'x.npy'), npyBytes('|u1', [N, SIDE, SIDE, 1], blobs));
  const y = Float32Array.from(blobs, (v) => v / 255);
  writeFileSync(join(work, 'y.npy'), npyBytes('<f4', [N, SIDE, SIDE, 1], new Uint8Array(y.buffer)));
  runDir = cli.train('blobs.model', AUTOENCODER, 'tfjs');
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('modelspec predict: an image-to-image model writes output images', () => {
  it("writes <input>.predicted.png beside each input, the model's sigmoid outputs × 255, and prints input -> output", async () => {
    const inputs = [writeBlobPng(0, join(work, 'a.png')), writeBlobPng(5, join(work, 'b.png'))];
    const r = cli.run(['predict', runDir, 'a.png', 'b.png']);
    assert.equal(r.status, 0, r.stderr);
    const outputs = [join(work, 'a.predicted.png'), join(work, 'b.predicted.png')];
    assert.equal(r.stdout, `a.png -> ${outputs[0]}\nb.png -> ${outputs[1]}\n`);
    assert.match(r.stderr, /Output images: the sigmoid output's \[0, 1\] as 0–255/);
    const expected = await modelOutputs([0, 5]);
    outputs.forEach((file, i) => {
      const png = readPng(file);
      assert.deepEqual([png.width, png.height], [SIDE, SIDE]);
      png.grey.forEach((v, p) => assert.ok(Math.abs(v - expected[i]![p]! * 255) <= 0.5 + 1e-3, `${file} pixel ${p}`));
      // Trained: the output is the input's blob (within a quarter of the range at every pixel).
      const input = readPng(inputs[i]!).grey;
      const off = png.grey.filter((v, p) => Math.abs(v - input[p]!) > 64).length;
      assert.ok(off <= SIDE, `${file}: ${off} pixels far from the input's`);
    });
  });

  it('--out DIR puts them there (made if missing); --json lists each output; a .npy of N samples gives N files', () => {
    const few = join(work, 'few.npy');
    writeFileSync(few, npyBytes('|u1', [3, SIDE, SIDE, 1], blobs.slice(0, 3 * SIDE * SIDE)));
    const out = join(work, 'made', 'here');
    const got = cli.predictJson([runDir, 'few.npy', writeBlobPng(7, join(work, 'c.png')), '--out', out]);
    assert.deepEqual(
      got.predictions.map((p) => [p.input, p.output]),
      [
        ['few.npy [0]', join(out, 'few-0.predicted.png')],
        ['few.npy [1]', join(out, 'few-1.predicted.png')],
        ['few.npy [2]', join(out, 'few-2.predicted.png')],
        [join(work, 'c.png'), join(out, 'c.predicted.png')],
      ],
    );
    for (const p of got.predictions) {
      assert.ok(existsSync(p.output!), p.output);
      assert.equal(p.top, undefined);
      assert.equal(p.values, undefined);
    }
    // The same sample as a PNG and in the .npy gives the same picture.
    const fromPng = cli.predictJson([runDir, writeBlobPng(1, join(work, 'one.png')), '--out', out]);
    assert.deepEqual(readPng(fromPng.predictions[0]!.output!).grey, readPng(join(out, 'few-1.predicted.png')).grey);
  });

  it('never writes onto an input: an input already named like an output keeps its bytes, the output gets -2', () => {
    const dir = join(work, 'clash');
    mkdirSync(dir);
    const a = writeBlobPng(2, join(dir, 'd.png'));
    const taken = writeBlobPng(3, join(dir, 'd.predicted.png'));
    const before = readFileSync(taken);
    const got = cli.predictJson([runDir, a, taken]);
    assert.deepEqual(
      got.predictions.map((p) => p.output),
      [join(dir, 'd.predicted-2.png'), join(dir, 'd.predicted.predicted.png')],
    );
    assert.deepEqual(readFileSync(taken), before, 'the input is untouched');
    // Two inputs that would share an output name (a.png and a.jpg's stem) get distinct files.
    const twice = cli.predictJson([runDir, a, a, '--out', join(dir, 'o')]);
    assert.deepEqual(
      twice.predictions.map((p) => p.output),
      [join(dir, 'o', 'd.predicted.png'), join(dir, 'o', 'd.predicted-2.png')],
    );
  });

  it('--out that is a file is a usage error naming it', () => {
    writeFileSync(join(work, 'not-a-folder'), '');
    const r = cli.run(['predict', runDir, writeBlobPng(0, join(work, 'e.png')), '--out', 'not-a-folder']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^modelspec: --out not-a-folder is a file; give a folder for the output images$/m);
  });
});
