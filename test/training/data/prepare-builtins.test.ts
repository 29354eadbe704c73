// prepareData for the built-in datasets: digits (shipped) and fashion_mnist from files in the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../scripts/build-digits.mjs'; // makes sure dist/data/digits.bin exists
import { analyze } from '../../../language/analysis/analyze';
import { planTraining } from '../../../language/analysis/plan';
import { prepareData } from '../../../training/data/prepare';
import type { DataSettings } from '../../../training/data/types';
import { dataSettingsOf } from '../../../training/run-spec';

/** The data block as training gets it: through the plan, which resolves each built-in set's split. */
function planned(data: string): DataSettings {
  const text = `model m {\n    Input(shape=(784,))\n    Dense(10, activation='softmax')\n}\ncompile { loss: 'categorical_crossentropy' }\ndata {\n${data}\n}\n`;
  const { plan, blocker } = planTraining(analyze(text, { baseDir: tmpdir() }), join(tmpdir(), 'm.model'));
  assert.ok(plan, blocker);
  return dataSettingsOf(plan.data);
}

const cacheDir = mkdtempSync(join(tmpdir(), 'modelspec-cache-'));
const digits: DataSettings = planned("    train: digits\n    test: digits(split='test')\n    validation_split: 0.1");
const base = { baseDir: tmpdir(), cacheDir, labelEncoding: 'onehot' as const };

test('digits: uint8 images shaped for the model, int32 labels, rescale 1/255', async () => {
  const messages: string[] = [];
  const data = await prepareData(digits, { ...base, inputShape: [28, 28, 1], onProgress: (m) => messages.push(m) });
  assert.equal(data.source, 'digits');
  assert.deepEqual(data.train.x.shape, [8000, 28, 28, 1]);
  assert.equal(data.train.x.dtype, 'uint8');
  assert.deepEqual(data.train.y.shape, [8000]);
  assert.equal(data.train.y.dtype, 'int32');
  assert.deepEqual(data.test?.x.shape, [2000, 28, 28, 1]);
  assert.equal(statSync(data.train.x.path).size, 8000 * 784);
  assert.equal(statSync(data.train.y.path).size, 8000 * 4);
  const labels = new Int32Array(new Uint8Array(readFileSync(data.train.y.path)).buffer);
  assert.ok(labels.every((l) => l >= 0 && l <= 9));
  assert.equal(new Set(labels).size, 10);
  assert.equal(data.rescale, 1 / 255);
  assert.deepEqual(data.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(data.isImage, true);
  assert.equal(data.labelEncoding, 'onehot');
  assert.equal(data.validationSplit, 0.1);
  assert.equal(data.shuffle, true);
  assert.ok(messages.some((m) => m.includes('digits')));
});

test('digits: a second run reuses the prepared files without loading', async () => {
  const first = await prepareData(digits, { ...base, inputShape: [28, 28, 1] });
  const messages: string[] = [];
  const second = await prepareData(digits, { ...base, inputShape: [28, 28, 1], onProgress: (m) => messages.push(m) });
  assert.equal(second.train.x.path, first.train.x.path);
  assert.deepEqual(messages, []);
});

test('digits feeds Input(shape=(784,)) as flat vectors; isImage is then false', async () => {
  const data = await prepareData(digits, { ...base, inputShape: [784] });
  assert.deepEqual(data.train.x.shape, [8000, 784]);
  assert.equal(data.isImage, false);
});

test('a None dimension is filled in: (None, 28) reads 28 rows of 28', async () => {
  const data = await prepareData({ ...digits, test: undefined }, { ...base, inputShape: [null, 28] });
  assert.deepEqual(data.train.x.shape, [8000, 28, 28]);
  assert.equal(data.test, undefined);
});

test('an input with a different element count is a clear error naming both shapes', async () => {
  await assert.rejects(prepareData(digits, { ...base, inputShape: [100] }), (e: Error) => {
    assert.match(e.message, /digits gives samples of shape \(28, 28, 1\) \(784 values\)/);
    assert.match(e.message, /model's input is \(100,\) \(100 values\)/);
    return true;
  });
});

test('the test slot reads the test split when split= is not written; a bad split names the argument', async () => {
  const data = await prepareData(planned('    train: digits\n    test: digits'), { ...base, inputShape: [784] });
  assert.deepEqual(data.test?.x.shape, [2000, 784]);
  // The plan resolves the split (plan.ts, slotSplit); a bad split= is the checker's error, on the argument.
  const checked = analyze(
    "model m {\n    Input(shape=(784,))\n    Dense(10)\n}\ndata { train: digits(split='validation') }\n",
  );
  const bad = checked.diagnostics.find((d) => d.severity === 'error');
  assert.ok(bad && /'train' or 'test'/.test(bad.message), JSON.stringify(bad));
  assert.equal(
    checked.lines[bad.range.start.line].slice(bad.range.start.character, bad.range.end.character),
    "'validation'",
  );
});

test('raw label encoding gives float32 targets; explicit rescale wins', async () => {
  const data = await prepareData(
    { ...digits, rescale: 1 / 127.5 },
    { ...base, inputShape: [784], labelEncoding: 'raw' },
  );
  assert.equal(data.train.y.dtype, 'float32');
  assert.deepEqual(data.train.y.shape, [8000, 1]);
  assert.equal(data.rescale, 1 / 127.5);
});

const FASHION = '/usr/share/datasets/fashion-mnist';
test('fashion_mnist: files put into the cache by hand are used without any network', async () => {
  const dir = join(cacheDir, 'fashion_mnist');
  mkdirSync(dir, { recursive: true });
  for (const f of [
    'train-labels-idx1-ubyte.gz',
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
    'train-images-idx3-ubyte.gz',
  ]) {
    copyFileSync(join(FASHION, f), join(dir, f));
  }
  const saved = process.env.MODELSPEC_DATASET_MIRROR;
  process.env.MODELSPEC_DATASET_MIRROR = 'http://127.0.0.1:9/'; // nothing listens: any download would fail
  try {
    const data = await prepareData(
      { ...planned("    train: fashion_mnist(split='test')\n    shuffle: false"), validationSplit: 0 },
      { ...base, inputShape: [28, 28, 1], labelEncoding: 'index' },
    );
    assert.deepEqual(data.train.x.shape, [10000, 28, 28, 1]);
    assert.equal(data.classes?.[9], 'Ankle boot');
    assert.equal(data.labelEncoding, 'index');
    const labels = new Int32Array(new Uint8Array(readFileSync(data.train.y.path)).buffer);
    assert.equal(labels.filter((l) => l === 3).length, 1000);
  } finally {
    if (saved === undefined) delete process.env.MODELSPEC_DATASET_MIRROR;
    else process.env.MODELSPEC_DATASET_MIRROR = saved;
  }
});
