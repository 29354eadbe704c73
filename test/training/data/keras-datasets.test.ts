// cifar10 and imdb as Keras's load_data() gives them (issue #15). The files are written by
// Debian's /usr/bin/python3 with numpy and pickle in the exact published formats (CIFAR's
// Python 2 pickled batches, IMDB's .npz of object arrays), and the expected arrays come from
// Keras's own loading code run on them (python/keras_datasets.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareData } from '../../../training/data/prepare';
import { readPickle } from '../../../training/data/pickle';
import type { SourceRef } from '../../../training/data/types';
import { probeSource } from '../../../language/data/probe';
import { resolved, withEnv } from './helpers';
import { pythonWorker } from '../../helpers/python-worker';

const SCRIPT = join(import.meta.dirname, 'python', 'keras_datasets.py');
const temp = (what: string) => mkdtempSync(join(tmpdir(), `modelspec-${what}-`));
/**
 * Runs python/keras_datasets.py with these arguments (numpy imported once for the test process:
 * test/helpers/python-worker.ts); resolves with its stdout, rejects with its traceback.
 */
async function python(...args: string[]): Promise<string> {
  const worker = pythonWorker({ preload: ['numpy'] });
  const r = await worker.runScript(SCRIPT, args);
  if (r.status !== 0)
    throw new Error(`keras_datasets.py ${args.join(' ')} failed (${r.signal ?? r.status}):\n${r.stderr}`);
  return r.stdout;
}
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const isolated = (kerasHome: string, extra: Record<string, string | undefined> = {}) => ({
  KERAS_HOME: kerasHome,
  MODELSPEC_DEBIAN_DATASETS: temp('no-debian'),
  MODELSPEC_DATA_DIRS: undefined,
  MODELSPEC_DATASET_MIRROR: 'http://127.0.0.1:9/',
  MODELSPEC_DATASET_SHA256: undefined,
  ...extra,
});

async function prepare(train: SourceRef, test: SourceRef | undefined, inputShape: number[], cacheDir = temp('cache')) {
  const messages: string[] = [];
  const data = await prepareData(
    { train: resolved(train), test: test && resolved(test, 'test'), validationSplit: 0, shuffle: false },
    { baseDir: tmpdir(), cacheDir, inputShape, labelEncoding: 'index', onProgress: (m) => messages.push(m) },
  );
  return { data, messages };
}

const int32s = (path: string) => Array.from(new Int32Array(new Uint8Array(readFileSync(path)).buffer));

/** A fake Keras home whose CIFAR-10 is where Keras 3 extracts it; returns it and Keras's arrays. */
async function kerasHomeWithCifar() {
  const work = temp('cifar-src');
  await python('cifar', work);
  const home = temp('keras-home');
  const target = join(home, 'datasets', 'cifar-10-batches-py-target');
  mkdirSync(target, { recursive: true });
  renameSync(join(work, 'cifar-10-batches-py'), join(target, 'cifar-10-batches-py'));
  return { home, work, expected: JSON.parse(readFileSync(join(work, 'expected.json'), 'utf8')) };
}

function checkCifar(
  data: Awaited<ReturnType<typeof prepare>>['data'],
  work: string,
  expected: { y_train: number[]; y_test: number[]; x_train_shape: number[] },
) {
  assert.deepEqual(data.train.x.shape, expected.x_train_shape, '(N, 32, 32, 3) like load_data()');
  assert.equal(data.train.x.dtype, 'uint8');
  assert.deepEqual(
    readFileSync(data.train.x.path),
    readFileSync(join(work, 'x_train.u8')),
    'the same pixels in the same (channels-last) order',
  );
  assert.deepEqual(readFileSync(data.test!.x.path), readFileSync(join(work, 'x_test.u8')));
  assert.deepEqual(int32s(data.train.y.path), expected.y_train);
  assert.deepEqual(int32s(data.test!.y.path), expected.y_test);
  assert.deepEqual(data.classes, [
    'airplane',
    'automobile',
    'bird',
    'cat',
    'deer',
    'dog',
    'frog',
    'horse',
    'ship',
    'truck',
  ]);
  assert.equal(data.isImage, true);
}

test("cifar10: read from Keras 3's cache layout exactly as keras.datasets.cifar10.load_data() returns it, offline", async () => {
  const { home, work, expected } = await kerasHomeWithCifar();
  await withEnv(isolated(home), async () => {
    const { data, messages } = await prepare(
      { name: 'cifar10', args: {} },
      { name: 'cifar10', args: { split: 'test' } },
      [32, 32, 3],
    );
    checkCifar(data, work, expected);
    const dir = join(home, 'datasets', 'cifar-10-batches-py-target', 'cifar-10-batches-py');
    assert.ok(
      messages.includes(`cifar10: ${dir} (Keras's cache), structure checked (no per-file sums are published)`),
      messages.join('\n'),
    );
    const probed = probeSource({ name: 'cifar10', args: {} }, tmpdir());
    assert.ok(probed.ok, JSON.stringify(probed));
    assert.deepEqual(probed.sampleShape, [32, 32, 3]);
    assert.match(
      probed.description,
      /50,000 train images, 32×32 colour, 10 classes; found in .*cifar-10-batches-py \(Keras's cache\)$/,
    );
  });
});

test('cifar10 offline with nothing on the machine: the message lists the files, the places and where Keras keeps them', async () => {
  const home = temp('keras-home');
  await withEnv(isolated(home), async () => {
    await assert.rejects(prepare({ name: 'cifar10', args: {} }, undefined, [32, 32, 3]), (e: Error) => {
      assert.match(
        e.message,
        /^cifar10 is not on this machine and could not be downloaded: Could not download cifar-10-batches-py-target_archive \(http:\/\/127\.0\.0\.1:9\/cifar-10-python\.tar\.gz: /,
      );
      assert.ok(
        e.message.includes(
          'Looked for data_batch_1, data_batch_2, data_batch_3, data_batch_4, data_batch_5, test_batch in:',
        ),
        e.message,
      );
      const keras3 = join(home, 'datasets', 'cifar-10-batches-py-target', 'cifar-10-batches-py');
      assert.ok(e.message.includes(`\n  ${keras3} (Keras's cache)`), e.message);
      assert.ok(e.message.includes(`\n  ${join(home, 'datasets', 'cifar-10-batches-py')} (Keras's cache)`), e.message);
      assert.ok(
        e.message.includes(`Put the files into ${keras3} (where keras.datasets.cifar10.load_data() keeps them)`),
        e.message,
      );
      return true;
    });
  });
});

test("cifar10 download: the archive from a local server, verified, kept and extracted in Keras's layout", async () => {
  const work = temp('cifar-src');
  await python('cifar', work);
  const archive = join(work, 'cifar-10-python.tar.gz');
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url !== '/cifar-10-python.tar.gz') return void res.writeHead(404).end();
    const body = readFileSync(archive);
    res.writeHead(200, { 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const home = temp('keras-home');
  try {
    const env = isolated(home, {
      MODELSPEC_DATASET_MIRROR: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      MODELSPEC_DATASET_SHA256: `cifar-10-batches-py-target_archive=${sha256(archive)}`,
    });
    await withEnv(env, async () => {
      const { data } = await prepare(
        { name: 'cifar10', args: {} },
        { name: 'cifar10', args: { split: 'test' } },
        [32, 32, 3],
      );
      checkCifar(data, work, JSON.parse(readFileSync(join(work, 'expected.json'), 'utf8')));
    });
    assert.deepEqual(requests, ['/cifar-10-python.tar.gz']);
    assert.ok(existsSync(join(home, 'datasets', 'cifar-10-batches-py-target_archive')));
    assert.ok(existsSync(join(home, 'datasets', 'cifar-10-batches-py-target', 'cifar-10-batches-py', 'test_batch')));
    // Keras's published hash is enforced when not overridden: the same archive is refused.
    const mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await withEnv(isolated(temp('keras-home'), { MODELSPEC_DATASET_MIRROR: mirror }), async () => {
      await assert.rejects(
        prepare({ name: 'cifar10', args: {} }, undefined, [32, 32, 3]),
        /expected 6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce/,
      );
    });
  } finally {
    server.close();
  }
});

const IMDB_CASES: ({ length: number } & Record<string, number | null>)[] = [
  { length: 20 },
  { length: 12, num_words: 15, skip_top: 4 },
  { length: 30, maxlen: 14 },
  { length: 10, oov_char: null, num_words: 20, start_char: null, index_from: 0, seed: 7 },
];

test("imdb: load_data()'s shuffle (numpy's RandomState(113)), start/oov/index_from, maxlen and num_words, then pad_sequences", async () => {
  const work = temp('imdb-src');
  await python('imdb', work, JSON.stringify(IMDB_CASES));
  const expected = JSON.parse(readFileSync(join(work, 'expected.json'), 'utf8')) as {
    raw_train: number[][];
    train: number[][];
    y_train: number[];
    test: number[][];
    y_test: number[];
  }[];
  const home = temp('keras-home');
  mkdirSync(join(home, 'datasets'), { recursive: true });
  writeFileSync(join(home, 'datasets', 'imdb.npz'), readFileSync(join(work, 'imdb.npz')));
  // The published sum is Keras's; this small copy is vouched for explicitly.
  await withEnv(
    isolated(home, { MODELSPEC_DATASET_SHA256: `imdb.npz=${sha256(join(work, 'imdb.npz'))}` }),
    async () => {
      for (const [i, c] of IMDB_CASES.entries()) {
        const { length, ...keras } = c;
        const args: Record<string, number | null> = { ...keras, sequence_length: length };
        const { data, messages } = await prepare(
          { name: 'imdb', args },
          { name: 'imdb', args: { ...args, split: 'test' } },
          [length],
        );
        const want = expected[i];
        assert.deepEqual(data.train.x.shape, [want.train.length, length], JSON.stringify(c));
        const rows = (path: string) => {
          const x = Array.from(new Float32Array(new Uint8Array(readFileSync(path)).buffer));
          return Array.from({ length: x.length / length }, (_, r) => x.slice(r * length, (r + 1) * length));
        };
        assert.deepEqual(rows(data.train.x.path), want.train, JSON.stringify(c));
        assert.deepEqual(rows(data.test!.x.path), want.test, JSON.stringify(c));
        assert.deepEqual(int32s(data.train.y.path), want.y_train, `${int32s(data.train.y.path)} vs ${want.y_train}`);
        assert.deepEqual(int32s(data.test!.y.path), want.y_test);
        assert.deepEqual(data.classes, ['negative', 'positive']);
        if (i === 0) {
          // Keras's conventions, seen in the raw sequences: start_char 1 first, words from index_from + 1 on,
          // and oov_char 2 for the most frequent index itself (num_words=None means the largest index, exclusive).
          assert.ok(want.raw_train.every((s) => s[0] === 1 && s.slice(1).every((w) => w >= 4 || w === 2)));
          assert.ok(want.raw_train.some((s) => s.slice(1).includes(2)));
          assert.ok(
            messages.some((m) => m === `imdb: ${join(home, 'datasets')} (Keras's cache), SHA-256 verified`),
            messages.join('\n'),
          );
        }
      }
    },
  );
});

test("imdb: a copy that does not match Keras's published SHA-256 is not used; without a length the checker says what to write", async () => {
  const work = temp('imdb-src');
  await python('imdb', work, '[]');
  const home = temp('keras-home');
  mkdirSync(join(home, 'datasets'), { recursive: true });
  writeFileSync(join(home, 'datasets', 'imdb.npz'), readFileSync(join(work, 'imdb.npz')));
  await withEnv(isolated(home), async () => {
    await assert.rejects(prepare({ name: 'imdb', args: { maxlen: 20 } }, undefined, [20]), (e: Error) => {
      assert.ok(
        e.message.includes(
          `skipped ${join(home, 'datasets')} (Keras's cache): ${join(home, 'datasets', 'imdb.npz')} does not match the published SHA-256`,
        ),
        e.message,
      );
      return true;
    });
  });
  const probed = probeSource({ name: 'imdb', args: {} }, tmpdir());
  assert.ok(
    !probed.ok && probed.argName === 'sequence_length' && /imdb\(maxlen=200\)/.test(probed.message),
    JSON.stringify(probed),
  );
  const ok = probeSource({ name: 'imdb', args: { maxlen: 80 } }, tmpdir());
  assert.ok(ok.ok && ok.sampleShape[0] === 80 && ok.classes?.join() === 'negative,positive', JSON.stringify(ok));
});

test("the pickle reader refuses any global but numpy's array constructors, as Keras does", () => {
  const evil = execFileSync('/usr/bin/python3', [
    '-c',
    "import pickle, os, sys; sys.stdout.buffer.write(pickle.dumps({'data': os.system}, protocol=4))",
  ]);
  assert.throws(() => readPickle(evil), /refusing posix\.system/);
});

test("mnist: Keras's mnist.npz (savez_compressed) in Keras's cache is read as load_data() gives it; offline, the message names it", async () => {
  const work = temp('mnist-src');
  await python('mnist', work);
  const home = temp('keras-home');
  mkdirSync(join(home, 'datasets'), { recursive: true });
  writeFileSync(join(home, 'datasets', 'mnist.npz'), readFileSync(join(work, 'mnist.npz')));
  const expected = JSON.parse(readFileSync(join(work, 'expected.json'), 'utf8')) as {
    y_train: number[];
    y_test: number[];
  };
  await withEnv(
    isolated(home, { MODELSPEC_DATASET_SHA256: `mnist.npz=${sha256(join(work, 'mnist.npz'))}` }),
    async () => {
      const { data, messages } = await prepare(
        { name: 'mnist', args: {} },
        { name: 'mnist', args: { split: 'test' } },
        [28, 28, 1],
      );
      assert.deepEqual(data.train.x.shape, [7, 28, 28, 1]);
      assert.deepEqual(readFileSync(data.train.x.path), readFileSync(join(work, 'x_train.u8')));
      assert.deepEqual(int32s(data.train.y.path), expected.y_train);
      assert.deepEqual(int32s(data.test!.y.path), expected.y_test);
      assert.ok(
        messages.includes(`mnist: ${join(home, 'datasets')} (Keras's cache), SHA-256 verified`),
        messages.join('\n'),
      );
    },
  );
  // Without the vouching, this small file is not Keras's published mnist.npz: not used, and the message says what to do.
  await withEnv(isolated(home), async () => {
    await assert.rejects(prepare({ name: 'mnist', args: {} }, undefined, [28, 28, 1]), (e: Error) => {
      assert.ok(e.message.includes(`\n  ${join(home, 'datasets')} (Keras's cache): mnist.npz`), e.message);
      assert.ok(
        e.message.includes(
          `skipped ${join(home, 'datasets')} (Keras's cache): ${join(home, 'datasets', 'mnist.npz')} does not match the published SHA-256`,
        ),
        e.message,
      );
      assert.ok(
        e.message.includes(
          `Put mnist.npz into ${join(home, 'datasets')} (where keras.datasets.mnist.load_data() keeps it)`,
        ),
        e.message,
      );
      return true;
    });
  });
});

test("cifar100: label_mode='fine' and 'coarse' as keras.datasets.cifar100.load_data() gives them, from torchvision's folder under MODELSPEC_DATA_DIRS", async () => {
  const work = temp('cifar100-src');
  await python('cifar100', work);
  const expected = JSON.parse(readFileSync(join(work, 'expected.json'), 'utf8')) as Record<string, number[]>;
  await withEnv(isolated(temp('keras-home'), { MODELSPEC_DATA_DIRS: work }), async () => {
    for (const mode of ['fine', 'coarse']) {
      const { data, messages } = await prepare(
        { name: 'cifar100', args: { label_mode: mode } },
        { name: 'cifar100', args: { label_mode: mode, split: 'test' } },
        [32, 32, 3],
      );
      assert.deepEqual(data.train.x.shape, [6, 32, 32, 3]);
      assert.deepEqual(readFileSync(data.train.x.path), readFileSync(join(work, 'x_train.u8')));
      assert.deepEqual(readFileSync(data.test!.x.path), readFileSync(join(work, 'x_test.u8')));
      assert.deepEqual(int32s(data.train.y.path), expected[`${mode}_train`]);
      assert.deepEqual(int32s(data.test!.y.path), expected[`${mode}_test`]);
      assert.equal(data.classes?.length, mode === 'fine' ? 100 : 20);
      assert.equal(data.classes?.[mode === 'fine' ? 99 : 19], mode === 'fine' ? 'worm' : 'vehicles_2');
      assert.ok(
        messages.includes(
          `cifar100: ${join(work, 'cifar-100-python')} (MODELSPEC_DATA_DIRS), structure checked (no per-file sums are published)`,
        ),
        messages.join('\n'),
      );
    }
    const coarse = probeSource({ name: 'cifar100', args: { label_mode: 'coarse' } }, tmpdir());
    assert.ok(
      coarse.ok &&
        coarse.classCount === 20 &&
        coarse.description.includes(`found in ${join(work, 'cifar-100-python')} (MODELSPEC_DATA_DIRS)`),
      JSON.stringify(coarse),
    );
  });
});

const floats = (path: string) => Array.from(new Float32Array(new Uint8Array(readFileSync(path)).buffer));

test('reuters: one shuffle of all newswires (seed 113), the last test_split for test, word indices as load_data() gives them', async () => {
  const cases: ({ length: number } & Record<string, number>)[] = [
    { length: 12 },
    { length: 8, num_words: 12, skip_top: 3, maxlen: 10, test_split: 0.3, seed: 4 },
  ];
  const work = temp('reuters-src');
  await python('reuters', work, JSON.stringify(cases));
  const expected = JSON.parse(readFileSync(join(work, 'expected.json'), 'utf8')) as {
    train: number[][];
    y_train: number[];
    test: number[][];
    y_test: number[];
  }[];
  await withEnv(
    isolated(temp('keras-home'), {
      MODELSPEC_DATA_DIRS: work,
      MODELSPEC_DATASET_SHA256: `reuters.npz=${sha256(join(work, 'reuters.npz'))}`,
    }),
    async () => {
      for (const [i, { length, ...keras }] of cases.entries()) {
        const args = { ...keras, sequence_length: length };
        const { data } = await prepare(
          { name: 'reuters', args },
          { name: 'reuters', args: { ...args, split: 'test' } },
          [length],
        );
        const rows = (path: string) => {
          const x = floats(path);
          return Array.from({ length: x.length / length }, (_, r) => x.slice(r * length, (r + 1) * length));
        };
        assert.deepEqual(rows(data.train.x.path), expected[i].train, JSON.stringify(keras));
        assert.deepEqual(rows(data.test!.x.path), expected[i].test, JSON.stringify(keras));
        assert.deepEqual(int32s(data.train.y.path), expected[i].y_train);
        assert.deepEqual(int32s(data.test!.y.path), expected[i].y_test);
        assert.equal(data.classes?.length, 46);
      }
    },
  );
});

test("boston_housing and california_housing (version='small'): the same rows, split and targets as load_data()", async () => {
  const work = temp('housing-src');
  await python('housing', work);
  const expected = JSON.parse(readFileSync(join(work, 'expected.json'), 'utf8')) as Record<
    string,
    Record<'x_train' | 'y_train' | 'x_test' | 'y_test', number[]>
  >;
  const sums = ['boston_housing', 'california_housing']
    .map((n) => `${n}.npz=${sha256(join(work, `${n}.npz`))}`)
    .join(',');
  await withEnv(
    isolated(temp('keras-home'), { MODELSPEC_DATA_DIRS: work, MODELSPEC_DATASET_SHA256: sums }),
    async () => {
      for (const [name, features] of [
        ['boston_housing', 13],
        ['california_housing', 8],
      ] as const) {
        for (const version of ['large', 'small'] as const) {
          const args: Record<string, number | string> =
            version === 'large'
              ? {}
              : { test_split: 0.3, seed: 5, ...(name === 'california_housing' && { version: 'small' }) };
          const messages: string[] = [];
          const data = await prepareData(
            {
              train: resolved({ name, args }),
              test: resolved({ name, args: { ...args, split: 'test' } }, 'test'),
              validationSplit: 0,
              shuffle: false,
            },
            {
              baseDir: tmpdir(),
              cacheDir: temp('cache'),
              inputShape: [features],
              labelEncoding: 'raw',
              onProgress: (m) => messages.push(m),
            },
          );
          const want = expected[`${name}_${version}`];
          assert.deepEqual(data.train.x.shape, [want.y_train.length, features]);
          assert.deepEqual(floats(data.train.x.path), want.x_train, `${name} ${version}`);
          assert.deepEqual(floats(data.train.y.path), want.y_train);
          assert.deepEqual(floats(data.test!.x.path), want.x_test);
          assert.deepEqual(floats(data.test!.y.path), want.y_test);
          assert.equal(data.rescale, 1);
          const probed = probeSource({ name, args }, tmpdir());
          assert.ok(
            probed.ok &&
              probed.sampleShape[0] === features &&
              probed.classes === undefined &&
              probed.description.includes('a regression target'),
            JSON.stringify(probed),
          );
        }
      }
    },
  );
});

test('damaged files never crash the readers: every single-byte change and every cut of a CIFAR pickle and an IMDB .npz is a clear error or a value', async () => {
  const work = temp('fuzz-src');
  await python('cifar', work);
  await python('imdb', work, '[]');
  const { readCifarBatch } = await import('../../../training/data/cifar');
  const { readNpz } = await import('../../../training/data/npz');
  const cases: [string, (path: string) => Promise<unknown>][] = [
    [join(work, 'cifar-10-batches-py', 'data_batch_4'), (p) => readCifarBatch(p, 10)],
    [join(work, 'imdb.npz'), (p) => readNpz(p)],
  ];
  for (const [source, read] of cases) {
    const original = readFileSync(source);
    const target = join(work, 'damaged');
    const positions = [
      ...Array.from({ length: 160 }, (_, i) => i),
      ...Array.from({ length: 100 }, (_, i) => original.length - 1 - i),
    ];
    for (const at of positions) {
      for (const variant of [Buffer.from(original).fill(original[at] ^ 0xff, at, at + 1), original.subarray(0, at)]) {
        writeFileSync(target, variant);
        try {
          await read(target);
        } catch (e) {
          assert.equal((e as Error).name, 'DataError', `${source} changed at byte ${at}: ${(e as Error).stack}`);
        }
      }
    }
  }
});
