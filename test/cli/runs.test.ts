// `modelspec runs` as a process, on run folders made by real short runs of the digits MLP with
// different learning rates and layer sizes: every value in the table, the CSV and the JSON must
// be what the run folders recorded, and only the hyperparameters that differ get a column.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import type { RunEvent } from '../../training/protocol';
import type { RunRow } from '../../training/run-table';
import { runPickItem } from '../../client/src/panel/run-pick-item';
import { runsOfModel } from '../../client/src/panel/runs-of-model';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

function cli(args: string[], cwd: string) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
}

function events(runDir: string): RunEvent[] {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent);
}

/** One CSV line's cells (RFC 4180 quotes). */
function splitCsv(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') (cur += '"'), i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) cells.push(cur), (cur = '');
    else cur += c;
  }
  return [...cells, cur];
}

/** The digits example with another optimizer and first layer, as a user would edit it. */
function variant(learningRate: number, units: number): string {
  const text = readFileSync('examples/digits.model', 'utf8');
  const edited = text
    .replace('RMSprop()', `RMSprop(learning_rate=${learningRate})`)
    .replace(
      "Dense(512, activation='relu')\n    Dropout(0.2)\n    Dense(512",
      `Dense(${units}, activation='relu')\n    Dropout(0.2)\n    Dense(512`,
    );
  assert.notEqual(edited, text, 'the digits example no longer has the lines this test edits');
  return edited;
}

describe('modelspec runs', () => {
  let dir = '';
  let runDirs: string[] = [];
  before(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'modelspec-runs-'));
    writeFileSync(join(dir, 'a.model'), variant(0.001, 512));
    writeFileSync(join(dir, 'b.model'), variant(0.01, 64));
    for (const file of ['a.model', 'b.model']) {
      const r = cli(['train', file, '--backend', 'tfjs', '--epochs', '1'], dir);
      assert.equal(r.status, 0, r.stderr);
    }
    const runsDir = join(dir, 'runs', 'digits_mlp');
    runDirs = readdirSync(runsDir)
      .sort()
      .map((n) => join(runsDir, n));
    assert.equal(runDirs.length, 2);
  });

  it('--json: one row per run with what its folder recorded, and the differing hyperparameters', () => {
    const r = cli(['runs', 'a.model', '--json'], dir);
    assert.equal(r.status, 0, r.stderr);
    const { runs, differing } = JSON.parse(r.stdout) as { runs: RunRow[]; differing: string[] };
    assert.deepEqual(differing, ['learning_rate', 'dense.units']);
    assert.equal(runs.length, 2);
    runs.forEach((row, i) => {
      const ev = events(runDirs[i]);
      const started = ev.find((e) => e.type === 'started');
      const evaluated = ev.find((e) => e.type === 'evaluated');
      const finished = ev.find((e) => e.type === 'finished');
      const epoch = ev.find((e) => e.type === 'epoch');
      assert.ok(
        started?.type === 'started' &&
          evaluated?.type === 'evaluated' &&
          finished?.type === 'finished' &&
          epoch?.type === 'epoch',
      );
      assert.equal(row.runDir, runDirs[i]);
      assert.equal(row.status, 'finished');
      assert.equal(row.engine, 'tfjs');
      assert.equal(row.device, started.device);
      assert.equal(row.epochs, 1);
      assert.equal(row.plannedEpochs, 1);
      assert.deepEqual(row.best, { metric: 'val_accuracy', value: epoch.valMetrics?.accuracy, epoch: 1 });
      assert.deepEqual(row.test, { loss: evaluated.loss, metrics: evaluated.metrics });
      assert.equal(row.seconds, finished.seconds);
    });
    assert.equal(runs[0].hyperparameters.learning_rate, 0.001);
    assert.equal(runs[1].hyperparameters.learning_rate, 0.01);
    assert.equal(runs[0].hyperparameters['dense.units'], 512);
    assert.equal(runs[1].hyperparameters['dense.units'], 64);
    assert.equal(runs[1].hyperparameters.batch_size, 128);
  });

  it('the table names each run and shows only the differing hyperparameters as columns', () => {
    const r = cli(['runs', join('runs', 'digits_mlp')], dir);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3, r.stdout);
    assert.match(
      lines[0],
      /^run\s+status\s+engine\s+device\s+epochs\s+best\s+test\s+time\s+learning_rate\s+dense\.units$/,
    );
    assert.doesNotMatch(lines[0], /batch_size/, 'a hyperparameter every run shares gets no column');
    const ev = events(runDirs[1]);
    const evaluated = ev.find((e) => e.type === 'evaluated');
    assert.ok(evaluated?.type === 'evaluated');
    assert.match(
      lines[2],
      new RegExp(
        `^${runDirs[1].split('/').at(-1)}\\s+finished\\s+tfjs \\(wasm\\).*1/1\\s+val_accuracy \\d\\.\\d{4} \\(epoch 1\\)\\s+loss ${evaluated.loss.toFixed(4)}, accuracy ${evaluated.metrics.accuracy.toFixed(4)}.*\\s0\\.01\\s+64$`,
      ),
    );
  });

  it('--csv: a header and one row per run, as history tools read it', () => {
    const r = cli(['runs', join('runs', 'digits_mlp'), '--csv'], dir);
    assert.equal(r.status, 0, r.stderr);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    const columns = header.split(',');
    assert.deepEqual(columns.slice(-2), ['learning_rate', 'dense.units']);
    assert.equal(rows.length, 2);
    const cell = (row: string, name: string) => splitCsv(row)[columns.indexOf(name)];
    assert.equal(splitCsv(rows[0]).length, columns.length, 'a quoted device name stays one cell');
    const started = events(runDirs[0]).find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started');
    assert.equal(cell(rows[0], 'device'), started?.device);
    const ev = events(runDirs[0]);
    const evaluated = ev.find((e) => e.type === 'evaluated');
    assert.ok(evaluated?.type === 'evaluated');
    assert.equal(Number(cell(rows[0], 'test_accuracy')), evaluated.metrics.accuracy);
    assert.equal(cell(rows[0], 'status'), 'finished');
    assert.equal(cell(rows[1], 'learning_rate'), '0.01');
  });

  it('the panel’s runs view and Open Run… read the same rows, named by the differing hyperparameters, not by time and path', () => {
    const { runs, differing } = runsOfModel(join(dir, 'runs'), 'digits_mlp', runDirs[1]);
    assert.deepEqual(differing, ['learning_rate', 'dense.units']);
    assert.deepEqual(
      runs.map((r) => [r.runDir, r.label, r.displayed]),
      [
        [runDirs[1], 'learning_rate=0.01, dense.units=64', true],
        [runDirs[0], 'learning_rate=0.001, dense.units=512', undefined],
      ],
      'newest first, the displayed run marked',
    );
    const evaluated = events(runDirs[0]).find((e) => e.type === 'evaluated');
    assert.ok(evaluated?.type === 'evaluated');
    assert.deepEqual(runs[1].facts?.test, { loss: evaluated.loss, metrics: evaluated.metrics });
    const item = runPickItem(runs[1], false);
    assert.equal(item.label, 'learning_rate=0.001, dense.units=512');
    assert.match(item.description, /^finished · val_accuracy \d\.\d{4} \(epoch 1\)$/);
    assert.ok(!item.detail.includes(dir), `no absolute path in ${item.detail}`);
    assert.match(
      item.detail,
      /^tfjs \(wasm\) on .+ · 1\/1 epochs · test loss \d\.\d{4}, accuracy \d\.\d{4} · \d+\.\d s · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    );
  });

  it('a folder that does not exist is a usage error that says what to give', () => {
    const r = cli(['runs', 'nowhere'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /nowhere: no such folder; give a \.model file, its runs folder/);
  });
});
