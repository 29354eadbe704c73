// `modelspec evaluate RUN_DIR` as a process, on runs whose folder or cache changed since training:
// data that left the prepared-data cache is prepared again with the same label checks as for
// training (so labels edited out of range are refused with the file and row, before an engine
// starts), and a run whose CLI was killed gets its summary.txt and report.html rebuilt from
// events.jsonl, as history.csv is.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

let work: string;
before(() => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'modelspec-evaluate-run-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

function cli(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, NO_COLOR: '1', MODELSPEC_CACHE: join(dir, 'cache') },
  });
}

/** A CSV of `rows` rows whose label in row i is labels[i % labels.length]. */
function csv(rows: number, labels: number[]): string {
  const lines = ['a,b,y'];
  for (let i = 0; i < rows; i++) lines.push(`${(i % 7) / 7},${(i % 5) / 5},${labels[i % labels.length]}`);
  return lines.join('\n') + '\n';
}

/** A classifier with 3 classes on CSVs, trained for one epoch on tfjs; returns the project and run folders. */
function trainedRun(): { dir: string; runDir: string } {
  const dir = mkdtempSync(join(work, 'p-'));
  writeFileSync(join(dir, 'train.csv'), csv(60, [0, 1, 2]));
  writeFileSync(join(dir, 'test.csv'), csv(30, [0, 1, 2]));
  writeFileSync(
    join(dir, 'm.model'),
    `model m {
    Input(shape=(2,))
    Dense(3, activation='softmax')
}
compile {
    loss: 'sparse_categorical_crossentropy'
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
  const r = cli(dir, 'train', 'm.model', '--backend', 'tfjs', '--out', join(dir, 'runs'));
  assert.equal(r.status, 0, r.stderr);
  return { dir, runDir: join(dir, 'runs', 'm', readdirSync(join(dir, 'runs', 'm'))[0]!) };
}

describe('modelspec evaluate: data prepared again after it left the cache', () => {
  it('checks the labels against the loss and the output again: labels edited to 0..4 for Dense(3) are refused with the file and row', () => {
    const { dir, runDir } = trainedRun();
    rmSync(join(dir, 'cache'), { recursive: true, force: true });
    writeFileSync(join(dir, 'train.csv'), csv(60, [0, 1, 2, 3, 4]));
    writeFileSync(join(dir, 'test.csv'), csv(30, [0, 1, 2, 3, 4]));
    const r = cli(dir, 'evaluate', runDir, '--backend', 'tfjs');
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /Preparing the data of .*m\.model again/);
    assert.match(
      r.stderr,
      /^modelspec: Dense\(3\) with sparse_categorical_crossentropy takes at most 3 different labels .* but the labels have 5; found 3 at row \d+ of train\.csv: use Dense\(5\) or fix the labels$/m,
    );
    assert.doesNotMatch(r.stderr, /Evaluating /, 'no engine started');
    assert.equal(r.stdout, '');
  });

  it('evaluates as before when the labels still fit', () => {
    const { dir, runDir } = trainedRun();
    rmSync(join(dir, 'cache'), { recursive: true, force: true });
    const r = cli(dir, 'evaluate', runDir, '--backend', 'tfjs');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Test \(30 samples\): loss [\d.]+, accuracy [\d.]+$/m);
  });
});

describe('modelspec evaluate: a run whose CLI was killed (SIGKILL) while its engine went on', () => {
  it('writes the missing summary.txt (summary table, how the run stopped) and report.html from events.jsonl, and a missing report.html again later', async () => {
    const dir = mkdtempSync(join(work, 'orphan-'));
    writeFileSync(
      join(dir, 'tiny.model'),
      "model tiny {\n    Input(shape=(784,))\n    Dense(16, activation='relu')\n    Dense(10, activation='softmax')\n}\n" +
        "compile {\n    loss: 'categorical_crossentropy'\n    optimizer: 'adam'\n    metrics: ['accuracy']\n}\n" +
        "data {\n    train: digits\n    test: digits(split='test')\n}\nfit {\n    epochs: 200\n    batch_size: 16\n}\n",
    );
    const child = spawn(
      process.execPath,
      [CLI, 'train', 'tiny.model', '--backend', 'tfjs', '--out', 'runs', '--json'],
      { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MODELSPEC_CACHE: join(dir, 'cache') } },
    );
    let stdout = '';
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (stdout.includes('"type":"epoch"')) resolve();
      });
      void exited.then(() => reject(new Error(`the CLI ended before an epoch:\n${stdout}`)));
    });
    const runDir = (JSON.parse(stdout.split('\n').find((l) => l.includes('"started"'))!) as { runDir: string }).runDir;
    child.kill('SIGKILL'); // the CLI only: its engine sees stdin close, stops after the batch and saves
    await exited;
    const deadline = Date.now() + 60_000;
    const ended = () => /"type":"stopped"/.test(readFileSync(join(runDir, 'events.jsonl'), 'utf8'));
    while (!ended() || !existsSync(join(runDir, 'model.json'))) {
      assert.ok(Date.now() < deadline, 'the engine recorded stopped and saved within a minute');
      await new Promise((r) => setTimeout(r, 200));
    }
    // The engine exits right after its last event; let it finish before the folder is read.
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(
      !existsSync(join(runDir, 'summary.txt')) && !existsSync(join(runDir, 'report.html')),
      'nobody wrote them yet',
    );

    const r = cli(dir, 'evaluate', runDir, '--backend', 'tfjs');
    assert.equal(r.status, 0, r.stderr);
    const summary = readFileSync(join(runDir, 'summary.txt'), 'utf8');
    assert.match(summary, /Total params: 12,730/, 'the summary table, as `modelspec train` writes it');
    assert.match(summary, /^Stopped at epoch \d+: .*the process that started the run ended/m);
    const report = readFileSync(join(runDir, 'report.html'), 'utf8');
    assert.match(report, /<title>[^<]*tiny/);
    assert.match(report, /"type":"stopped"/, 'the report holds the events');

    // Deleted later (or never written): the next evaluate writes it again; summary.txt is left as it was.
    rmSync(join(runDir, 'report.html'));
    const before = readFileSync(join(runDir, 'summary.txt'), 'utf8');
    assert.equal(cli(dir, 'evaluate', runDir, '--backend', 'tfjs').status, 0);
    assert.ok(existsSync(join(runDir, 'report.html')));
    assert.equal(readFileSync(join(runDir, 'summary.txt'), 'utf8'), before);
  });
});
