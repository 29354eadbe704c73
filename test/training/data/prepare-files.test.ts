// prepareData for file sources: csv, images, npy and idx, as the engines will read them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareData, type PrepareOptions } from '../../../training/data/prepare';
import type { TensorFile } from '../../../training/protocol';
import type { LabelTarget } from '../../../language/data/label-rules';
import type { DataSettings, SourceRef } from '../../../training/data/types';
import { npyBytes, resolved, writeJpeg, writePng } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'modelspec-prep-'));
const cacheDir = join(root, 'cache');
const settings = (train: SourceRef, extra: Partial<DataSettings> = {}): DataSettings => ({
  train: resolved(train),
  validationSplit: 0.2,
  shuffle: true,
  ...extra,
});
const opts = (o: Partial<PrepareOptions> = {}): PrepareOptions => ({
  baseDir: root,
  cacheDir,
  inputShape: [2],
  labelEncoding: 'onehot',
  ...o,
});

function read(t: TensorFile): number[] {
  const bytes = new Uint8Array(readFileSync(t.path));
  const arr =
    t.dtype === 'uint8' ? bytes : t.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  return [...arr];
}

writeFileSync(
  join(root, 'iris.csv'),
  'len,width,species\n5.1,3.5,setosa\n6.3,3.3,virginica\n5.8,2.7,versicolor\n4.9,3.0,setosa\n',
);
writeFileSync(join(root, 'iris-test.csv'), 'len,width,species\n6.0,3.0,virginica\n5.0,3.4,setosa\n');
writeFileSync(join(root, 'houses.csv'), 'rooms,area,price\n3,120,250.5\n2,80,180\n4,150,320\n');
writeFileSync(join(root, 'grades.csv'), 'a,b,grade\n1,2,3\n2,3,1\n3,4,3\n');

test('csv with string labels: float32 features, int32 class indices, sorted classes', async () => {
  const data = await prepareData(
    settings(
      { name: 'csv', args: { path: 'iris.csv', label: 'species' } },
      { test: resolved({ name: 'csv', args: { path: 'iris-test.csv', label: 'species' } }, 'test') },
    ),
    opts(),
  );
  assert.equal(data.source, "csv('iris.csv')");
  assert.deepEqual(data.train.x, { ...data.train.x, dtype: 'float32', shape: [4, 2] });
  assert.deepEqual(read(data.train.x), [5.1, 3.5, 6.3, 3.3, 5.8, 2.7, 4.9, 3.0].map(Math.fround));
  assert.deepEqual(data.classes, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(read(data.train.y), [0, 2, 1, 0]);
  // The test file has only two of the classes: indices still follow the training classes.
  assert.deepEqual(read(data.test!.y), [2, 0]);
  assert.equal(data.rescale, 1);
  assert.equal(data.isImage, false);
});

test('csv with numeric labels and a regression loss: float32 targets of shape (N, 1)', async () => {
  const data = await prepareData(
    settings({ name: 'csv', args: { path: 'houses.csv', label: 'price' } }),
    opts({ labelEncoding: 'raw' }),
  );
  assert.equal(data.train.y.dtype, 'float32');
  assert.deepEqual(data.train.y.shape, [3, 1]);
  assert.deepEqual(read(data.train.y), [250.5, 180, 320]);
  assert.equal(data.classes, undefined);
});

test('csv with whole-number labels and a classification loss: the distinct values are the classes', async () => {
  const data = await prepareData(
    settings({ name: 'csv', args: { path: 'grades.csv', label: 'grade' } }),
    opts({ labelEncoding: 'index' }),
  );
  assert.deepEqual(data.classes, ['1', '3']);
  assert.deepEqual(read(data.train.y), [1, 0, 1]);
  await assert.rejects(
    prepareData(settings({ name: 'csv', args: { path: 'houses.csv', label: 'price' } }), opts()),
    /has label 250.5, not a whole number, but the loss is a classification loss; for regression use a loss like 'mse'/,
  );
});

test('csv errors name the file: a missing file, a missing column', async () => {
  await assert.rejects(
    prepareData(settings({ name: 'csv', args: { path: 'nope.csv' } }), opts()),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'data-missing');
      assert.match(
        e.message,
        /^nope\.csv does not exist \(looked for .*nope\.csv\); paths are relative to the \.model file$/,
      );
      return true;
    },
  );
  await assert.rejects(
    prepareData(settings({ name: 'csv', args: { path: 'iris.csv', label: 'specie' } }), opts()),
    /did you mean 'species'/,
  );
});

test('images: uint8 N×H×W×C, classes from folder names, rescale 1/255, isImage', async () => {
  for (let i = 0; i < 4; i++)
    writePng(join(root, 'shapes/circle', `${i}.png`), 12, 12, (x, y) =>
      (x - 6) ** 2 + (y - 6) ** 2 < 16 ? [255, 255, 255, 255] : [0, 0, 0, 255],
    );
  for (let i = 0; i < 4; i++)
    writeJpeg(join(root, 'shapes/square', `${i}.jpg`), 16, 16, (x, y) =>
      x > 3 && x < 12 && y > 3 && y < 12 ? [255, 255, 255] : [0, 0, 0],
    );
  const data = await prepareData(
    settings({ name: 'images', args: { directory: 'shapes', size: [8, 8], color_mode: 'grayscale' } }),
    opts({ inputShape: [8, 8, 1] }),
  );
  assert.deepEqual(data.train.x.shape, [8, 8, 8, 1]);
  assert.equal(data.train.x.dtype, 'uint8');
  assert.deepEqual(data.classes, ['circle', 'square']);
  assert.deepEqual(read(data.train.y).sort(), [0, 0, 0, 0, 1, 1, 1, 1]);
  assert.equal(data.rescale, 1 / 255);
  assert.equal(data.isImage, true);
});

test('images: adding an image invalidates the prepared files', async () => {
  const ref: SourceRef = { name: 'images', args: { directory: 'shapes', size: [8, 8], color_mode: 'grayscale' } };
  const before = await prepareData(settings(ref), opts({ inputShape: [64] }));
  writePng(join(root, 'shapes/circle', 'extra.png'), 12, 12, () => [255, 255, 255, 255]);
  const after = await prepareData(settings(ref), opts({ inputShape: [64] }));
  assert.deepEqual(before.train.x.shape, [8, 64]);
  assert.deepEqual(after.train.x.shape, [9, 64]);
  assert.notEqual(before.train.x.path, after.train.x.path);
});

test('npy: uint8 (N, H, W) images gain a channel; one-hot y becomes class indices', async () => {
  writeFileSync(
    join(root, 'x.npy'),
    npyBytes('|u1', [3, 2, 2], new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])),
  );
  const onehot = new Float32Array([0, 1, 1, 0, 0, 1]);
  writeFileSync(join(root, 'y.npy'), npyBytes('<f4', [3, 2], new Uint8Array(onehot.buffer)));
  const data = await prepareData(
    settings({ name: 'npy', args: { x: 'x.npy', y: 'y.npy' } }),
    opts({ inputShape: [2, 2, 1] }),
  );
  assert.deepEqual(data.train.x.shape, [3, 2, 2, 1]);
  assert.deepEqual(read(data.train.x), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual(read(data.train.y), [1, 0, 1]);
  assert.deepEqual(data.classes, ['0', '1']);
  assert.equal(data.isImage, true);
});

test('npy: float64 features and int64 targets for regression', async () => {
  writeFileSync(join(root, 'fx.npy'), npyBytes('<f8', [2, 2], new Uint8Array(new Float64Array([1, 2, 3, 4]).buffer)));
  writeFileSync(join(root, 'fy.npy'), npyBytes('<i8', [2], new Uint8Array(new BigInt64Array([10n, 20n]).buffer)));
  const data = await prepareData(
    settings({ name: 'npy', args: { x: 'fx.npy', y: 'fy.npy' } }),
    opts({ labelEncoding: 'raw' }),
  );
  assert.equal(data.train.x.dtype, 'float32');
  assert.deepEqual(read(data.train.x), [1, 2, 3, 4]);
  assert.deepEqual(data.train.y.shape, [2, 1]);
  assert.deepEqual(read(data.train.y), [10, 20]);
  writeFileSync(join(root, 'short-y.npy'), npyBytes('<i8', [1], new Uint8Array(new BigInt64Array([1n]).buffer)));
  await assert.rejects(
    prepareData(settings({ name: 'npy', args: { x: 'fx.npy', y: 'short-y.npy' } }), opts()),
    /fx\.npy has shape \(2, 2\) and short-y\.npy has \(1\); they need the same number of samples/,
  );
});

test('idx: a pair of gzipped IDX files (Fashion-MNIST test set)', async () => {
  copyFileSync('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz', join(root, 'images.gz'));
  copyFileSync('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz', join(root, 'labels.gz'));
  const data = await prepareData(
    settings({ name: 'idx', args: { images: 'images.gz', labels: 'labels.gz' } }),
    opts({ inputShape: [28, 28, 1] }),
  );
  assert.deepEqual(data.train.x.shape, [10000, 28, 28, 1]);
  assert.deepEqual(data.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(data.isImage, true);
});

test('a separate validation source replaces validation_split; shuffle and augment pass through', async () => {
  const augment = { rotation_range: 10, horizontal_flip: true };
  const data = await prepareData(
    settings(
      { name: 'csv', args: { path: 'iris.csv', label: 'species' } },
      {
        validation: resolved({ name: 'csv', args: { path: 'iris-test.csv', label: 'species' } }, 'validation'),
        shuffle: false,
        augment,
      },
    ),
    opts(),
  );
  assert.deepEqual(data.validation?.x.shape, [2, 2]);
  assert.equal(data.validationSplit, 0);
  assert.equal(data.shuffle, false);
  assert.deepEqual(data.augment, augment);
});

test('an aborted signal stops preparation', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    prepareData(
      settings({ name: 'csv', args: { path: 'houses.csv', label: 'price' } }),
      opts({ labelEncoding: 'raw', signal: controller.signal, cacheDir: join(root, 'other-cache') }),
    ),
    { name: 'AbortError' },
  );
});

describe('labels are checked against the loss and the model output before any engine starts', () => {
  const target = (
    units: number,
    loss = 'sparse_categorical_crossentropy',
    labels: LabelTarget['labels'] = 'integer',
  ): LabelTarget => ({ loss, labels, units, layer: 'Dense' });
  writeFileSync(
    join(root, 'fifteen.csv'),
    ['a,b,y', ...Array.from({ length: 30 }, (_, i) => `${i},${i + 1},${i % 15}`)].join('\n') + '\n',
  );

  test('numeric CSV labels: the row of the first label beyond the outputs, as an editor numbers lines', async () => {
    const ref: SourceRef = { name: 'csv', args: { path: 'fifteen.csv', label: 'y' } };
    await assert.rejects(prepareData(settings(ref), opts({ labelEncoding: 'index', labelTarget: target(10) })), {
      message:
        'Dense(10) with sparse_categorical_crossentropy takes at most 10 different labels (one output per class), but the labels have 15; found 10 at row 12 of fifteen.csv: use Dense(15) or fix the labels',
    });
    // A prepared (cached) split is checked again for another output: the target is part of the cache key.
    const fits = await prepareData(settings(ref), opts({ labelEncoding: 'index', labelTarget: target(15) }));
    assert.equal(fits.classes?.length, 15);
    await assert.rejects(
      prepareData(settings(ref), opts({ labelEncoding: 'index', labelTarget: target(10) })),
      /found 10 at row 12 of fifteen\.csv/,
    );
  });

  test('string classes beyond the outputs name the class and its row', async () => {
    await assert.rejects(
      prepareData(
        settings({ name: 'csv', args: { path: 'iris.csv', label: 'species' } }),
        opts({ labelTarget: target(2, 'categorical_crossentropy', 'one-hot') }),
      ),
      /but the labels have 3; found 'virginica' at row 3 of iris\.csv: use Dense\(3\)/,
    );
  });

  test('a third named class for a binary loss', async () => {
    await assert.rejects(
      prepareData(
        settings({ name: 'csv', args: { path: 'iris.csv', label: 'species' } }),
        opts({ labelEncoding: 'raw', labelTarget: target(1, 'binary_crossentropy', 'binary') }),
      ),
      {
        message:
          "binary_crossentropy takes two classes, but the labels have 3; found 'virginica' (the third) at row 3 of iris.csv: for 3 classes use 'sparse_categorical_crossentropy' with Dense(3, activation='softmax')",
      },
    );
  });

  test('one-hot rows wider than the output', async () => {
    writeFileSync(join(root, 'ox.npy'), npyBytes('<f4', [2, 2], new Uint8Array(new Float32Array([0, 1, 2, 3]).buffer)));
    writeFileSync(
      join(root, 'oy.npy'),
      npyBytes('<f4', [2, 4], new Uint8Array(new Float32Array([1, 0, 0, 0, 0, 0, 0, 1]).buffer)),
    );
    await assert.rejects(
      prepareData(
        settings({ name: 'npy', args: { x: 'ox.npy', y: 'oy.npy' } }, { validationSplit: 0 }),
        opts({ labelTarget: target(3, 'categorical_crossentropy', 'one-hot') }),
      ),
      {
        message:
          "the labels of npy('ox.npy') have 4 values each (one-hot), but Dense(3) outputs 3; use Dense(4) or fix the labels",
      },
    );
  });

  test('a validation_split that leaves no validation samples', async () => {
    // 1 - 1e-17 rounds to 1 in floating point, so Keras's split (floor(n * (1 - split))) keeps every sample for training.
    await assert.rejects(
      prepareData(
        settings({ name: 'csv', args: { path: 'grades.csv', label: 'grade' } }, { validationSplit: 1e-17 }),
        opts({ labelEncoding: 'index' }),
      ),
      /validation_split: 1e-17 of the 3 samples of csv\('grades\.csv'\) leaves none for validation; use a larger validation_split/,
    );
  });
});
