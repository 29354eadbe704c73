// `modelspec predict RUN_DIR INPUT...` through the CLI as a process, on runs trained for one epoch:
// digit PNGs prepared as training prepared the digits (size, colour mode, rescale) give the
// model's own TF.js outputs; a torch-engine run predicts through ONNX Runtime with the same
// probabilities as TF.js; CSV rows are read by the training columns' names; .npy arrays give one
// prediction per sample; bad inputs are one line naming the file, exit 1.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { PNG } from 'pngjs';
import { ensureBuilt } from '../helpers/build';
import { npyBytes } from '../training/data/helpers';
import { findTorch } from '../../training/engines/detect';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { registerKerasLayers } from '../../training/engines/tfjs/layers';
import { fileIO } from '../../training/engines/tfjs/model-io';
import { readDigits } from '../../training/data/digits';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const noTorch = (await findTorch()).probe
  ? false
  : 'no Python interpreter with torch here (apt-get install python3-torch)';
const SAMPLES = 12;

const DIGITS_MODEL = `model digits_mlp {
  Input(shape=(784,))
  Dense(32, activation='relu')
  Dense(10, activation='softmax')
}
compile { loss: 'categorical_crossentropy'  optimizer: 'adam'  metrics: ['accuracy'] }
data { train: digits  test: digits(split='test') }
fit { epochs: 1  batch_size: 64  seed: 3 }
`;

const CSV_MODEL = `model animals {
  Input(shape=(2,))
  Dense(8, activation='relu')
  Dense(3, activation='softmax')
}
compile { loss: 'sparse_categorical_crossentropy'  optimizer: 'adam' }
data { train: csv('train.csv', label='kind') }
fit { epochs: 1 }
`;

const REGRESSION_MODEL = `model price {
  Input(shape=(2,))
  Dense(1)
}
compile { loss: 'mse'  optimizer: 'adam' }
data { train: csv('houses.csv', label='price') }
fit { epochs: 1 }
`;

let work: string;
let digits: Awaited<ReturnType<typeof readDigits>>;
let tfjsRun: string;
let csvRun: string;
let regressionRun: string;

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', MODELSPEC_CACHE: join(work, 'cache') },
  });
}

function train(file: string, text: string, backend: string): string {
  writeFileSync(join(work, file), text);
  const out = join(work, 'runs-' + backend + '-' + file);
  const r = cli(['train', file, '--backend', backend, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const model = readdirSync(out)[0]!;
  return join(out, model, readdirSync(join(out, model))[0]!);
}

interface PredictJson {
  engine: string;
  predictions: { input: string; top?: { class: string; probability: number }[]; values?: number[] }[];
}

function predictJson(args: string[]): PredictJson {
  const r = cli(['predict', ...args, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as PredictJson;
}

/** Digit n of the test split as a PNG, scaled up `scale` times (nearest), grey or RGB. */
function writeDigit(n: number, name: string, opts: { scale?: number; rgb?: boolean } = {}): string {
  const scale = opts.scale ?? 1;
  const size = 28 * scale;
  const png = new PNG({ width: size, height: size, colorType: opts.rgb ? 2 : 0 });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = digits.x[n * 784 + Math.floor(y / scale) * 28 + Math.floor(x / scale)]!;
      png.data.set([v, v, v, 255], (y * size + x) * 4);
    }
  }
  const file = join(work, name);
  writeFileSync(file, PNG.sync.write(png, { colorType: opts.rgb ? 2 : 0 }));
  return file;
}

/** The trained model's own TF.js outputs for the first SAMPLES test digits (rescaled by 1/255 as training does). */
async function tfjsOutputs(runDir: string): Promise<number[][]> {
  await selectBackend('tfjs:wasm');
  registerKerasLayers();
  const model = await tfl.loadLayersModel(fileIO(runDir));
  const x = Float32Array.from(digits.x.subarray(0, SAMPLES * 784), (v) => v / 255);
  const y = (model.predict(tf.tensor(x, [SAMPLES, 784])) as tf.Tensor).arraySync() as number[][];
  return y;
}

const argmax = (row: number[]) => row.indexOf(Math.max(...row));

function assertOneLineError(r: ReturnType<typeof cli>, pattern: RegExp) {
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

before(async () => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-predict-'));
  digits = await readDigits('test');
  tfjsRun = train('digits.model', DIGITS_MODEL, 'tfjs');
  const rows = ['size,weight,kind'];
  for (let i = 0; i < 90; i++)
    rows.push(`${i % 3 === 0 ? 1 : i % 3 === 1 ? 5 : 9},${(i % 3) * 2 + 0.5},${['cat', 'dog', 'eel'][i % 3]}`);
  writeFileSync(join(work, 'train.csv'), rows.join('\n') + '\n');
  csvRun = train('animals.model', CSV_MODEL, 'tfjs');
  const houses = ['rooms,age,price'];
  for (let i = 0; i < 40; i++) houses.push(`${(i % 5) + 1},${i % 7},${(i % 5) * 10 + 3}`);
  writeFileSync(join(work, 'houses.csv'), houses.join('\n') + '\n');
  regressionRun = train('price.model', REGRESSION_MODEL, 'tfjs');
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('modelspec predict', () => {
  it("digit PNGs (a flattened 784 input) give the TF.js model's own probabilities, top-1 its argmax and mostly the true label", async () => {
    const files = Array.from({ length: SAMPLES }, (_, n) => writeDigit(n, `digit-${n}.png`));
    const expected = await tfjsOutputs(tfjsRun);
    const got = predictJson([tfjsRun, ...files, '--top', '10']);
    assert.equal(got.engine, 'tfjs', 'no model.onnx in a TF.js run: TF.js');
    let right = 0;
    got.predictions.forEach((p, n) => {
      assert.equal(p.input, files[n]);
      assert.equal(p.top!.length, 10);
      assert.equal(p.top![0]!.class, String(argmax(expected[n]!)), `top-1 of ${p.input}`);
      for (const c of p.top!)
        assert.ok(Math.abs(c.probability - expected[n]![Number(c.class)]!) < 1e-5, `${p.input} class ${c.class}`);
      if (p.top![0]!.class === String(digits.labels[n])) right++;
    });
    assert.ok(right >= SAMPLES * 0.6, `${right} of ${SAMPLES} right after one epoch`);
    // The text form: one line per image, the top 3 by default.
    const text = cli(['predict', tfjsRun, files[0]!]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(
      text.stdout,
      new RegExp(
        `^${files[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${argmax(expected[0]!)} \\d+\\.\\d%, \\d \\d+\\.\\d%, \\d \\d+\\.\\d%\\n$`,
      ),
    );
    assert.match(text.stderr, /Predicting with TensorFlow\.js/);
  });

  it("resizes and converts images as training does: a 56×56 RGB copy of a digit gives the 28×28 grey one's probabilities", () => {
    const grey = writeDigit(3, 'three.png');
    const big = writeDigit(3, 'three-big-rgb.png', { scale: 2, rgb: true });
    const [a, b] = predictJson([tfjsRun, grey, big, '--top', '10']).predictions;
    for (let i = 0; i < 10; i++) {
      assert.equal(b!.top![i]!.class, a!.top![i]!.class);
      assert.ok(Math.abs(b!.top![i]!.probability - a!.top![i]!.probability) < 1e-6);
    }
  });

  it('a .npy of N uint8 digits gives N predictions, those of the PNGs', () => {
    const n = 4;
    const npy = join(work, 'digits.npy');
    writeFileSync(npy, npyBytes('|u1', [n, 28, 28], digits.x.slice(0, n * 784)));
    const fromNpy = predictJson([tfjsRun, npy]).predictions;
    // One 28×28 digit (no sample axis) is one sample for the 784-value input.
    const one = join(work, 'one-digit.npy');
    writeFileSync(one, npyBytes('|u1', [28, 28], digits.x.slice(2 * 784, 3 * 784)));
    const single = predictJson([tfjsRun, one]).predictions;
    assert.equal(single.length, 1);
    assert.equal(single[0]!.input, one);
    const fromPng = predictJson([
      tfjsRun,
      ...Array.from({ length: n }, (_, i) => writeDigit(i, `d${i}.png`)),
    ]).predictions;
    assert.equal(fromNpy.length, n);
    fromNpy.forEach((p, i) => {
      assert.equal(p.input, `${npy} [${i}]`);
      assert.deepEqual(p.top, fromPng[i]!.top);
    });
    assert.deepEqual(single[0]!.top, fromPng[2]!.top);
  });

  it(
    "a torch-engine run predicts through ONNX Runtime, with TF.js's probabilities within 1e-4",
    { skip: noTorch },
    () => {
      const torchRun = train('digits-torch.model', DIGITS_MODEL, 'torch');
      const files = Array.from({ length: 6 }, (_, n) => writeDigit(n, `t-${n}.png`));
      const onnx = predictJson([torchRun, ...files, '--top', '10']);
      const tfjs = predictJson([torchRun, ...files, '--top', '10', '--engine', 'tfjs']);
      assert.equal(onnx.engine, 'onnx');
      assert.equal(tfjs.engine, 'tfjs');
      onnx.predictions.forEach((p, n) => {
        const byClass = new Map(tfjs.predictions[n]!.top!.map((c) => [c.class, c.probability]));
        for (const c of p.top!)
          assert.ok(Math.abs(c.probability - byClass.get(c.class)!) < 1e-4, `${p.input} class ${c.class}`);
      });
    },
  );

  it("CSV rows are read by the training feature columns' names (any order, extra columns left out); classes are the training labels", () => {
    writeFileSync(join(work, 'ask.csv'), 'id,weight,size\n1,0.5,1\n2,4.5,9\n');
    writeFileSync(join(work, 'ask-ordered.csv'), 'size,weight\n1,0.5\n9,4.5\n');
    const a = predictJson([csvRun, 'ask.csv', '--top', '3']).predictions;
    const b = predictJson([csvRun, 'ask-ordered.csv', '--top', '3']).predictions;
    assert.deepEqual(
      a.map((p) => p.input),
      ['ask.csv row 2', 'ask.csv row 3'],
    );
    assert.deepEqual(
      a.map((p) => p.top),
      b.map((p) => p.top),
    );
    for (const p of a) assert.deepEqual(p.top!.map((c) => c.class).sort(), ['cat', 'dog', 'eel']);
  });

  it('a regression model prints its values', () => {
    writeFileSync(join(work, 'new-houses.csv'), 'rooms,age\n3,2\n5,6\n');
    const got = predictJson([regressionRun, 'new-houses.csv']);
    assert.equal(got.predictions.length, 2);
    for (const p of got.predictions) {
      assert.equal(p.top, undefined);
      assert.equal(p.values!.length, 1);
      assert.ok(Number.isFinite(p.values![0]));
    }
    const text = cli(['predict', regressionRun, 'new-houses.csv']);
    assert.match(text.stdout, /^new-houses\.csv row 2: -?\d[\d.e+-]*\nnew-houses\.csv row 3: -?\d[\d.e+-]*\n$/);
  });

  describe('bad input: one line naming the file, exit 1', () => {
    it('a CSV without a feature column names the column', () => {
      writeFileSync(join(work, 'no-weight.csv'), 'size,kind\n1,cat\n');
      assertOneLineError(
        cli(['predict', csvRun, 'no-weight.csv']),
        /^modelspec: no-weight\.csv lacks the feature column 'weight' that the model was trained on/,
      );
    });

    it('a CSV with a value that is not a number names the file, line and column', () => {
      writeFileSync(join(work, 'bad-value.csv'), 'size,weight\n1,0.5\n2,heavy\n');
      assertOneLineError(
        cli(['predict', csvRun, 'bad-value.csv']),
        /^modelspec: bad-value\.csv:3: column 'weight' has 'heavy', not a number/,
      );
    });

    it('a .npy whose samples have another shape (wrong channel count) names the file and both shapes', () => {
      writeFileSync(join(work, 'rgb.npy'), npyBytes('|u1', [2, 28, 28, 3], new Uint8Array(2 * 784 * 3)));
      assertOneLineError(
        cli(['predict', tfjsRun, 'rgb.npy']),
        /^modelspec: rgb\.npy holds samples of shape \(28, 28, 3\) \(2352 values\) but the model takes \(784,\) \(784 values\)/,
      );
    });

    it('a .npy with a NaN names the file and the sample', () => {
      const values = new Float32Array(3 * 784);
      values[784 + 5] = NaN;
      writeFileSync(join(work, 'nan.npy'), npyBytes('<f4', [3, 784], new Uint8Array(values.buffer)));
      assertOneLineError(
        cli(['predict', tfjsRun, 'nan.npy']),
        /^modelspec: nan\.npy has NaN at value 5 of sample \[1\]; replace NaN and infinite values before predicting$/m,
      );
    });

    it('an image for a model whose input is not an image', () => {
      const png = writeDigit(0, 'for-csv.png');
      assertOneLineError(
        cli(['predict', csvRun, png]),
        /^modelspec: .*for-csv\.png: the model's input \(2,\) is not an image/,
      );
    });

    it('a .png that is not an image', () => {
      writeFileSync(join(work, 'fake.png'), 'not a picture');
      assertOneLineError(cli(['predict', tfjsRun, 'fake.png']), /^modelspec: fake\.png is not a PNG or JPEG image/);
    });

    it('--engine onnx on a run without model.onnx says how to make one', () => {
      assertOneLineError(
        cli(['predict', tfjsRun, writeDigit(0, 'x.png'), '--engine', 'onnx']),
        /has no model\.onnx; make one with `modelspec export .* --to onnx`/,
      );
    });

    it('a folder that is not a run', () => {
      assertOneLineError(
        cli(['predict', work, writeDigit(0, 'y.png')]),
        /is not a run folder \(it has no spec\.json\)/,
      );
    });

    it('usage errors exit 2: no input, a missing file, a bad --top', () => {
      assert.equal(cli(['predict', tfjsRun]).status, 2);
      const missing = cli(['predict', tfjsRun, 'nope.png']);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /^modelspec: nope\.png: no such file$/m);
      assert.equal(cli(['predict', tfjsRun, 'nope.png', '--top', '0']).status, 2);
    });
  });
});
