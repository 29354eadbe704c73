// `modelspec tune` as a process: the search on the digits MLP (Dense(Choice(32, 64, 128)),
// Adam(learning_rate=Float(1e-4, 1e-1, sampling='log')), 2 epochs, 8 trials, pruning on) on the
// TensorFlow.js engine (random) and on PyTorch (bayesian), with Optuna; two trials at a time;
// Ctrl+C and --resume continuing the same study; and the TypeScript sampler where the Python has
// no Optuna. Every trial is checked as the ordinary run it is: its spec.json trains the trial's
// values, its events are the ones --json streamed, and TensorBoard's HParams records read back
// with protoc-compiled protos.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import '../../../scripts/build-digits.mjs';
import { findTorch } from '../../../training/engines/detect';
import type { RunEvent, RunSpec, TrialRunEvent, TuneEvent } from '../../../training/protocol';
import { ensureBuilt } from '../../helpers/build';
import { compileTensorBoardProtos } from '../../helpers/tensorboard-protos';
import { noOptuna, PYTHON } from './optuna';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const READER = join(process.cwd(), 'test', 'fixtures', 'tensorboard', 'read_events.py');
const HP = ['dense.units', 'optimizer.learning_rate'];

const noTorch = (await findTorch()).probe ? false : 'no Python interpreter with torch here';
const noProtoc =
  spawnSync('protoc', ['--version']).status === 0 && spawnSync(PYTHON, ['-c', 'import google.protobuf']).status === 0
    ? false
    : 'no protoc and python3-protobuf here';

function modelText(tune: string): string {
  return `model digits_mlp {
    Input(shape=(784,))
    Dense(Choice(32, 64, 128), activation='relu')
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
    optimizer: Adam(learning_rate=Float(1e-4, 1e-1, sampling='log'))
    metrics: ['accuracy']
}
data {
    train: digits
    validation_split: 0.1
}
fit {
    epochs: 2
    batch_size: 128
    seed: 42
}
tune {
    objective: 'val_loss'
${tune}
}
`;
}

const CACHE = mkdtempSync(join(tmpdir(), 'modelspec-tune-cache-'));

function modelFile(name: string, tune: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), `modelspec-tune-${name}-`));
  const file = join(dir, 'digits-tune.model');
  writeFileSync(file, modelText(tune));
  return { dir, file };
}

type Streamed = TuneEvent | TrialRunEvent;

function jsonLines(stdout: string): Streamed[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Streamed);
}

function tuneSync(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { events: Streamed[]; seconds: number; stderr: string } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, 'tune', ...args, '--json'], {
    encoding: 'utf8',
    timeout: 900_000,
    // A data cache of this file's own: other test files prepare and prune theirs at the same time.
    env: { ...process.env, MODELSPEC_CACHE: CACHE, ...env },
  });
  assert.equal(r.status, 0, `modelspec tune failed:\n${r.stderr}`);
  return { events: jsonLines(r.stdout), seconds: (Date.now() - t0) / 1000, stderr: r.stderr };
}

const tuneEvents = (events: Streamed[]) => events.filter((e): e is TuneEvent => !('execution' in e));
const ofType = <T extends TuneEvent['type']>(events: Streamed[], type: T) =>
  tuneEvents(events).filter((e): e is Extract<TuneEvent, { type: T }> => e.type === type);

interface CsvRow {
  number: number;
  state: string;
  units: number;
  lr: number;
  objective: number | undefined;
  epochs: number;
}

function readTrialsCsv(tuneDir: string): CsvRow[] {
  const [header, ...lines] = readFileSync(join(tuneDir, 'trials.csv'), 'utf8').trim().split('\n');
  assert.equal(header, `number,state,${HP.join(',')},objective,epochs,seconds`);
  return lines.map((l) => {
    const c = l.split(',');
    return {
      number: Number(c[0]),
      state: c[1]!,
      units: Number(c[2]),
      lr: Number(c[3]),
      objective: c[4] === '' ? undefined : Number(c[4]),
      epochs: Number(c[5]),
    };
  });
}

function runEventsOf(runDir: string): RunEvent[] {
  return readFileSync(join(runDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent);
}

/** What every finished search must show: the files agree with each other and with the runs. */
function checkSearch(
  tuneDir: string,
  events: Streamed[],
  expect: { trials: number; sampler: 'optuna' | 'typescript' },
) {
  const rows = readTrialsCsv(tuneDir);
  // A failed trial says why in its trial_finished event: show it rather than a missing file later.
  const failures = tuneEvents(events)
    .filter((e) => e.type === 'trial_finished' && e.state === 'failed')
    .map((e) => (e.type === 'trial_finished' ? `trial ${e.trial}: ${e.message}` : ''));
  assert.ok(
    rows.every((r) => r.state !== 'failed' || existsSync(join(tuneDir, `trial-${r.number}`, 'spec.json'))),
    `failed trials without a run folder: ${failures.join('; ')}`,
  );
  assert.deepEqual(
    rows.map((r) => r.number),
    Array.from({ length: expect.trials }, (_, i) => i),
    'one row per trial, numbered from 0',
  );
  const complete = rows.filter((r) => r.state === 'complete');
  assert.ok(complete.length > 0, 'some trials complete');
  for (const r of rows) assert.ok(['complete', 'pruned', 'failed'].includes(r.state), `trial ${r.number}: ${r.state}`);

  const best = JSON.parse(readFileSync(join(tuneDir, 'best.json'), 'utf8')) as {
    objective: number;
    trial: number;
    hyperparameters: Record<string, number>;
    run: string;
  };
  assert.equal(
    best.objective,
    Math.min(...complete.map((r) => r.objective!)),
    "best.json's objective is trials.csv's minimum",
  );
  const bestRow = rows.find((r) => r.number === best.trial)!;
  assert.equal(bestRow.state, 'complete');
  assert.equal(bestRow.objective, best.objective);
  assert.deepEqual(best.hyperparameters, { 'dense.units': bestRow.units, 'optimizer.learning_rate': bestRow.lr });
  assert.equal(best.run, join(tuneDir, `trial-${best.trial}`));

  const log = readFileSync(join(tuneDir, 'tune.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TuneEvent);
  const first = log[0]!;
  assert.ok(first.type === 'tune_started');
  assert.equal(first.sampler, expect.sampler, `the first line says which sampler searched: ${first.samplerDetail}`);
  assert.equal(log.at(-1)!.type, 'tune_finished');
  assert.ok(existsSync(join(tuneDir, expect.sampler === 'optuna' ? 'study.db' : 'study.json')));

  for (const r of rows) {
    // Each trial is an ordinary run folder that trained the trial's values.
    const runDir = join(tuneDir, `trial-${r.number}`);
    const spec = JSON.parse(readFileSync(join(runDir, 'spec.json'), 'utf8')) as RunSpec;
    assert.equal(spec.trial?.number, r.number);
    assert.deepEqual(spec.trial?.hyperparameters, { 'dense.units': r.units, 'optimizer.learning_rate': r.lr });
    assert.equal(
      (spec.model.config.layers[0]!.config as { units?: number }).units,
      r.units,
      'the Dense layer has the trial’s units',
    );
    assert.equal(spec.compile.optimizer.args.learning_rate, r.lr, 'Adam has the trial’s learning rate');
    const runEvents = runEventsOf(runDir);
    const epochs = runEvents.filter((e) => e.type === 'epoch');
    assert.equal(epochs.length, r.epochs, `trial ${r.number}: trials.csv's epochs`);
    const end = runEvents.at(-1)!;
    if (r.state === 'pruned') {
      assert.equal(end.type, 'stopped', `pruned trial ${r.number} was stopped with the run's own stop`);
      assert.ok(r.epochs < 2, 'a pruned trial trains fewer epochs');
    }
    if (r.state === 'complete') {
      assert.equal(end.type, 'finished');
      const vals = epochs.map((e) => (e.type === 'epoch' ? e.valLoss! : Number.NaN));
      assert.equal(r.objective, Math.min(...vals), 'the objective is the run’s best val_loss');
    }
    // --json streamed the same run events, tagged with the trial.
    const streamed = events.filter((e): e is TrialRunEvent => 'execution' in e && e.trial === r.number);
    assert.deepEqual(
      streamed.filter((e) => e.type === 'epoch').map((e) => (e.type === 'epoch' ? e.valLoss : undefined)),
      epochs.map((e) => (e.type === 'epoch' ? e.valLoss : undefined)),
      `trial ${r.number}: the streamed epochs are its events.jsonl's`,
    );
  }
  return rows;
}

describe('modelspec tune', { skip: noOptuna }, () => {
  before(() => ensureBuilt());

  const timings: Record<string, number> = {};

  it('searches the digits MLP on TensorFlow.js (random, 8 trials, pruning) with Optuna', (t) => {
    const { dir, file } = modelFile(
      'tfjs',
      "    max_trials: 8\n    algorithm: 'random'\n    pruning: True\n    seed: 1",
    );
    const { events, seconds } = tuneSync([file, '--backend', 'tfjs', '--out', join(dir, 'runs')]);
    timings['tfjs random, parallel 1'] = seconds;
    const started = ofType(events, 'tune_started')[0]!;
    assert.match(started.samplerDetail, /^Optuna .* \(RandomSampler, MedianPruner\)/);
    assert.equal(ofType(events, 'trial_started').length, 8);
    assert.equal(ofType(events, 'trial_finished').length, 8);
    const rows = checkSearch(started.tuneDir, events, { trials: 8, sampler: 'optuna' });
    const pruned = rows.filter((r) => r.state === 'pruned').length;
    assert.ok(pruned > 0, 'with learning rates up to 1e-1 some trials are pruned');
    t.diagnostic(`8 trials, parallel 1 (tfjs): ${seconds.toFixed(1)} s wall, ${pruned} pruned`);
  });

  it('runs two trials at a time, each engine on its share of the cores', (t) => {
    const { dir, file } = modelFile(
      'parallel',
      "    max_trials: 8\n    algorithm: 'random'\n    pruning: True\n    parallel: 2\n    seed: 1",
    );
    const { events, seconds } = tuneSync([file, '--backend', 'tfjs', '--out', join(dir, 'runs')]);
    timings['tfjs random, parallel 2'] = seconds;
    const started = ofType(events, 'tune_started')[0]!;
    assert.equal(started.parallel, 2);
    const rows = checkSearch(started.tuneDir, events, { trials: 8, sampler: 'optuna' });
    // Two trials overlapped: a trial started before the previous one finished.
    const order = tuneEvents(events).filter((e) => e.type === 'trial_started' || e.type === 'trial_finished');
    let running = 0;
    let most = 0;
    for (const e of order) {
      running += e.type === 'trial_started' ? 1 : -1;
      most = Math.max(most, running);
    }
    assert.equal(most, 2, 'two trials ran at once');
    t.diagnostic(
      `8 trials, parallel 2 (tfjs): ${seconds.toFixed(1)} s wall, ${rows.filter((r) => r.state === 'pruned').length} pruned`,
    );
  });

  it('searches on PyTorch (bayesian: TPE, 8 trials, pruning)', { skip: noTorch }, (t) => {
    const { dir, file } = modelFile(
      'torch',
      "    max_trials: 8\n    algorithm: 'bayesian'\n    pruning: True\n    seed: 3",
    );
    // Without the test run's engine server: the search starts its own for the trials after the first.
    const { events, seconds, stderr } = tuneSync([file, '--backend', 'torch', '--out', join(dir, 'runs')], {
      MODELSPEC_TORCH_SERVER: '',
      MODELSPEC_DEBUG: '1',
    });
    timings['torch bayesian, parallel 1'] = seconds;
    assert.match(stderr, /the next trials start in a PyTorch engine server \(torch loaded once\)/);
    const started = ofType(events, 'tune_started')[0]!;
    assert.match(started.samplerDetail, /\(TPESampler, MedianPruner\)/);
    const rows = checkSearch(started.tuneDir, events, { trials: 8, sampler: 'optuna' });
    const engines = new Set(
      events
        .filter((e): e is TrialRunEvent => 'execution' in e && e.type === 'started')
        .map((e) => (e.type === 'started' ? e.engine : '')),
    );
    assert.deepEqual([...engines], ['torch']);
    const pruned = rows.filter((r) => r.state === 'pruned').length;
    assert.ok(pruned > 0, 'some trials are pruned');
    t.diagnostic(`8 trials, parallel 1 (torch): ${seconds.toFixed(1)} s wall, ${pruned} pruned`);
  });

  it('stops after the current trial on Ctrl+C, and --resume continues the same study', async () => {
    const { dir, file } = modelFile(
      'resume',
      "    max_trials: 5\n    algorithm: 'bayesian'\n    pruning: True\n    seed: 5",
    );
    const child = spawn(
      process.execPath,
      [CLI, 'tune', file, '--backend', 'tfjs', '--out', join(dir, 'runs'), '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      // Ctrl+C while trial 1 trains: it finishes, and no trial 2 starts.
      if (!interrupted && /"type":"trial_started","time":"[^"]*","trial":1\b/.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.ok(interrupted);
    const first = jsonLines(stdout);
    const finished = ofType(first, 'tune_finished')[0]!;
    assert.equal(finished.stopped, true);
    assert.deepEqual(
      ofType(first, 'trial_finished').map((e) => e.trial),
      [0, 1],
      'the running trial finished; none started after Ctrl+C',
    );
    const tuneDir = ofType(first, 'tune_started')[0]!.tuneDir;
    assert.ok(
      readTrialsCsv(tuneDir).every((r) => r.state !== 'failed'),
      'the interrupted trial was not lost',
    );

    const { events } = tuneSync([file, '--backend', 'tfjs', '--resume', tuneDir]);
    const resumed = ofType(events, 'tune_started')[0]!;
    assert.equal(resumed.tuneDir, tuneDir);
    assert.equal(resumed.previousTrials, 2);
    assert.deepEqual(
      ofType(events, 'trial_started').map((e) => e.trial),
      [2, 3, 4],
      'trial numbers continue the study',
    );
    const states = spawnSync(
      PYTHON,
      [
        '-c',
        "import optuna,sys; s=optuna.load_study(study_name='modelspec', storage='sqlite:///'+sys.argv[1]); print(len(s.trials))",
        join(tuneDir, 'study.db'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(states.stdout.trim(), '5', 'one Optuna study holds all five trials');
    checkSearch(tuneDir, [...first, ...events], { trials: 5, sampler: 'optuna' });
  });

  it('samples in TypeScript where the Python has no Optuna, and says so first', () => {
    const venv = mkdtempSync(join(tmpdir(), 'modelspec-no-optuna-'));
    assert.equal(spawnSync(PYTHON, ['-m', 'venv', '--without-pip', venv]).status, 0);
    const { dir, file } = modelFile(
      'fallback',
      "    max_trials: 3\n    algorithm: 'bayesian'\n    pruning: True\n    seed: 2",
    );
    const { events } = tuneSync([file, '--backend', 'tfjs', '--out', join(dir, 'runs')], {
      MODELSPEC_PYTHON: join(venv, 'bin', 'python'),
    });
    const started = ofType(events, 'tune_started')[0]!;
    assert.equal(started.sampler, 'typescript');
    assert.match(started.samplerReason, /Optuna not found .*No module named 'optuna'/);
    assert.match(started.samplerReason, /'bayesian' needs Optuna, so random search is used/);
    checkSearch(started.tuneDir, events, { trials: 3, sampler: 'typescript' });

    // Resumed where Optuna is found, the search keeps the sampler that began it.
    const more = tuneSync([file, '--backend', 'tfjs', '--resume', started.tuneDir, '--trials', '4']).events;
    const resumed = ofType(more, 'tune_started')[0]!;
    assert.equal(resumed.sampler, 'typescript');
    assert.match(resumed.samplerReason, /began with the TypeScript sampler/);
    assert.deepEqual(
      ofType(more, 'trial_started').map((e) => e.trial),
      [3],
    );
    assert.ok(!existsSync(join(started.tuneDir, 'study.db')), 'no second, Optuna study was begun');
    checkSearch(started.tuneDir, [...events, ...more], { trials: 4, sampler: 'typescript' });
  });

  it("measures the engines once, on the first trial's model, and runs every trial on that engine", () => {
    // backend 'auto' and three different models (a grid over the Dense layer's units): before,
    // each trial measured both engines on its own model (seconds a trial), and trials could
    // land on different engines.
    const { dir, file } = modelFile('auto-engine', "    max_trials: 3\n    algorithm: 'grid'");
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "Adam(learning_rate=Float(1e-4, 1e-1, sampling='log'))",
        'Adam(learning_rate=0.001)',
      ),
    );
    const cache = mkdtempSync(join(tmpdir(), 'modelspec-tune-auto-cache-'));
    const { events } = tuneSync([file, '--epochs', '1', '--out', join(dir, 'runs')], { MODELSPEC_CACHE: cache });
    const tuneDir = ofType(events, 'tune_started')[0]!.tuneDir;
    const started = [0, 1, 2].map((n) => {
      const spec = JSON.parse(readFileSync(join(tuneDir, `trial-${n}`, 'spec.json'), 'utf8')) as RunSpec;
      const start = runEventsOf(join(tuneDir, `trial-${n}`)).find((e) => e.type === 'started');
      assert.ok(start?.type === 'started', `trial ${n} started`);
      return { units: (spec.model.config.layers[0]!.config as { units?: number }).units, start, spec };
    });
    assert.deepEqual(
      started.map((s) => s.units).sort((a, b) => a! - b!),
      [32, 64, 128],
      "three models (in the grid sampler's order)",
    );
    assert.equal(new Set(started.map((s) => `${s.start.engine} ${s.start.backend}`)).size, 1, 'one engine');
    assert.match(started[0]!.spec.fit.engineReason!, /^auto: /);
    for (const s of started.slice(1))
      assert.equal(
        s.spec.fit.engineReason,
        `${started[0]!.spec.fit.engineReason} (the search's engine, chosen for its first trial)`,
      );
    const measured = JSON.parse(readFileSync(join(cache, 'engine-throughput.json'), 'utf8')) as { entries: unknown[] };
    assert.equal(measured.entries.length, 1, "only the first trial's model was measured");
  });

  it("writes TensorBoard's HParams experiment at the tune folder and a session per trial", { skip: noProtoc }, () => {
    const { dir, file } = modelFile('hparams', "    max_trials: 2\n    algorithm: 'random'\n    seed: 4");
    const { events } = tuneSync([file, '--backend', 'tfjs', '--out', join(dir, 'runs')]);
    const tuneDir = ofType(events, 'tune_started')[0]!.tuneDir;
    const gen = compileTensorBoardProtos();
    const read = (d: string, ...extra: string[]) => {
      const r = spawnSync(PYTHON, [READER, gen, d, ...extra], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as Record<string, { records: { values?: Record<string, unknown>[] }[] }>;
    };
    const experiment = read(tuneDir, '--tune')
      .tune!.records.flatMap((r) => r.values ?? [])
      .find((v) => v.kind === 'experiment') as {
      tag: string;
      hparam_infos: { name: string; type: string; values?: number[]; interval?: number[] }[];
      metric_infos: { group: string; tag: string; dataset: string }[];
    };
    assert.equal(experiment.tag, '_hparams_/experiment');
    assert.deepEqual(experiment.hparam_infos, [
      { name: 'dense.units', type: 'DATA_TYPE_FLOAT64', values: [32, 64, 128] },
      { name: 'optimizer.learning_rate', type: 'DATA_TYPE_FLOAT64', interval: [1e-4, 1e-1] },
    ]);
    assert.deepEqual(
      experiment.metric_infos.find((m) => m.group === 'validation' && m.tag === 'epoch_loss'),
      { group: 'validation', tag: 'epoch_loss', dataset: 'DATASET_VALIDATION' },
      'val_loss, as the trials log it in <trial>/logs/validation',
    );
    for (const row of readTrialsCsv(tuneDir)) {
      const session = read(join(tuneDir, `trial-${row.number}`))
        .hparams!.records.flatMap((r) => r.values ?? [])
        .find((v) => v.kind === 'session_start_info') as { group_name: string; hparams: Record<string, number> };
      assert.equal(session.group_name, `trial-${row.number}`);
      assert.equal(session.hparams['dense.units'], row.units);
      assert.equal(session.hparams['optimizer.learning_rate'], row.lr);
    }
  });

  it('reports the wall times', (t) => {
    for (const [k, v] of Object.entries(timings)) t.diagnostic(`${k}: ${v.toFixed(1)} s`);
  });
});
