// `modelspec check` on paths that are not plain small files (issue #8, item 4): /dev/zero, a FIFO,
// a huge model.json, file text with control characters. Each check must end quickly with a
// diagnostic on the path; a read that blocks or grows without bound fails on the timeout. One
// `modelspec check` run checks every case's model file, each in a folder of its own.

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
  diagnostics: { code: string; severity: string; message: string; range: { start: { line: number } } }[];
}

/** Each case's files, made in a folder of its own; returns the model file to check. */
type Setup = (d: string) => string;
const CASES = new Map<string, Setup>();
const checked = new Map<string, Checked>();

/**
 * A case for the one `modelspec check --json` run below (each CLI start costs 0.3 s of CPU; each
 * case has a folder of its own, so checking them together changes nothing any case reads).
 * Returns what the check said about the case's model file.
 */
function checkCase(name: string, setup: Setup, skip = false): () => Checked {
  if (!skip) CASES.set(name, setup);
  return () => {
    // Checked when the first test asks, once every describe() has registered its cases.
    if (!checked.size) checkAll();
    const r = checked.get(name);
    assert.ok(r, `${name} was not checked`);
    return r;
  };
}

/** Checks every case's model file in one CLI run; each file's result is kept under its case. */
function checkAll(): void {
  const names = [...CASES.keys()];
  const paths = names.map((name) => CASES.get(name)!(dir()));
  const r = spawnSync(process.execPath, [CLI, 'check', '--json', ...paths], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    killSignal: 'SIGKILL',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  let files: { file: string; diagnostics: Checked['diagnostics'] }[] = [];
  try {
    files = JSON.parse(r.stdout) as typeof files;
  } catch {
    // left empty: the assertions below say what came out instead
  }
  names.forEach((name, i) => {
    const diagnostics = files.find((f) => f.file === paths[i])?.diagnostics ?? [];
    checked.set(name, { code: r.status, stdout: r.stdout + r.stderr, timedOut, diagnostics });
  });
}

before(() => ensureBuilt());

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

/**
 * The one data diagnostic on `line` (0-based), asserting the check ended in time with exit 1 and
 * that this file's diagnostic is an error (what makes a check of the file alone exit 1).
 */
function dataError(r: Checked, line: number): { code: string; message: string } {
  assert.equal(r.timedOut, false, 'check blocked');
  assert.equal(r.code, 1, r.stdout);
  const d = r.diagnostics.find((x) => x.range.start.line === line && x.code.startsWith('data-'));
  assert.ok(d, r.stdout);
  assert.equal(d.severity, 'error', r.stdout);
  return d;
}

describe('check reads only regular files, and never blocks', () => {
  const devZero = checkCase(
    'dev-zero',
    (d) => modelFile(d, pretrained('/dev/zero')),
    !POSIX || !existsSync('/dev/zero'),
  );
  it(
    'Pretrained(path=/dev/zero) is refused as a device, without reading it',
    { skip: !POSIX || !existsSync('/dev/zero') },
    () => {
      const d = dataError(devZero(), 1);
      assert.equal(d.code, 'data-format');
      assert.match(d.message, /\/dev\/zero is a character device, not a regular file/);
    },
  );

  const fifoPretrained = checkCase(
    'fifo-pretrained',
    (d) => {
      fifo(d, 'model.json');
      return modelFile(d, pretrained('model.json'));
    },
    !POSIX,
  );
  it('a FIFO in Pretrained is refused, not opened for reading', { skip: !POSIX }, () => {
    const e = dataError(fifoPretrained(), 1);
    assert.match(e.message, /model\.json is a FIFO \(named pipe\), not a regular file/);
  });

  for (const [source, arg] of [
    ["csv('pipe')", 'csv'],
    ["npy(x='pipe', y='pipe')", 'npy x'],
    ["idx(images='pipe', labels='pipe')", 'idx images'],
  ] as const) {
    const fifoData = checkCase(
      `fifo-${arg}`,
      (d) => {
        fifo(d);
        return modelFile(d, withData(source));
      },
      !POSIX,
    );
    it(`a FIFO in ${arg} is refused with the path as written`, { skip: !POSIX }, () => {
      const e = dataError(fifoData(), 9);
      assert.equal(e.code, 'data-format');
      assert.match(e.message, /^pipe is a FIFO \(named pipe\), not a regular file/);
    });
  }

  const fifoLabels = checkCase(
    'fifo-idx-labels',
    (d) => {
      fifo(d, 'labels');
      // A valid IDX header: 00 00 08 03, 2 samples of 2×2.
      writeFileSync(
        join(d, 'images'),
        Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8]),
      );
      return modelFile(d, withData("idx(images='images', labels='labels')"));
    },
    !POSIX,
  );
  it('a FIFO as idx labels (the images a real file) is refused too', { skip: !POSIX }, () => {
    const e = dataError(fifoLabels(), 9);
    assert.match(e.message, /^labels is a FIFO/);
  });

  const fifoFolder = checkCase(
    'fifo-images-folder',
    (d) => {
      fifo(d);
      return modelFile(d, withData("images('pipe')"));
    },
    !POSIX,
  );
  it('images(directory=FIFO) says it is not a folder', { skip: !POSIX }, () => {
    const e = dataError(fifoFolder(), 9);
    assert.match(e.message, /^pipe is a FIFO \(named pipe\), not a folder/);
  });

  const hugeModelJson = checkCase('huge-model-json', (d) => {
    const path = join(d, 'model.json');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 200 << 20); // sparse: 200 MiB of zeros that take no disk
    closeSync(fd);
    return modelFile(d, pretrained('model.json'));
  });
  it('a model.json over the size cap is refused with a message naming the cap', () => {
    const e = dataError(hugeModelJson(), 1);
    assert.equal(e.code, 'data-format');
    assert.match(e.message, /is 200 MiB, over the 16 MiB limit for a saved model\.json/);
  });
});

describe('diagnostics quote file contents only as a short escaped excerpt', () => {
  const npyHeader = checkCase('npy-header', (d) => {
    const header = `{'descr': '<f4', 'evil': '\x1b[31m${'A'.repeat(20_000)}'}`;
    const head = Buffer.alloc(10);
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head);
    head.writeUInt16LE(header.length, 8);
    writeFileSync(join(d, 'x.npy'), Buffer.concat([head, Buffer.from(header, 'latin1')]));
    return modelFile(d, withData("npy(x='x.npy', y='x.npy')"));
  });
  it('an unreadable .npy header: no control characters, no long text', () => {
    const e = dataError(npyHeader(), 9);
    assert.match(e.message, /header ModelSpec cannot read/);
    assert.doesNotMatch(e.message, /[\u0000-\u001f]/);
    assert.match(e.message, /\\u001b\[31m/, 'the escape character is shown escaped');
    assert.ok(e.message.length < 400, `message of ${e.message.length} characters`);
  });

  const hugeColumn = checkCase('csv-huge-column', (d) => {
    writeFileSync(join(d, 'one.csv'), `\x07bell${'x'.repeat(50_000)}\n1\n`);
    return modelFile(d, withData("csv('one.csv')"));
  });
  it('a CSV whose header is one huge column: the message quotes an excerpt', () => {
    const e = dataError(hugeColumn(), 9);
    assert.match(e.message, /has one column \('\\u0007bellxxx/);
    assert.doesNotMatch(e.message, /[\u0000-\u001f]/);
    assert.ok(e.message.length < 400, `message of ${e.message.length} characters`);
  });
});
