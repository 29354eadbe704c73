// Built-in datasets found where they already are (issue #15): Keras's cache, Debian's package,
// torchvision's layout under MODELSPEC_DATA_DIRS, ModelSpec's cache; each checked against the
// published sums, the copy used named; offline, a message that lists files, places and the fix.
// Uses the real Fashion-MNIST of Debian's dataset-fashion-mnist (installed here and in CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { prepareData } from '../../../training/data/prepare';
import type { DataSettings } from '../../../training/data/types';
import { probeSource } from '../../../language/data/probe';
import { resolved, withEnv } from './helpers';

const DEBIAN = '/usr/share/datasets';
const FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
];
const DEAD_MIRROR = 'http://127.0.0.1:9/'; // nothing listens: any download fails at once
const temp = (what: string) => mkdtempSync(join(tmpdir(), `modelspec-${what}-`));

/** An environment where nothing is found unless the test puts it there. */
function isolated(overrides: Record<string, string | undefined> = {}) {
  return {
    KERAS_HOME: temp('keras-home'),
    MODELSPEC_DEBIAN_DATASETS: temp('no-debian'),
    MODELSPEC_DATA_DIRS: undefined,
    MODELSPEC_DATASET_MIRROR: DEAD_MIRROR,
    ...overrides,
  };
}

const testSplit: DataSettings = {
  train: resolved({ name: 'fashion_mnist', args: { split: 'test' } }),
  validationSplit: 0,
  shuffle: false,
};

async function prepareFashion(cacheDir = temp('cache')) {
  const messages: string[] = [];
  const data = await prepareData(testSplit, {
    baseDir: tmpdir(),
    cacheDir,
    inputShape: [28, 28, 1],
    labelEncoding: 'index',
    onProgress: (m) => messages.push(m),
  });
  return { data, messages };
}

function checkFashionTest(data: Awaited<ReturnType<typeof prepareFashion>>['data']) {
  assert.deepEqual(data.train.x.shape, [10000, 28, 28, 1]);
  assert.equal(data.classes?.[9], 'Ankle boot');
  const labels = new Int32Array(new Uint8Array(readFileSync(data.train.y.path)).buffer);
  assert.equal(labels.filter((l) => l === 3).length, 1000);
}

test("fashion_mnist: Debian's dataset-fashion-mnist is used in place, offline, its re-gzipped files verified by their contents", async () => {
  await withEnv(isolated({ MODELSPEC_DEBIAN_DATASETS: DEBIAN }), async () => {
    const { data, messages } = await prepareFashion();
    checkFashionTest(data);
    assert.ok(
      messages.includes(
        `fashion_mnist: ${DEBIAN}/fashion-mnist (Debian package), contents verified against the published SHA-256`,
      ),
      messages.join('\n'),
    );
    assert.equal(messages.filter((m) => m.startsWith('fashion_mnist: ')).length, 1, 'the copy is named once');
  });
});

test("fashion_mnist: Keras's cache ($KERAS_HOME/datasets/fashion-mnist) comes before Debian's copy", async () => {
  const kerasHome = temp('keras-home');
  const dir = join(kerasHome, 'datasets', 'fashion-mnist');
  mkdirSync(dir, { recursive: true });
  for (const f of FILES) copyFileSync(join(DEBIAN, 'fashion-mnist', f), join(dir, f));
  await withEnv(isolated({ KERAS_HOME: kerasHome, MODELSPEC_DEBIAN_DATASETS: DEBIAN }), async () => {
    const { data, messages } = await prepareFashion();
    checkFashionTest(data);
    assert.ok(
      messages.some((m) => m.startsWith(`fashion_mnist: ${dir} (Keras's cache)`)),
      messages.join('\n'),
    );
    const probed = probeSource({ name: 'fashion_mnist', args: {} }, tmpdir());
    assert.ok(probed.ok && probed.description.endsWith(`found in ${dir} (Keras's cache)`), JSON.stringify(probed));
  });
});

test("fashion_mnist: torchvision's unpacked FashionMNIST/raw under MODELSPEC_DATA_DIRS is found and verified", async () => {
  const root = temp('torchvision');
  const raw = join(root, 'FashionMNIST', 'raw');
  mkdirSync(raw, { recursive: true });
  for (const f of FILES)
    writeFileSync(join(raw, f.replace(/\.gz$/, '')), gunzipSync(readFileSync(join(DEBIAN, 'fashion-mnist', f))));
  await withEnv(isolated({ MODELSPEC_DATA_DIRS: root }), async () => {
    const { data, messages } = await prepareFashion();
    checkFashionTest(data);
    assert.ok(
      messages.some(
        (m) => m === `fashion_mnist: ${raw} (MODELSPEC_DATA_DIRS), contents verified against the published SHA-256`,
      ),
      messages.join('\n'),
    );
  });
});

test('fashion_mnist offline: a damaged copy is skipped (not deleted); the message lists the files, every place looked and where to put them', async () => {
  const debian = temp('debian');
  const dir = join(debian, 'fashion-mnist');
  mkdirSync(dir, { recursive: true });
  for (const f of FILES) copyFileSync(join(DEBIAN, 'fashion-mnist', f), join(dir, f));
  const labels = gunzipSync(readFileSync(join(dir, 't10k-labels-idx1-ubyte.gz')));
  labels[100] = (labels[100] + 1) % 10; // one wrong label: the header still reads fine
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(labels));
  const root = temp('data-dir');
  const env = isolated({ MODELSPEC_DEBIAN_DATASETS: debian, MODELSPEC_DATA_DIRS: root });
  const cacheDir = temp('cache');
  await withEnv(env, async () => {
    await assert.rejects(prepareFashion(cacheDir), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'data-missing');
      assert.match(
        e.message,
        /^fashion_mnist is not on this machine and could not be downloaded: Could not download train-images-idx3-ubyte\.gz \(http:\/\/127\.0\.0\.1:9\//,
      );
      assert.ok(e.message.includes(`Looked for ${FILES.join(', ')} in:`), e.message);
      for (const place of [
        `${join(root, 'FashionMNIST', 'raw')} (MODELSPEC_DATA_DIRS)`,
        `${join(env.KERAS_HOME, 'datasets', 'fashion-mnist')} (Keras's cache)`,
        `${dir} (Debian package)`,
        `${join(cacheDir, 'fashion_mnist')} (ModelSpec's cache)`,
      ]) {
        assert.ok(e.message.includes(`\n  ${place}`), `${place} in:\n${e.message}`);
      }
      assert.ok(
        e.message.includes(
          `skipped ${dir} (Debian package): ${join(dir, 't10k-labels-idx1-ubyte.gz')} does not match the published SHA-256`,
        ),
        e.message,
      );
      assert.ok(
        e.message.endsWith(
          `Put the files into ${join(env.KERAS_HOME, 'datasets', 'fashion-mnist')} (where keras.datasets.fashion_mnist.load_data() keeps them), or name a folder holding FashionMNIST/raw/… in MODELSPEC_DATA_DIRS, and run again.`,
        ),
        e.message,
      );
      return true;
    });
    assert.ok(existsSync(join(dir, 't10k-labels-idx1-ubyte.gz')), "the user's file is left alone");
  });
});

test("fashion_mnist download: lands in Keras's cache layout, verified, so Keras finds it too", async () => {
  const server = createServer((req, res) => {
    const name = (req.url ?? '').split('/').pop() ?? '';
    const path = join(DEBIAN, 'fashion-mnist', name);
    if (!FILES.includes(name)) return void res.writeHead(404).end();
    const body = readFileSync(path);
    res.writeHead(200, { 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const env = isolated({ MODELSPEC_DATASET_MIRROR: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` });
    await withEnv(env, async () => {
      const { data, messages } = await prepareFashion();
      checkFashionTest(data);
      const dir = join(env.KERAS_HOME, 'datasets', 'fashion-mnist');
      for (const f of FILES) assert.ok(existsSync(join(dir, f)), `${f} in Keras's cache`);
      assert.ok(
        messages.includes(`fashion_mnist: downloaded into ${dir} (Keras's cache), SHA-256 verified`),
        messages.join('\n'),
      );
      // The next run finds the downloaded copy without the network.
      const again = await withEnv({ MODELSPEC_DATASET_MIRROR: DEAD_MIRROR }, () => prepareFashion());
      assert.ok(
        again.messages.some((m) => m.startsWith(`fashion_mnist: ${dir} (Keras's cache)`)),
        again.messages.join('\n'),
      );
    });
  } finally {
    server.close();
  }
});

test("mnist: IDX files re-gzipped into ModelSpec's cache (no published sums of their contents) are used, and said not to be checksum-verified", async () => {
  const cacheDir = temp('cache');
  mkdirSync(join(cacheDir, 'mnist'));
  for (const f of FILES) copyFileSync(join(DEBIAN, 'fashion-mnist', f), join(cacheDir, 'mnist', f)); // stand-ins with MNIST's file names
  await withEnv(isolated(), async () => {
    const messages: string[] = [];
    const data = await prepareData(
      { train: resolved({ name: 'mnist', args: { split: 'test' } }), validationSplit: 0, shuffle: false },
      { baseDir: tmpdir(), cacheDir, inputShape: [784], labelEncoding: 'index', onProgress: (m) => messages.push(m) },
    );
    assert.deepEqual(data.train.x.shape, [10000, 784]);
    assert.ok(
      messages.includes(
        `mnist: ${join(cacheDir, 'mnist')} (ModelSpec's cache), not checksum-verified (re-packed or unpacked files have no published sum); headers checked`,
      ),
      messages.join('\n'),
    );
  });
});
