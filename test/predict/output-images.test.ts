// predict/output-images.ts as functions: which outputs are images, how values become pixels
// (the last activation's range, else the training rescale undone), where each output goes (never
// onto an input, no two alike), and the PNG's pixels.

import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { encodeOutputPng, outputImageShape, outputPaths, pixelScale } from '../../predict/output-images';
import type { PredictRun } from '../../predict/run-model';
import type { RunSpec } from '../../training/protocol';
import { kerasLayer } from '../helpers/keras-defaults';

function runWith(
  lastLayers: { class_name: string; config: Record<string, unknown> }[],
  rescale: number,
  image = true,
): PredictRun {
  const layers = lastLayers.map((l) => kerasLayer(l.class_name, l.config));
  const spec = {
    model: { class_name: 'Sequential', config: { name: 'm', layers } },
    data: { rescale },
  } as unknown as RunSpec;
  return {
    runDir: '/r',
    spec,
    inputShape: [8, 8, 1],
    imageShape: image ? [8, 8, 1] : undefined,
    csvDelimiter: ',',
    modelJson: '/r/model.json',
  };
}

describe('output images', () => {
  it('an output is an image when it is H×W×(1|3|4), or H×W for a model that reads images', () => {
    const imageRun = runWith([], 1);
    const sequenceRun = runWith([], 1, false);
    assert.deepEqual(outputImageShape([8, 8, 1], imageRun), [8, 8, 1]);
    assert.deepEqual(outputImageShape([8, 8, 3], sequenceRun), [8, 8, 3]);
    assert.deepEqual(outputImageShape([8, 8], imageRun), [8, 8, 1]);
    assert.equal(outputImageShape([8, 8], sequenceRun), undefined, "a sequence model's (steps, features)");
    assert.equal(outputImageShape([8, 8, 2], imageRun), undefined);
    assert.equal(outputImageShape([8, 8, 1, 1], imageRun), undefined);
  });

  it("pixels follow the last activation's range, else the training rescale is undone", () => {
    const conv = (activation: string) => ({
      class_name: 'Conv2D',
      config: { filters: 1, kernel_size: [3, 3], activation },
    });
    assert.deepEqual(pixelScale(runWith([conv('sigmoid')], 1 / 255)), {
      offset: 0,
      factor: 255,
      why: "the sigmoid output's [0, 1] as 0–255",
    });
    const tanh = pixelScale(runWith([conv('tanh')], 1));
    assert.equal(tanh.offset, -1);
    assert.equal(tanh.factor, 127.5);
    // A layer without an activation (Reshape) after the sigmoid passes its range on.
    const reshaped = pixelScale(
      runWith([conv('sigmoid'), { class_name: 'Reshape', config: { target_shape: [8, 8, 1] } }], 1),
    );
    assert.equal(reshaped.factor, 255);
    const linear = pixelScale(runWith([conv('linear')], 1 / 255));
    assert.ok(Math.abs(linear.factor - 255) < 1e-9);
    assert.match(linear.why, /rescale 0\.00392157/);
    assert.equal(pixelScale(runWith([conv('relu')], 1)).factor, 1);
  });

  it('encodes values as grey or RGB pixels, clamped and rounded', () => {
    const grey = PNG.sync.read(
      encodeOutputPng(Float32Array.from([0, 0.5, 1, 2]), [2, 2, 1], { offset: 0, factor: 255, why: '' }),
    );
    assert.deepEqual([grey.width, grey.height], [2, 2]);
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => grey.data[i * 4]),
      [0, 128, 255, 255],
    );
    const rgb = PNG.sync.read(
      encodeOutputPng(Float32Array.from([-1, 0, 1]), [1, 1, 3], { offset: -1, factor: 127.5, why: '' }),
    );
    assert.deepEqual([...rgb.data.subarray(0, 4)], [0, 128, 255, 255]);
  });

  it('names outputs beside the input or in --out, with sample numbers, never an input, never twice', () => {
    const inputs = ['/d/a.png', '/d/a.predicted.png', '/d/x.npy'];
    const got = outputPaths(
      [
        { file: '/d/a.png' },
        { file: '/d/a.predicted.png' },
        { file: '/d/x.npy', index: 0 },
        { file: '/d/x.npy', index: 1 },
        { file: '/d/a.png' },
      ],
      inputs,
      undefined,
    );
    assert.deepEqual(got, [
      '/d/a.predicted-2.png',
      '/d/a.predicted.predicted.png',
      '/d/x-0.predicted.png',
      '/d/x-1.predicted.png',
      '/d/a.predicted-3.png',
    ]);
    assert.deepEqual(outputPaths([{ file: 'rel/b.jpg' }], ['rel/b.jpg'], 'out'), [resolve('out', 'b.predicted.png')]);
  });
});
