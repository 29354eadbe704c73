// The test evaluation each task gets, in both engines: a model with given weights (mode
// 'evaluate', nothing trained) on synthetic test data, so what it predicts is known here. The
// numbers each report should hold are worked out in this file from those predictions, and the
// TF.js (in process) and PyTorch (as a process) events are checked against them and each other.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { kerasLayer } from '../helpers/keras-defaults';
import { optimizerArgs } from '../../language/catalog';
import { EVALUATION_LIMITS, type RunEvent, type RunSpec, type Task } from '../../training/protocol';
import { runCollect, tempDir, writeTensor } from './tfjs/helpers';
import { ofType, pythonEval, SKIP, train as trainTorch } from './torch/helpers';
import { spreadPositions } from '../../training/engines/tfjs/task-report';

type Evaluated = Extract<RunEvent, { type: 'evaluated' }>;

/** Deterministic values in [0, 1) (a linear congruential generator: no engine code involved). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
}

interface Case {
  task: Task;
  /** Input shape without the batch axis; the model is Input → Dense(units, activation). */
  input: number[];
  units: number;
  activation: string;
  loss: string;
  kernel: Float32Array;
  bias: Float32Array;
  x: Float32Array;
  y: Float32Array | Int32Array;
  yShape: number[];
  n: number;
  classes?: string[];
  isImage?: boolean;
}

function spec(dir: string, c: Case, backend: string): RunSpec {
  const features = c.input[c.input.length - 1]!;
  const params = features * c.units + c.units;
  const x = writeTensor(dir, 'x.bin', 'float32', [c.n, ...c.input], c.x);
  const y = writeTensor(dir, 'y.bin', c.y instanceof Int32Array ? 'int32' : 'float32', [c.n, ...c.yShape], c.y);
  return {
    model: {
      class_name: 'Sequential',
      config: {
        name: 'tiny',
        layers: [
          kerasLayer('InputLayer', { name: 'input', batch_shape: [null, ...c.input] }),
          kerasLayer('Dense', { name: 'dense', units: c.units, activation: c.activation }),
        ],
      },
    },
    modelName: 'tiny',
    sourceFile: `${dir}/tiny.model`,
    compile: {
      loss: c.loss,
      optimizer: { name: 'Adam', args: optimizerArgs('Adam', {}) },
      metrics: [],
    },
    data: {
      source: 'synthetic',
      train: { x, y },
      test: { x, y },
      validationSplit: 0,
      rescale: 1,
      ...(c.classes && { classes: c.classes }),
      labelEncoding: 'raw',
      shuffle: false,
      isImage: c.isImage === true,
      ...(c.isImage && { imageShape: c.input }),
      task: c.task,
    },
    fit: { epochs: 1, batchSize: 64, seed: 1, callbacks: [], backend, mixedPrecision: false, devices: 1, nnodes: 1 },
    expectedParams: { total: params, trainable: params, nonTrainable: 0 },
    runDir: `${dir}/run-${backend}`,
    mode: 'evaluate',
    initialWeights: {
      tensors: [
        writeTensor(dir, 'kernel.bin', 'float32', [features, c.units], c.kernel),
        writeTensor(dir, 'bias.bin', 'float32', [c.units], c.bias),
      ],
    },
  };
}

/** What the model predicts: Dense over the last axis, in float64. */
function predict(c: Case): Float64Array {
  const features = c.input[c.input.length - 1]!;
  const rows = c.x.length / features;
  const out = new Float64Array(rows * c.units);
  for (let r = 0; r < rows; r++) {
    for (let u = 0; u < c.units; u++) {
      let z = c.bias[u]!;
      for (let f = 0; f < features; f++) z += c.x[r * features + f]! * c.kernel[f * c.units + u]!;
      out[r * c.units + u] = c.activation === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : z;
    }
  }
  return out;
}

async function bothEngines(c: Case): Promise<{ engine: string; event: Evaluated }[]> {
  const out: { engine: string; event: Evaluated }[] = [];
  const tfjsEvents = await runCollect(spec(tempDir('eval-tfjs-'), c, 'tfjs:wasm'));
  const tfjs = ofType(tfjsEvents, 'evaluated')[0];
  assert.ok(tfjs, `TF.js: an evaluated event in ${JSON.stringify(tfjsEvents.map((e) => e.type))}`);
  out.push({ engine: 'tfjs', event: tfjs });
  if (!SKIP) {
    const r = trainTorch(tempDir('eval-torch-'), spec(tempDir('eval-torch-'), c, 'torch:cpu'));
    assert.equal(r.status, 0, r.stderr);
    const torch = ofType(r.events, 'evaluated')[0];
    assert.ok(torch, `PyTorch: an evaluated event; stderr:\n${r.stderr}`);
    out.push({ engine: 'torch', event: torch });
  }
  return out;
}

const close = (a: number, b: number, what: string, tol = 1e-4) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a}, expected ${b}`);

function pixels(base64: string): { width: number; height: number; gray: number[] } {
  const png = PNG.sync.read(Buffer.from(base64, 'base64'));
  const gray: number[] = [];
  for (let i = 0; i < png.width * png.height; i++) gray.push(png.data[i * 4]!);
  return { width: png.width, height: png.height, gray };
}

describe('the test evaluation of each task, in both engines', () => {
  it("bounds the reports alike: protocol.py's EVALUATION_LIMITS are protocol.ts's", { skip: SKIP }, async () => {
    const py = JSON.parse(
      await pythonEval(
        'import json; from modelspec_torch import protocol; print(json.dumps(protocol.EVALUATION_LIMITS))',
      ),
    );
    assert.deepEqual(py, { ...EVALUATION_LIMITS });
  });

  it('multi-label: per-label precision, recall, F1 and support at 0.5, and the exact-match ratio', async () => {
    const n = 300;
    const k = 3;
    const c: Case = {
      task: 'multilabel',
      input: [4],
      units: k,
      activation: 'sigmoid',
      loss: 'binary_crossentropy',
      kernel: Float32Array.from(values(4 * k, 7), (v) => (v - 0.5) * 6),
      bias: Float32Array.from([0.2, -0.4, 0.1]),
      x: Float32Array.from(values(n * 4, 11), (v) => v - 0.5),
      y: Float32Array.from(values(n * k, 13), (v) => (v > 0.55 ? 1 : 0)),
      yShape: [k],
      n,
      classes: ['cat', 'dog', 'bird'],
    };
    const p = predict(c);
    const expected = Array.from({ length: k }, (_, j) => {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let r = 0; r < n; r++) {
        const t = c.y[r * k + j]! > 0.5;
        const s = p[r * k + j]! > 0.5;
        if (t && s) tp++;
        else if (s) fp++;
        else if (t) fn++;
      }
      const precision = tp / (tp + fp);
      const recall = tp / (tp + fn);
      return { precision, recall, f1: (2 * precision * recall) / (precision + recall), support: tp + fn };
    });
    let exact = 0;
    for (let r = 0; r < n; r++) {
      let all = true;
      for (let j = 0; j < k; j++) if (c.y[r * k + j]! > 0.5 !== p[r * k + j]! > 0.5) all = false;
      if (all) exact++;
    }
    for (const { engine, event } of await bothEngines(c)) {
      assert.equal(event.task, 'multilabel', engine);
      assert.equal(event.confusionMatrix, undefined, `${engine}: no confusion matrix for multi-label`);
      const report = event.multiLabel;
      assert.ok(report, `${engine}: a multi-label report`);
      assert.equal(report.labelCount, k);
      assert.equal(report.threshold, 0.5);
      assert.deepEqual(
        report.labels.map((l) => l.name),
        ['cat', 'dog', 'bird'],
        `${engine}: names from the data`,
      );
      close(report.exactMatch, exact / n, `${engine} exact match`);
      report.labels.forEach((l, j) => {
        const e = expected[j]!;
        assert.equal(l.support, e.support, `${engine} ${l.name} support`);
        close(l.precision, e.precision, `${engine} ${l.name} precision`);
        close(l.recall, e.recall, `${engine} ${l.name} recall`);
        close(l.f1, e.f1, `${engine} ${l.name} f1`);
      });
      assert.ok(
        expected.some((e) => e.precision > 0 && e.precision < 1),
        'the case is not trivial',
      );
    }
  });

  it('multi-label without names: label_0, label_1, …', async () => {
    const n = 20;
    const c: Case = {
      task: 'multilabel',
      input: [2],
      units: 2,
      activation: 'sigmoid',
      loss: 'binary_crossentropy',
      kernel: Float32Array.from([1, -1, 2, 0.5]),
      bias: Float32Array.from([0, 0]),
      x: values(n * 2, 3),
      y: Float32Array.from(values(n * 2, 5), (v) => (v > 0.5 ? 1 : 0)),
      yShape: [2],
      n,
    };
    for (const { engine, event } of await bothEngines(c)) {
      assert.deepEqual(
        event.multiLabel?.labels.map((l) => l.name),
        ['label_0', 'label_1'],
        engine,
      );
    }
  });

  it('regression: MAE, RMSE, R² over the outputs and at most 500 evenly spread pairs of the first', async () => {
    const n = 600;
    const k = 2;
    const c: Case = {
      task: 'regression',
      input: [3],
      units: k,
      activation: 'linear',
      loss: 'mse',
      kernel: Float32Array.from([1.5, -0.5, 0.25, 2, -1, 0.75]),
      bias: Float32Array.from([0.1, -0.2]),
      x: Float32Array.from(values(n * 3, 21), (v) => v * 4 - 2),
      y: new Float32Array(n * k),
      yShape: [k],
      n,
    };
    const p = predict(c);
    // Targets: the predictions plus noise, so R² is high but below 1.
    const noise = values(n * k, 23);
    for (let i = 0; i < n * k; i++) (c.y as Float32Array)[i] = p[i]! + (noise[i]! - 0.5);
    let abs = 0;
    let sq = 0;
    let r2 = 0;
    for (let j = 0; j < k; j++) {
      let mean = 0;
      for (let r = 0; r < n; r++) mean += c.y[r * k + j]! / n;
      let sse = 0;
      let sst = 0;
      for (let r = 0; r < n; r++) {
        const e = p[r * k + j]! - c.y[r * k + j]!;
        abs += Math.abs(e);
        sq += e * e;
        sse += e * e;
        sst += (c.y[r * k + j]! - mean) ** 2;
      }
      r2 += (1 - sse / sst) / k;
    }
    const positions = Array.from({ length: 500 }, (_, i) => Math.floor((i * n) / 500));
    for (const { engine, event } of await bothEngines(c)) {
      assert.equal(event.task, 'regression', engine);
      const report = event.regression;
      assert.ok(report, `${engine}: a regression report`);
      close(report.mae, abs / (n * k), `${engine} MAE`);
      close(report.rmse, Math.sqrt(sq / (n * k)), `${engine} RMSE`);
      close(report.r2, r2, `${engine} R²`);
      assert.ok(report.r2 > 0.5 && report.r2 < 1, `${engine} R² ${report.r2}`);
      assert.deepEqual([report.outputs, report.output, report.count], [k, 0, n], engine);
      assert.equal(report.trueValues.length, EVALUATION_LIMITS.points, `${engine}: bounded`);
      assert.equal(report.predicted.length, EVALUATION_LIMITS.points);
      positions.forEach((pos, i) => {
        close(report.trueValues[i]!, c.y[pos * k]!, `${engine} true value of sample ${pos}`, 1e-6);
        close(report.predicted[i]!, p[pos * k]!, `${engine} prediction of sample ${pos}`);
      });
    }
  });

  it('image to image: MSE, PSNR and 8 input/target/output triples as PNGs at most 64 pixels a side', async () => {
    const n = 10;
    const side = 66; // over EVALUATION_LIMITS.imageSide: every 2nd pixel is drawn
    const c: Case = {
      task: 'image-to-image',
      input: [side, side, 1],
      units: 1,
      activation: 'linear',
      loss: 'mse',
      // output = 0.5·x + 0.25 against target x: a blurred-contrast reconstruction.
      kernel: Float32Array.from([0.5]),
      bias: Float32Array.from([0.25]),
      x: values(n * side * side, 31),
      y: new Float32Array(0),
      yShape: [side, side, 1],
      n,
      isImage: true,
    };
    c.y = c.x; // an autoencoder's targets are its inputs
    const p = predict(c);
    let sq = 0;
    for (let i = 0; i < p.length; i++) sq += (p[i]! - c.x[i]!) ** 2;
    const mse = sq / p.length;
    const positions = spreadPositions(n, EVALUATION_LIMITS.images);
    assert.deepEqual(positions, [0, 1, 2, 3, 5, 6, 7, 8]);
    const half = Math.ceil(side / 2);
    const byte = (v: number) => Math.min(255, Math.max(0, Math.floor(v * 255 + 0.5)));
    const results = await bothEngines(c);
    for (const { engine, event } of results) {
      assert.equal(event.task, 'image-to-image', engine);
      const report = event.images;
      assert.ok(report, `${engine}: an image report`);
      close(report.mse, mse, `${engine} MSE`);
      assert.equal(report.peak, 1, `${engine}: targets in [0, 1] are measured against 1`);
      close(report.psnr!, 10 * Math.log10(1 / mse), `${engine} PSNR`);
      assert.deepEqual(
        report.triples.map((t) => t.index),
        positions,
        engine,
      );
      for (const t of report.triples) {
        const target = pixels(t.target);
        const output = pixels(t.output);
        const input = pixels(t.input!);
        assert.deepEqual([target.width, target.height, output.width, input.width], [half, half, half, half]);
        // Target and output share the [0, 1] scale; pixel (i, j) is the image's (2i, 2j).
        for (const [i, j] of [
          [0, 0],
          [5, 17],
          [half - 1, half - 1],
        ] as const) {
          const at = t.index * side * side + 2 * i * side + 2 * j;
          assert.ok(Math.abs(target.gray[i * half + j]! - byte(c.x[at]!)) <= 1, `${engine} target pixel`);
          assert.ok(Math.abs(output.gray[i * half + j]! - byte(p[at]!)) <= 1, `${engine} output pixel`);
        }
        let sampleSq = 0;
        for (let i = 0; i < side * side; i++)
          sampleSq += (p[t.index * side * side + i]! - c.x[t.index * side * side + i]!) ** 2;
        close(t.mse, sampleSq / (side * side), `${engine} sample ${t.index} MSE`);
      }
    }
    if (results.length === 2) {
      // Both engines draw the same pixels (±1 for float rounding).
      const [a, b] = results.map((r) => r.event.images!.triples);
      a!.forEach((t, i) => {
        const pa = pixels(t.output).gray;
        const pb = pixels(b![i]!.output).gray;
        assert.ok(
          pa.every((v, j) => Math.abs(v - pb[j]!) <= 1),
          `output ${t.index} drawn alike`,
        );
      });
    }
  });

  it('binary: a 2×2 confusion matrix and no other report', async () => {
    const n = 100;
    const c: Case = {
      task: 'binary',
      input: [2],
      units: 1,
      activation: 'sigmoid',
      loss: 'binary_crossentropy',
      kernel: Float32Array.from([3, -2]),
      bias: Float32Array.from([0.1]),
      x: Float32Array.from(values(n * 2, 41), (v) => v - 0.5),
      y: Int32Array.from(values(n, 43), (v) => (v > 0.5 ? 1 : 0)),
      yShape: [],
      n,
      classes: ['no', 'yes'],
    };
    const p = predict(c);
    const matrix = [
      [0, 0],
      [0, 0],
    ];
    for (let r = 0; r < n; r++) matrix[c.y[r]!]![p[r]! > 0.5 ? 1 : 0]! += 1;
    for (const { engine, event } of await bothEngines(c)) {
      assert.equal(event.task, 'binary', engine);
      assert.deepEqual(event.confusionMatrix, matrix, engine);
      assert.deepEqual(event.classes, ['no', 'yes'], engine);
      assert.equal(event.multiLabel ?? event.regression ?? event.images, undefined, engine);
    }
  });
});
