// Downloads against a local HTTP server serving real gzipped IDX files (Fashion-MNIST from Debian).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFiles, type RemoteFile } from '../../../training/data/download';
import { REMOTE_DATASETS, mirrorsFor, remoteFiles } from '../../../training/data/remote-datasets';

const FASHION = '/usr/share/datasets/fashion-mnist';
const bytesOf = (name: string) => readFileSync(join(FASHION, name));
const fileOf = (name: string): RemoteFile => ({
  name,
  sha256: createHash('sha256').update(bytesOf(name)).digest('hex'),
});
const LABELS = fileOf('t10k-labels-idx1-ubyte.gz');
const TRAIN_LABELS = fileOf('train-labels-idx1-ubyte.gz');
const IMAGES = fileOf('t10k-images-idx3-ubyte.gz');

interface Logged {
  path: string;
  range?: string;
}
type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A server whose behaviour per request is set by the test; it logs each request. */
async function serve(handler: Handler = sendRange) {
  const log: Logged[] = [];
  const server = createServer((req, res) => {
    log.push({ path: req.url ?? '', range: req.headers.range });
    const name = (req.url ?? '').split('/').pop() ?? '';
    if (!existsSync(join(FASHION, name))) {
      res.writeHead(404).end();
      return;
    }
    handler(req, res, bytesOf(name));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data/`;
  after(() => server.close());
  return { url, log };
}

/** Serves the body, honouring `Range: bytes=N-`. */
function sendRange(req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const from = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
  if (from > 0) {
    res.writeHead(206, {
      'Content-Length': body.length - from,
      'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}`,
    });
    res.end(body.subarray(from));
  } else {
    res.writeHead(200, { 'Content-Length': body.length });
    res.end(body);
  }
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'modelspec-dl-'));

test('downloads each file once, verifies it, and keeps it under its own name', async () => {
  const { url, log } = await serve();
  const dir = tempDir();
  const paths = await ensureFiles({ dir, files: [LABELS, TRAIN_LABELS], mirrors: [url] });
  assert.deepEqual(paths, [join(dir, LABELS.name), join(dir, TRAIN_LABELS.name)]);
  assert.deepEqual(readFileSync(paths[0]), bytesOf(LABELS.name));
  assert.equal(existsSync(`${paths[0]}.part`), false);
  assert.equal(log.length, 2);
  await ensureFiles({ dir, files: [LABELS, TRAIN_LABELS], mirrors: [url] });
  assert.equal(log.length, 2, 'no second download');
});

test('resumes with an HTTP Range request after the connection is cut mid-file', async () => {
  let cut = false;
  const { url, log } = await serve((req, res, body) => {
    if (!cut) {
      cut = true;
      res.writeHead(200, { 'Content-Length': body.length });
      res.write(body.subarray(0, 1_000_000), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    sendRange(req, res, body);
  });
  const dir = tempDir();
  const progress: string[] = [];
  const [path] = await ensureFiles({ dir, files: [IMAGES], mirrors: [url], onProgress: (m) => progress.push(m) });
  assert.deepEqual(readFileSync(path), bytesOf(IMAGES.name));
  assert.equal(log.length, 2);
  assert.equal(log[0].range, undefined);
  const resumedAt = Number(/bytes=(\d+)-/.exec(log[1].range ?? '')?.[1]);
  assert.ok(resumedAt >= 500_000 && resumedAt <= 1_000_000, `resumed at ${log[1].range}`);
});

test('a leftover .part file is resumed, not downloaded again', async () => {
  const { url, log } = await serve();
  const dir = tempDir();
  writeFileSync(join(dir, `${LABELS.name}.part`), bytesOf(LABELS.name).subarray(0, 3000));
  await ensureFiles({ dir, files: [LABELS], mirrors: [url] });
  assert.equal(log[0].range, 'bytes=3000-');
  assert.deepEqual(readFileSync(join(dir, LABELS.name)), bytesOf(LABELS.name));
});

test('a bad checksum is an error: nothing is kept and the message says what to do', async () => {
  const { url } = await serve();
  const dir = tempDir();
  const wrong = { name: LABELS.name, sha256: '0'.repeat(64) };
  await assert.rejects(ensureFiles({ dir, files: [wrong], mirrors: [url] }), (e: Error) => {
    assert.match(e.message, new RegExp(`SHA-256 is ${LABELS.sha256}, expected 0{64}`));
    assert.match(e.message, new RegExp(`Put the files ${LABELS.name} into ${dir} and run again`));
    return true;
  });
  assert.equal(existsSync(join(dir, LABELS.name)), false);
  assert.equal(existsSync(join(dir, `${LABELS.name}.part`)), false);
});

test('offline: the message names every file and the folder to put them in', async () => {
  const dir = tempDir();
  const files = remoteFiles(REMOTE_DATASETS.mnist);
  await assert.rejects(
    ensureFiles({ dir, files, mirrors: ['http://127.0.0.1:9/'], attempts: 1 }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'data-missing');
      assert.match(
        e.message,
        /^Could not download train-images-idx3-ubyte\.gz \(http:\/\/127\.0\.0\.1:9\/train-images-idx3-ubyte\.gz: /,
      );
      assert.ok(
        e.message.endsWith(
          `Put the files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz into ${dir} and run again.`,
        ),
        e.message,
      );
      return true;
    },
  );
});

test('mirrors are tried in order: a 404 on the first falls back to the second', async () => {
  const broken = await serve((_req, res) => res.writeHead(404).end());
  const good = await serve();
  const dir = tempDir();
  await ensureFiles({ dir, files: [LABELS], mirrors: [broken.url, good.url] });
  assert.equal(broken.log.length, 1);
  assert.equal(good.log.length, 1);
  assert.deepEqual(readFileSync(join(dir, LABELS.name)), bytesOf(LABELS.name));
});

test('files already in the folder (put there by hand, even unpacked) are used without network', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, LABELS.name), bytesOf(LABELS.name));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), Buffer.alloc(10));
  const paths = await ensureFiles({
    dir,
    files: [LABELS, TRAIN_LABELS],
    mirrors: ['http://127.0.0.1:9/'],
    attempts: 1,
  });
  assert.deepEqual(paths, [join(dir, LABELS.name), join(dir, 'train-labels-idx1-ubyte')]);
});

test('MODELSPEC_DATASET_MIRROR replaces the built-in mirrors', () => {
  // MNIST downloads Keras's mnist.npz from Keras's own URL (issue #15); Fashion-MNIST tries Keras's copy first.
  assert.deepEqual(mirrorsFor(REMOTE_DATASETS.mnist, {}), [
    'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
  ]);
  assert.equal(
    mirrorsFor(REMOTE_DATASETS.fashion_mnist, {})[0],
    'https://storage.googleapis.com/tensorflow/tf-keras-datasets/',
  );
  assert.deepEqual(mirrorsFor(REMOTE_DATASETS.fashion_mnist, { MODELSPEC_DATASET_MIRROR: 'http://a/, http://b/' }), [
    'http://a/',
    'http://b/',
  ]);
});

test('reports progress as one line with a bar, a percentage and sizes (what the CLI and the VS Code notification show)', async () => {
  const { url } = await serve((_req, res, body) => {
    res.writeHead(200, { 'Content-Length': body.length });
    const step = Math.ceil(body.length / 4);
    let at = 0;
    const next = () => {
      res.write(body.subarray(at, at + step));
      at += step;
      if (at < body.length) setTimeout(next, 300);
      else res.end();
    };
    next();
  });
  const messages: string[] = [];
  await ensureFiles({ dir: tempDir(), files: [IMAGES], mirrors: [url], onProgress: (m) => messages.push(m) });
  assert.ok(messages.length >= 1, 'at least one progress line during a 1 s download');
  for (const m of messages)
    assert.match(m, /^Downloading t10k-images-idx3-ubyte\.gz \[#*-*\] +\d{1,3}% \d+\.\d \/ 4\.4 MB$/);
  assert.ok(
    messages.some((m) => /\[#{5,15}-{5,15}\]/.test(m)),
    messages.join('\n'),
  );
});

test('a download folder that cannot be created is a clear error naming it and the fix', async () => {
  const blocker = join(tempDir(), 'a-file');
  writeFileSync(blocker, 'not a folder');
  await assert.rejects(
    ensureFiles({ dir: join(blocker, 'datasets'), files: [LABELS], mirrors: ['http://127.0.0.1:9/'] }),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, 'data-missing');
      assert.equal(
        e.message,
        `Could not create ${join(blocker, 'datasets')} to download ${LABELS.name} into (ENOTDIR); make it writable, or set KERAS_HOME (Keras's cache) or MODELSPEC_CACHE to a writable folder`,
      );
      return true;
    },
  );
});
