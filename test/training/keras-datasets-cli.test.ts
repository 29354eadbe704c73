// `modelspec train` as a process on Keras's built-in datasets where users already have them
// (issue #15), offline (the mirror is a dead port): Fashion-MNIST from Debian's
// dataset-fashion-mnist (the real files), CIFAR-10 and IMDB from a fake Keras home holding tiny
// files in the exact published formats (written by python/keras_datasets.py).

import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const SCRIPT = join(process.cwd(), 'test', 'training', 'data', 'python', 'keras_datasets.py');
const temp = (what: string) => mkdtempSync(join(tmpdir(), `modelspec-${what}-`));

before(() => ensureBuilt());

function train(model: string, env: Record<string, string>) {
  const dir = temp('model');
  writeFileSync(join(dir, 'm.model'), model);
  const r = spawnSync(process.execPath, [CLI, 'train', 'm.model', '--backend', 'tfjs', '--out', join(dir, 'runs')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      NO_COLOR: '1',
      MODELSPEC_CACHE: temp('cache'),
      MODELSPEC_DATASET_MIRROR: 'http://127.0.0.1:9/',
      MODELSPEC_DATA_DIRS: '',
      MODELSPEC_DEBIAN_DATASETS: temp('no-debian'),
      KERAS_HOME: temp('keras-home'),
      ...env,
    },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

const model = (
  input: string,
  layers: string,
  train: string,
  test: string,
  loss = 'sparse_categorical_crossentropy',
) => `
model m {
    Input(shape=${input})
${layers}
}
compile {
    loss: '${loss}'
    optimizer: 'adam'
    metrics: ['accuracy']
}
data {
    train: ${train}
    test: ${test}
}
fit {
    epochs: 1
    batch_size: 256
}
`;

test("fashion_mnist trains offline from Debian's dataset-fashion-mnist, and says which copy it used", () => {
  const r = train(
    model(
      '(28, 28, 1)',
      "    Flatten()\n    Dense(10, activation='softmax')",
      'fashion_mnist',
      "fashion_mnist(split='test')",
    ),
    {
      MODELSPEC_DEBIAN_DATASETS: '/usr/share/datasets',
    },
  );
  assert.equal(r.code, 0, r.out);
  assert.match(
    r.out,
    /fashion_mnist: \/usr\/share\/datasets\/fashion-mnist \(Debian package\), contents verified against the published SHA-256/,
  );
  assert.match(r.out, /60000 training samples, 0 validation, 10000 test/);
  assert.match(r.out, /Test: loss [\d.]+ accuracy 0\.[5-9]/, 'one epoch of a linear model gets past 50%');
});

test('cifar10 and imdb train offline from a fake Keras home', () => {
  const work = temp('keras-files');
  execFileSync('/usr/bin/python3', [SCRIPT, 'cifar', work]);
  execFileSync('/usr/bin/python3', [SCRIPT, 'imdb', work, '[]']);
  const home = temp('keras-home');
  mkdirSync(join(home, 'datasets', 'cifar-10-batches-py-target'), { recursive: true });
  renameSync(
    join(work, 'cifar-10-batches-py'),
    join(home, 'datasets', 'cifar-10-batches-py-target', 'cifar-10-batches-py'),
  );
  renameSync(join(work, 'imdb.npz'), join(home, 'datasets', 'imdb.npz'));

  const cifar = train(
    model(
      '(32, 32, 3)',
      "    Conv2D(4, 3, activation='relu')\n    Flatten()\n    Dense(10, activation='softmax')",
      'cifar10',
      "cifar10(split='test')",
    ),
    { KERAS_HOME: home },
  );
  assert.equal(cifar.code, 0, cifar.out);
  assert.ok(
    cifar.out.includes(
      `cifar10: ${join(home, 'datasets', 'cifar-10-batches-py-target', 'cifar-10-batches-py')} (Keras's cache)`,
    ),
    cifar.out,
  );
  assert.match(cifar.out, /12 training samples, 0 validation, 5 test/);

  const npz = join(home, 'datasets', 'imdb.npz');
  const imdb = train(
    model(
      '(30,)',
      "    Embedding(100, 8)\n    LSTM(4)\n    Dense(1, activation='sigmoid')",
      'imdb(sequence_length=30)',
      "imdb(sequence_length=30, split='test')",
      'binary_crossentropy',
    ),
    {
      KERAS_HOME: home,
      MODELSPEC_DATASET_SHA256: `imdb.npz=${createHash('sha256').update(readFileSync(npz)).digest('hex')}`,
    },
  );
  assert.equal(imdb.code, 0, imdb.out);
  assert.ok(imdb.out.includes(`imdb: ${join(home, 'datasets')} (Keras's cache), SHA-256 verified`), imdb.out);
  assert.match(imdb.out, /30 training samples, 0 validation, 20 test/);
});
