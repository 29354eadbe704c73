// `modelspec check` on paths that are not plain small files (issue #8, item 4): /dev/zero, a FIFO,
// a huge model.json, file text with control characters. Each check must end quickly with a
// diagnostic on the path; a read that blocks or grows without bound fails on the timeout.

import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
/** Generous for a check that reads a few headers; a blocked read never finishes. */
const TIMEOUT_MS = 20_000;
const POSIX = process.platform !== 'win32';

interface Checked {
  code: number | null;
  stdout: string;
  timedOut: boolean;
  diagnostics: { code: string; message: string; range: { start: { line: number } } }[];
}

function check(path: string): Checked {
  const r = spawnSync(process.execPath, [CLI, 'check', '--json', path], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  let diagnostics: Checked['diagnostics'] = [];
  try {
    diagnostics = (JSON.parse(r.stdout) as { diagnostics: Checked['diagnostics'] }[])[0].diagnostics;
  } catch {
    // left empty: the assertions below say what came out instead
  }
  return { code: r.status, stdout: r.stdout + r.stderr, timedOut, diagnostics };
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'modelspec-safe-reads-'));
}

function fifo(d: string, name = 'pipe'): string {
  const path = join(d, name);
  execFileSync('mkfifo', [path]);
  return path;
}

function modelFile(d: string, text: string): string {
  const path = join(d, 'm.model');
  writeFileSync(path, text);
  return path;
}

const pretrained = (path: string) =>
  `model m {\n    Pretrained(path='${path}')\n    Dense(10, activation='softmax')\n}\n`;
const withData = (source: string) =>
  `model m {\n    Input(shape=(4,))\n    Dense(3, activation='softmax')\n}\ncompile {\n    loss: 'sparse_categorical_crossentropy'\n    optimizer: 'adam'\n}\ndata {\n    train: ${source}\n}\n`;

/** The one data diagnostic on `line` (0-based), asserting the check ended in time with exit 1. */
function dataError(r: Checked, line: number): { code: string; message: string } {
  assert.equal(r.timedOut, false, 'check blocked');
  assert.equal(r.code, 1, r.stdout);
  const d = r.diagnostics.find((x) => x.range.start.line === line && x.code.startsWith('data-'));
  assert.ok(d, r.stdout);
  return d;
}

describe('check reads only regular files, and never blocks', () => {
  before(() => ensureBuilt());

  it(
    'Pretrained(path=/dev/zero) is refused as a device, without reading it',
    { skip: !POSIX || !existsSync('/dev/zero') },
    () => {
      const d = dataError(check(modelFile(dir(), pretrained('/dev/zero'))), 1);
      assert.equal(d.code, 'data-format');
      assert.match(d.message, /\/dev\/zero is a character device, not a regular file/);
    },
  );

  it('a FIFO in Pretrained is refused, not opened for reading', { skip: !POSIX }, () => {
    const d = dir();
    fifo(d, 'model.json');
    const e = dataError(check(modelFile(d, pretrained('model.json'))), 1);
    assert.match(e.message, /model\.json is a FIFO \(named pipe\), not a regular file/);
  });

  for (const [source, arg] of [
    ["csv('pipe')", 'csv'],
    ["npy(x='pipe', y='pipe')", 'npy x'],
    ["idx(images='pipe', labels='pipe')", 'idx images'],
  ] as const) {
    it(`a FIFO in ${arg} is refused with the path as written`, { skip: !POSIX }, () => {
      const d = dir();
      fifo(d);
      const e = dataError(check(modelFile(d, withData(source))), 9);
      assert.equal(e.code, 'data-format');
      assert.match(e.message, /^pipe is a FIFO \(named pipe\), not a regular file/);
    });
  }

  it('a FIFO as idx labels (the images a real file) is refused too', { skip: !POSIX }, () => {
    const d = dir();
    fifo(d, 'labels');
    // A valid IDX header: 00 00 08 03, 2 samples of 2×2.
    writeFileSync(
      join(d, 'images'),
      Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]),
    );
    const e = dataError(check(modelFile(d, withData("idx(images='images', labels='labels')"))), 9);
    assert.match(e.message, /^labels is a FIFO/);
  });

  it('images(directory=FIFO) says it is not a folder', { skip: !POSIX }, () => {
    const d = dir();
    fifo(d);
    const e = dataError(check(modelFile(d, withData("images('pipe')"))), 9);
    assert.match(e.message, /^pipe is a FIFO \(named pipe\), not a folder/);
  });

  it('a model.json over the size cap is refused with a message naming the cap', () => {
    const d = dir();
    const path = join(d, 'model.json');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 200 << 20); // sparse: 200 MiB of zeros that take no disk
    closeSync(fd);
    const e = dataError(check(modelFile(d, pretrained('model.json'))), 1);
    assert.equal(e.code, 'data-format');
    assert.match(e.message, /is 200 MiB, over the 16 MiB limit for a saved model\.json/);
  });
});

describe('diagnostics quote file contents only as a short escaped excerpt', () => {
  before(() => ensureBuilt());

  it('an unreadable .npy header: no control characters, no long text', () => {
    const d = dir();
    const header = `{'descr': '<f4', 'evil': '\x1b[31m${'A'.repeat(20_000)}'}`;
    const head = Buffer.alloc(10);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
    head.writeUInt16LE(header.length, 8);
    writeFileSync(join(d, 'x.npy'), Buffer.concat([head, Buffer.from(header, 'latin1')]));
    const e = dataError(check(modelFile(d, withData("npy(x='x.npy', y='x.npy')"))), 9);
    assert.match(e.message, /header ModelSpec cannot read/);
    assert.doesNotMatch(e.message, /[\u0000-\u001f]/);
    assert.match(e.message, /\\u001b\[31m/, 'the escape character is shown escaped');
    assert.ok(e.message.length < 400, `message of ${e.message.length} characters`);
  });

  it('a CSV whose header is one huge column: the message quotes an excerpt', () => {
    const d = dir();
    writeFileSync(join(d, 'one.csv'), `\x07bell${'x'.repeat(50_000)}\n1\n`);
    const e = dataError(check(modelFile(d, withData("csv('one.csv')"))), 9);
    assert.match(e.message, /has one column \('\\u0007bellxxx/);
    assert.doesNotMatch(e.message, /[\u0000-\u001f]/);
    assert.ok(e.message.length < 400, `message of ${e.message.length} characters`);
  });
});
