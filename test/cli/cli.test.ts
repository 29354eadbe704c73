// The CLI as a process: `node dist/cli.cjs`, exactly as `npx modelspec` runs it.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(text: string, name = 'm.model'): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-cli-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const BROKEN = `model m {
    Input(shape=(28, 28, 1))
    Conv2D(32, (3, 3), activation='relu')
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: Adam(lr=0.01)
}
data {
    train: digits
}
`;

describe('modelspec check', () => {
  before(() => ensureBuilt());

  it('warns, with the fix first, under a layer the backend chosen in the fit block cannot run', () => {
    const path = file(
      "model m {\n    Input(shape=(8, 2))\n    GRU(4, reset_after=False)\n    Flatten()\n    Dense(1)\n}\nfit {\n    backend: 'torch'\n}\n",
    );
    const r = run('check', path);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /:3:5: warning unsupported-layer: GRU with reset_after=False does not run on the PyTorch engine yet; use reset_after=True, or train it with the TensorFlow\.js engine \(backend: 'tfjs'\)\n/,
    );
    assert.match(r.stdout, /note: backend: 'torch' is chosen here \([^)]*m\.model:8:14\)/);
    assert.match(r.stdout, /1 file checked: 0 errors, 1 warning/);
  });

  it('passes every example with exit code 0', () => {
    const r = run(
      'check',
      'examples/digits.model',
      'examples/digits-cnn.model',
      'examples/fashion-cnn.model',
      'examples/sequence-lstm.model',
      'examples/regression-csv.model',
      'examples/autoencoder.model',
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /6 files checked: 0 errors, 0 warnings/);
  });

  it('prints errors like a compiler: file:line:col, severity, code, the line and a caret', () => {
    const path = file(BROKEN);
    const r = run('check', path);
    assert.equal(r.code, 1);
    const lines = r.stdout.split('\n');
    const head = lines.findIndex((l) => l.startsWith(`${path}:4:5: error output-shape-mismatch:`));
    assert.ok(head >= 0, r.stdout);
    assert.equal(lines[head + 1], "4 |     Dense(10, activation='softmax')");
    assert.equal(lines[head + 2], '  |     ^~~~~');
    assert.match(
      r.stdout,
      new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:8:21: warning deprecated-argument:`),
    );
  });

  it('--json prints LSP-style 0-based ranges', () => {
    const path = file(BROKEN);
    const r = run('check', '--json', path);
    assert.equal(r.code, 1);
    const parsed = JSON.parse(r.stdout) as {
      file: string;
      diagnostics: {
        range: { start: { line: number; character: number } };
        severity: string;
        code: string;
        message: string;
      }[];
    }[];
    assert.equal(parsed.length, 1);
    assert.equal(parsed[0].file, path);
    const d = parsed[0].diagnostics.find((x) => x.code === 'output-shape-mismatch');
    assert.deepEqual(d?.range.start, { line: 3, character: 4 });
    assert.equal(d?.severity, 'error');
    assert.ok(parsed[0].diagnostics.some((x) => x.code === 'deprecated-argument' && x.severity === 'warning'));
  });

  it('exits 0 when there are only warnings', () => {
    const r = run(
      'check',
      file(BROKEN.replace("Dense(10, activation='softmax')", "Flatten()\n    Dense(10, activation='softmax')")),
    );
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /0 errors, 1 warning/);
  });

  it('exits 2 for an unreadable file and for usage errors', () => {
    const missing = run('check', '/nonexistent/x.model');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);
    assert.equal(run('check').code, 2);
    assert.equal(run('frobnicate').code, 2);
    assert.equal(run('check', '--bogus', 'examples/digits.model').code, 2);
  });
});

describe('modelspec summary', () => {
  before(() => ensureBuilt());

  it("prints Keras's table for mnist_cnn", () => {
    const r = run('summary', 'examples/digits-cnn.model');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Model: "digits_cnn"/);
    assert.match(r.stdout, /│ conv2d \(Conv2D\)\s+│ \(None, 26, 26, 32\)\s+│\s+320 │/);
    assert.match(r.stdout, /│ dense_1 \(Dense\)\s+│ \(None, 10\)\s+│\s+1,290 │/);
    assert.match(r.stdout, / Total params: 1,199,882 \(4\.58 MB\)/);
    assert.match(r.stdout, / Non-trainable params: 0 \(0\.00 B\)/);
  });

  it('--json gives names, shapes and counts as Keras numbers them', () => {
    const r = run('summary', '--json', 'examples/digits.model');
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as {
      name: string;
      input_shape: (number | null)[];
      layers: {
        name: string;
        class_name: string;
        output_shape: (number | null)[];
        params: number;
        trainable_params: number;
      }[];
      total_params: number;
      trainable_params: number;
      non_trainable_params: number;
    };
    assert.equal(s.name, 'digits_mlp');
    assert.deepEqual(s.input_shape, [null, 784]);
    assert.deepEqual(
      s.layers.map((l) => l.name),
      ['dense', 'dropout', 'dense_1', 'dropout_1', 'dense_2'],
    );
    assert.deepEqual(s.layers[0], {
      name: 'dense',
      class_name: 'Dense',
      output_shape: [null, 512],
      params: 401920,
      trainable_params: 401920,
    });
    assert.equal(s.total_params, 669_706);
    assert.equal(s.non_trainable_params, 0);
  });

  it('BatchNormalization counts 2·C as non-trainable', () => {
    const r = run('summary', '--json', 'examples/fashion-cnn.model');
    const s = JSON.parse(r.stdout) as { non_trainable_params: number; trainable_params: number; total_params: number };
    assert.equal(s.non_trainable_params, 2 * 32 + 2 * 64);
    assert.equal(s.total_params, s.trainable_params + s.non_trainable_params);
  });

  it('counts a layer-graph application (a frozen Xception base) as Keras does, as one nested layer', () => {
    const model = [
      'model birds {',
      '    Input(shape=(71, 71, 3))',
      '    Xception(include_top=False, pooling="avg", trainable=False)',
      '    Dense(200, activation="softmax")',
      '}',
    ].join('\n');
    const r = run('summary', '--json', file(model));
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as {
      layers: { name: string; output_shape: (number | null)[]; params: number; trainable_params: number }[];
      total_params: number;
      non_trainable_params: number;
    };
    // Keras's Xception without the top: 20,861,480 parameters.
    assert.deepEqual(
      s.layers.map((l) => [l.name, l.output_shape, l.params, l.trainable_params]),
      [
        ['xception', [null, 2048], 20861480, 0],
        ['dense', [null, 200], 2048 * 200 + 200, 2048 * 200 + 200],
      ],
    );
    assert.equal(s.non_trainable_params, 20861480);
  });

  it('refuses a file with errors, printing them, with exit code 1', () => {
    const r = run('summary', file(BROKEN));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /output-shape-mismatch/);
  });
});

// Issue #8: names and strings from a file (and the file's own name) are printed with their control
// characters escaped, so a layer name cannot clear the screen, recolour it, or start a line of its own.
describe('modelspec check and summary: control characters in names', () => {
  before(() => ensureBuilt());

  /** Raw in the file: ESC, CSI (C1), NEL, U+2028, a bidi override; `\n` written as the escape. */
  const RAW = 'b\x1b[2J\x9b31m\x85\u2028\u202ec';
  const NAME = `a\n${RAW}`;
  const SHOWN = 'a\\nb\\u001b[2J\\u009b31m\\u0085\\u2028\\u202ec';
  const TEXT = `model m {\n    Input(shape=(3,))\n\tDense(2, name='a\\n${RAW}', unitz=3)\n    Dense(1)\n}\n`;
  /** Anything unprintable except the newlines between lines. */
  const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
  const unprintable = (out: string) => out.split('\n').filter((l) => UNPRINTABLE.test(l));

  it('summary escapes them in the table, which stays aligned', () => {
    const r = run('summary', file(TEXT.replace(', unitz=3', '')));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(unprintable(r.stdout), []);
    assert.ok(r.stdout.includes(`│ ${SHOWN} (Dense) `), r.stdout);
    const table = r.stdout.split('\n').filter((l) => /^[┏┃┡│├└]/.test(l));
    assert.equal(table.length, 7);
    assert.deepEqual(new Set(table.map((l) => l.length)).size, 1, r.stdout);
  });

  it('summary --json keeps the exact name, with C1 and U+2028 as \\u escapes', () => {
    const r = run('summary', '--json', file(TEXT.replace(', unitz=3', '')));
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(unprintable(r.stdout), []);
    assert.equal((JSON.parse(r.stdout) as { layers: { name: string }[] }).layers[0].name, NAME);
  });

  it('check escapes the file name, the message and the source line, and the caret still points at the error', () => {
    const path = file(TEXT, 'm\n\x1b[2J.model');
    const r = run('check', path);
    assert.equal(r.code, 1);
    assert.deepEqual(unprintable(r.stdout), []);
    const lines = r.stdout.split('\n');
    const head = lines.findIndex((l) => l.includes(':3:') && l.includes('unknown-argument'));
    assert.ok(head >= 0, r.stdout);
    assert.ok(lines[head].startsWith(`${path.replace('m\n\x1b[2J.model', 'm\\n\\u001b[2J.model')}:3:`), lines[head]);
    // The tab shows as four spaces; the caret sits under `unitz` in the line as shown.
    assert.equal(lines[head + 1], `3 |     Dense(2, name='${SHOWN}', unitz=3)`);
    assert.equal(lines[head + 2].indexOf('^'), lines[head + 1].indexOf('unitz'));
    const json = run('check', '--json', path);
    assert.deepEqual(unprintable(json.stdout), []);
    assert.equal((JSON.parse(json.stdout) as { file: string }[])[0].file, path);
  });
});
