// `modelspec train` and `modelspec evaluate` as processes print strings that come from the user's
// files, paths and data (CSV class labels, the run folder, data errors, engine lines) escaped:
// whatever ESC/CSI/OSC sequences a label holds, the output has no raw control character, so it
// cannot clear or retitle the terminal. (The CLI's own styling is only on a TTY; tests have none.)

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const run = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, NO_COLOR: '1', MODELSPEC_CACHE: join(cwd, 'cache') },
  });

/** Clear the screen (CSI), C1 CSI, retitle the window (OSC … BEL), a bidi override. */
const LABELS = ['cat\x1b[2J', 'dog\u009b31m', 'bird\x1b]0;pwned\x07', 'fish\u202e'];
/** Raw control and format characters other than the line break. */
const RAW = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const rawLines = (out: string) => out.split('\n').filter((l) => RAW.test(l));

function csv(rows: number): string {
  const lines = ['a,b,y'];
  for (let i = 0; i < rows; i++) lines.push(`${(i % 4) + (i % 7) / 10},${(i % 5) / 5},${LABELS[i % 4]}`);
  return lines.join('\n') + '\n';
}

function project(loss: string, output: string): string {
  const dir = mkdtempSync(join(work, 'p-'));
  writeFileSync(join(dir, 'train.csv'), csv(80));
  writeFileSync(join(dir, 'test.csv'), csv(40));
  writeFileSync(
    join(dir, 'm.model'),
    `model m {
    Input(shape=(2,))
    ${output}
}
compile {
    loss: '${loss}'
    optimizer: 'adam'
    metrics: ['accuracy']
}
data {
    train: csv('train.csv', label='y')
    test: csv('test.csv', label='y')
}
fit {
    epochs: 1
}
`,
  );
  return dir;
}

let work: string;
before(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-printable-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('train and evaluate print class labels, paths and data errors escaped', () => {
  it('train into an --out folder whose name holds ESC, then evaluate: no raw control characters, the class names escaped in the matrix', () => {
    const dir = project('sparse_categorical_crossentropy', "Dense(4, activation='softmax')");
    const out = join(dir, 'runs\x1b[2J');
    const t = run(dir, 'train', 'm.model', '--backend', 'tfjs', '--out', out);
    assert.equal(t.status, 0, t.stderr);
    assert.deepEqual(rawLines(t.stdout + t.stderr), []);
    assert.match(t.stdout, /Run folder: .*runs\\u001b\[2J\/m\//);
    const runDir = join(out, 'm', readdirSync(join(out, 'm'))[0]!);

    const e = run(dir, 'evaluate', runDir, '--backend', 'tfjs');
    assert.equal(e.status, 0, e.stderr);
    assert.deepEqual(rawLines(e.stdout + e.stderr), []);
    assert.match(e.stderr, /Evaluating .*runs\\u001b\[2J\/m\//);
    const header = e.stdout.split('\n').find((l) => l.includes('cat'));
    assert.ok(header, e.stdout);
    for (const name of ['cat\\u001b[2J', 'dog\\u009b31m', 'bird\\u001b]0;pwned\\u0007', 'fish\\u202e'])
      assert.ok(header.includes(name), `${name} in ${header}`);
    assert.match(e.stdout, /^ {2}cat\\u001b\[2J: [\d.]+% \(\d+\/10\)$/m);

    // --json keeps the exact names (as JSON escapes), and nothing raw either.
    const j = run(dir, 'evaluate', runDir, '--backend', 'tfjs', '--json');
    assert.equal(j.status, 0, j.stderr);
    assert.deepEqual(rawLines(j.stdout + j.stderr), []);
    const evaluated = j.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; classes?: string[] })
      .find((ev) => ev.type === 'evaluated');
    assert.deepEqual([...(evaluated?.classes ?? [])].sort(), [...LABELS].sort());
  });

  it('train --json streams events with no raw C1 or format characters in them', () => {
    const dir = project('sparse_categorical_crossentropy', "Dense(4, activation='softmax')");
    const t = run(dir, 'train', 'm.model', '--backend', 'tfjs', '--out', join(dir, 'runs\u009b2J\u202e'), '--json');
    assert.equal(t.status, 0, t.stderr);
    assert.deepEqual(rawLines(t.stdout + t.stderr), []);
    const started = JSON.parse(t.stdout.split('\n').find((l) => l.includes('"started"'))!) as { runDir: string };
    assert.ok(started.runDir.includes('runs\u009b2J\u202e/m/'), 'the exact path, once parsed');
  });

  it('a data error quoting a label (a third class for a binary loss) prints the label escaped, in one line', () => {
    const dir = project('binary_crossentropy', "Dense(1, activation='sigmoid')");
    const t = run(dir, 'train', 'm.model', '--backend', 'tfjs', '--out', join(dir, 'runs'));
    assert.equal(t.status, 1, t.stderr);
    assert.deepEqual(rawLines(t.stdout + t.stderr), []);
    assert.match(
      t.stderr,
      /^modelspec: binary_crossentropy takes two classes, .*'dog\\u009b31m' \(the third\) at row \d+ of .*train\.csv/m,
    );
  });
});
