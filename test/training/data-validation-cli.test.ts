// `modelspec train` as a process on data neither engine can learn from: labels out of range for
// the loss and the model's output, NaN inputs, empty splits, UTF-16 CSVs, broken images. The data
// preparation refuses each before any engine starts, naming the file and the row or index and the
// fix, with the same message whichever engine was asked for.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { findTorch } from '../../training/engines/detect';
import { npyBytes, writePng } from './data/helpers';

const CLI = join(process.cwd(), 'dist', 'cli.cjs');
const ENGINES = (await findTorch()).probe ? ['tfjs', 'torch'] : ['tfjs'];
if (ENGINES.length === 1) console.warn('PyTorch not found: checking the tfjs engine only');

const int64 = (values: number[]) => new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer);
const float32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

/** A folder with a .model file (Dense(units) on 2 features) and the given data files. */
function project(
  opts: { train: string; loss?: string; units?: number; activation?: string; data?: string },
  files: Record<string, Uint8Array | string>,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-validate-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const model = [
    'model m {',
    `    Input(shape=(${opts.train.startsWith('images') ? '4, 4, 1' : '2,'}))`,
    ...(opts.train.startsWith('images') ? ['    Flatten()'] : []),
    `    Dense(${opts.units ?? 10}, activation='${opts.activation ?? 'softmax'}')`,
    '}',
    `compile {\n    loss: '${opts.loss ?? 'sparse_categorical_crossentropy'}'\n    optimizer: 'adam'\n}`,
    `data {\n    train: ${opts.train}\n${opts.data ?? ''}}`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'm.model'), model);
  return dir;
}

/** `modelspec train` with each engine: the exit code and what it printed, per engine. */
function trainEach(dir: string) {
  return ENGINES.map((engine) => {
    const out = join(dir, `runs-${engine}`);
    const r = spawnSync(
      process.execPath,
      [CLI, 'train', join(dir, 'm.model'), '--backend', engine, '--epochs', '1', '--out', out],
      {
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, MODELSPEC_CACHE: join(dir, 'cache') },
      },
    );
    return { engine, status: r.status, stderr: r.stderr, stdout: r.stdout, out };
  });
}

/** Every engine refused the data with one message matching `message`, before starting: no engine line, no run folder. */
function refusedBeforeTraining(dir: string, message: RegExp): string {
  const runs = trainEach(dir);
  const lines = runs.map((r) => {
    assert.equal(r.status, 1, `${r.engine}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /Training m with/, `${r.engine} started: ${r.stderr}`);
    assert.equal(existsSync(r.out), false, `${r.engine} made a run folder`);
    const line = r.stderr.split('\n').find((l) => l.startsWith('modelspec: '));
    assert.ok(line, `${r.engine} printed no error: ${r.stderr}`);
    assert.match(line, message);
    return line;
  });
  assert.equal(new Set(lines).size, 1, `the engines' messages differ: ${lines.join(' | ')}`);
  return lines[0];
}

before(() => ensureBuilt());

/** Samples in the label tests: y.npy is over 1 MiB, more than the checker scans, so data preparation is what refuses it. */
const N = 300_000;

/** x.npy (N × 2) and y.npy whose label i is labels[i % labels.length]. */
function npyFiles(labels: number[], dtype: '<i8' | '<f4' = '<i8', n = N): Record<string, Uint8Array> {
  const y = Array.from({ length: n }, (_, i) => labels[i % labels.length]);
  return {
    'x.npy': npyBytes('<f4', [n, 2], float32(Array.from({ length: 2 * n }, (_, i) => (i % 100) / 100))),
    'y.npy': npyBytes(dtype, [n], dtype === '<i8' ? int64(y) : float32(y)),
  };
}

describe('labels out of range are refused before training, on every engine', () => {
  it('npy labels 0..14 against Dense(10) with sparse_categorical_crossentropy', () => {
    const dir = project({ train: "npy(x='x.npy', y='y.npy')" }, npyFiles(Array.from({ length: 15 }, (_, i) => i)));
    refusedBeforeTraining(
      dir,
      /^modelspec: Dense\(10\) with sparse_categorical_crossentropy takes at most 10 different labels .* but the labels have 15; found 10 at index 10 of y\.npy: use Dense\(15\) or fix the labels$/,
    );
  });

  it('negative npy labels', () => {
    const dir = project({ train: "npy(x='x.npy', y='y.npy')", units: 3 }, npyFiles([0, 1, -1, 2]));
    refusedBeforeTraining(
      dir,
      /sparse_categorical_crossentropy takes class labels 0 and up; found -1 at index 2 of y\.npy: fix the labels/,
    );
  });

  it('binary_crossentropy labels outside 0..1', () => {
    const dir = project(
      { train: "npy(x='x.npy', y='y.npy')", loss: 'binary_crossentropy', units: 1, activation: 'sigmoid' },
      npyFiles([0, 1, 2, 1]),
    );
    refusedBeforeTraining(dir, /binary_crossentropy takes labels from 0 to 1; found 2 at index 2 of y\.npy/);
  });

  it('NaN labels for a regression loss', () => {
    const dir = project(
      { train: "npy(x='x.npy', y='y.npy')", loss: 'mse', units: 1, activation: 'linear' },
      npyFiles([0.5, NaN, 1, 2], '<f4'),
    );
    refusedBeforeTraining(dir, /label NaN at index 1 of y\.npy is not a number; fill it in or drop the sample/);
  });
});

describe('the checker reports labels out of range of a file small enough to scan', () => {
  it('modelspec check and train name the row of a CSV label beyond Dense(10)', () => {
    const csv = ['a,b,y', ...Array.from({ length: 30 }, (_, i) => `${i},${i + 1},${i % 15}`)].join('\n') + '\n';
    const dir = project({ train: "csv('d.csv', label='y')" }, { 'd.csv': csv });
    const check = spawnSync(process.execPath, [CLI, 'check', join(dir, 'm.model')], { encoding: 'utf8' });
    assert.equal(check.status, 1);
    assert.match(
      check.stdout + check.stderr,
      /m\.model:10:12: error label-out-of-range: Dense\(10\) with sparse_categorical_crossentropy takes at most 10 different labels .*; found 10 at row 12 of d\.csv: use Dense\(15\) or fix the labels/,
    );
    for (const r of trainEach(dir)) {
      assert.equal(r.status, 1);
      assert.match(r.stderr, /error label-out-of-range: .* found 10 at row 12 of d\.csv/);
      assert.equal(existsSync(r.out), false, `${r.engine} made a run folder`);
    }
  });

  it('modelspec check names the index of a small y.npy label', () => {
    const dir = project({ train: "npy(x='x.npy', y='y.npy')", units: 3 }, npyFiles([0, 1, -1, 2], '<i8', 8));
    const check = spawnSync(process.execPath, [CLI, 'check', join(dir, 'm.model')], { encoding: 'utf8' });
    assert.equal(check.status, 1);
    assert.match(
      check.stdout + check.stderr,
      /error label-out-of-range: sparse_categorical_crossentropy takes class labels 0 and up; found -1 at index 2 of y\.npy/,
    );
  });
});

describe('inputs and splits are checked before training, on every engine', () => {
  it('NaN in x.npy names the sample', () => {
    const x = Array.from({ length: 20 }, (_, i) => i);
    x[7 * 2 + 1] = NaN;
    const dir = project(
      { train: "npy(x='x.npy', y='y.npy')" },
      {
        'x.npy': npyBytes('<f4', [10, 2], float32(x)),
        'y.npy': npyBytes('<i8', [10], int64(Array.from({ length: 10 }, (_, i) => i % 3))),
      },
    );
    refusedBeforeTraining(
      dir,
      /^modelspec: index 7 of x\.npy has NaN \(value 1 of the sample\); inputs must be finite numbers: fill in or drop the sample$/,
    );
  });

  it('Infinity in x.npy', () => {
    const dir = project(
      { train: "npy(x='x.npy', y='y.npy')" },
      {
        'x.npy': npyBytes('<f8', [2, 2], new Uint8Array(new Float64Array([1, Infinity, 2, 3]).buffer)),
        'y.npy': npyBytes('<i8', [2], int64([0, 1])),
      },
    );
    refusedBeforeTraining(dir, /index 0 of x\.npy has Infinity/);
  });

  it('an empty training split', () => {
    const dir = project(
      { train: "npy(x='x.npy', y='y.npy')" },
      { 'x.npy': npyBytes('<f4', [0, 2], new Uint8Array()), 'y.npy': npyBytes('<i8', [0], new Uint8Array()) },
    );
    refusedBeforeTraining(dir, /npy\('x\.npy'\) has no samples, so the train data would be empty; add samples/);
  });

  it('an empty test split', () => {
    const dir = project(
      { train: "npy(x='x.npy', y='y.npy')", data: "    test: npy(x='tx.npy', y='ty.npy')\n" },
      {
        'x.npy': npyBytes('<f4', [2, 2], float32([0, 1, 2, 3])),
        'y.npy': npyBytes('<i8', [2], int64([0, 1])),
        'tx.npy': npyBytes('<f4', [0, 2], new Uint8Array()),
        'ty.npy': npyBytes('<i8', [0], new Uint8Array()),
      },
    );
    refusedBeforeTraining(dir, /npy\('tx\.npy'\) has no samples, so the test data would be empty/);
  });

  it('a validation_split that leaves no training samples', () => {
    const dir = project(
      { train: "npy(x='x.npy', y='y.npy')", data: '    validation_split: 0.5\n' },
      { 'x.npy': npyBytes('<f4', [1, 2], float32([0, 1])), 'y.npy': npyBytes('<i8', [1], int64([0])) },
    );
    refusedBeforeTraining(dir, /validation_split: 0\.5 of the 1 samples of npy\('x\.npy'\) leaves none for training/);
  });
});

describe('clearer messages for unreadable data', () => {
  it('a UTF-16 CSV: check and train say to save it as UTF-8', () => {
    const text = '\ufeffa,b,y\n1,2,0\n3,4,1\n';
    const dir = project(
      { train: "csv('d.csv', label='y')" },
      { 'd.csv': new Uint8Array(Buffer.from(text, 'utf16le')) },
    );
    const check = spawnSync(process.execPath, [CLI, 'check', join(dir, 'm.model')], { encoding: 'utf8' });
    assert.equal(check.status, 1);
    assert.match(check.stdout + check.stderr, /d\.csv is UTF-16 text; save it as UTF-8/);
    // Without a byte-order mark, the NULs between the characters give it away.
    writeFileSync(join(dir, 'd.csv'), Buffer.from(text.slice(1), 'utf16le'));
    const again = spawnSync(process.execPath, [CLI, 'check', join(dir, 'm.model')], { encoding: 'utf8' });
    assert.match(again.stdout + again.stderr, /d\.csv is UTF-16 text; save it as UTF-8/);
    for (const r of trainEach(dir)) {
      assert.equal(r.status, 1);
      assert.match(r.stderr, /d\.csv is UTF-16 text; save it as UTF-8/);
    }
  });

  it('a corrupt PNG names the file and says to re-save it', () => {
    const dir = project({ train: "images('pics', size=(4, 4), color_mode='grayscale')", units: 2 }, {});
    writePng(join(dir, 'pics/a/1.png'), 4, 4, () => [255, 255, 255, 255]);
    writePng(join(dir, 'pics/b/1.png'), 4, 4, () => [0, 0, 0, 255]);
    writePng(join(dir, 'pics/b/2.png'), 4, 4, () => [0, 0, 0, 255]);
    const good = readFileSync(join(dir, 'pics/b/2.png'));
    writeFileSync(join(dir, 'pics/b/2.png'), good.subarray(0, good.length - 20)); // cut short, header intact
    const line = refusedBeforeTraining(
      dir,
      /pics\/b\/2\.png cannot be decoded: it is not a valid PNG \(the file ends too early: it is cut short\); re-save it/,
    );
    assert.doesNotMatch(line, /read requests|waitng/);
  });

  it('a PNG whose header claims 100000×100000 pixels is refused before decoding', () => {
    const dir = project({ train: "images('pics', size=(4, 4), color_mode='grayscale')", units: 3 }, {});
    writePng(join(dir, 'pics/a/1.png'), 4, 4, () => [255, 255, 255, 255]);
    writePng(join(dir, 'pics/b/1.png'), 4, 4, () => [0, 0, 0, 255]);
    const huge = Buffer.from(readFileSync(join(dir, 'pics/b/1.png')));
    huge.writeUInt32BE(100_000, 16);
    huge.writeUInt32BE(100_000, 20);
    mkdirSync(join(dir, 'pics/c'));
    writeFileSync(join(dir, 'pics/c/big.png'), huge);
    refusedBeforeTraining(
      dir,
      /pics\/c\/big\.png says it is 100000×100000 pixels, over the limit of 89,478,485 pixels per image; shrink it/,
    );
  });
});

describe('an engine failure', () => {
  it('is printed once', () => {
    const dir = project(
      { train: "npy(x='x.npy', y='y.npy')", units: 3 },
      {
        'x.npy': npyBytes('<f4', [4, 2], float32([0, 1, 2, 3, 4, 5, 6, 7])),
        'y.npy': npyBytes('<i8', [4], int64([0, 1, 2, 1])),
      },
    );
    // A first run prepares the data into the cache; truncating the cached x.bin makes the next run's engine fail.
    const first = trainEach(dir);
    for (const r of first) assert.equal(r.status, 0, `${r.engine}: ${r.stderr}`);
    const prepared = join(dir, 'cache', 'prepared');
    for (const entry of readdirSync(prepared)) {
      const x = join(prepared, entry, 'x.bin');
      if (existsSync(x)) writeFileSync(x, readFileSync(x).subarray(0, 4));
    }
    for (const r of trainEach(dir)) {
      assert.equal(r.status, 1, `${r.engine}: ${r.stderr}`);
      const printed = (r.stderr + r.stdout).split('\n').filter((l) => l.startsWith('Failed:'));
      assert.equal(printed.length, 1, `${r.engine} printed: ${r.stderr}${r.stdout}`);
    }
  });
});
