// The tune runner's parts without training: the search space's grid and random points, the
// TypeScript sampler (seeded, resumable), the median rule against Optuna's own MedianPruner (the
// real python/modelspec_tune process), the Optuna study's resume, and the tune folder's files.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { objectiveValue } from '../../../training/tune/objective';
import { openOptunaSampler } from '../../../training/tune/optuna-sampler';
import type { Sampler, StudyConfig } from '../../../training/tune/sampler';
import { gridPoint, gridSize, gridValues, randomPoint, searchParams } from '../../../training/tune/space';
import { trialsCsv, writeTrialFiles } from '../../../training/tune/tune-files';
import { openTypeScriptSampler } from '../../../training/tune/typescript-sampler';
import type { SearchParam, TrialRecord } from '../../../training/tune/types';
import type { RunEvent } from '../../../training/protocol';
import { noOptuna, PYTHON } from './optuna';

const SPACE: SearchParam[] = [
  { name: 'dense.units', kind: 'choice', values: [32, 64, 128] },
  { name: 'optimizer.learning_rate', kind: 'float', min: 1e-4, max: 1e-1, sampling: 'log' },
];

function config(dir: string, overrides: Partial<StudyConfig> = {}): StudyConfig {
  return {
    tuneDir: dir,
    space: SPACE,
    algorithm: 'random',
    direction: 'minimize',
    pruning: true,
    seed: 3,
    steps: 2,
    maxTrials: 8,
    ...overrides,
  };
}

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `modelspec-tune-${name}-`));

describe('search space', () => {
  it('lists a grid in order, the last parameter fastest', () => {
    const space: SearchParam[] = [
      { name: 'units', kind: 'choice', values: [32, 64, 128] },
      { name: 'bias', kind: 'boolean' },
      { name: 'layers', kind: 'int', min: 1, max: 5, step: 2, sampling: 'linear' },
    ];
    assert.deepEqual(gridValues(space[2]), [1, 3, 5]);
    assert.equal(gridSize(space), 18);
    assert.deepEqual(gridPoint(space, 0), { units: 32, bias: false, layers: 1 });
    assert.deepEqual(gridPoint(space, 1), { units: 32, bias: false, layers: 3 });
    assert.deepEqual(gridPoint(space, 3), { units: 32, bias: true, layers: 1 });
    assert.deepEqual(gridPoint(space, 17), { units: 128, bias: true, layers: 5 });
    assert.equal(gridPoint(space, 18), undefined);
    assert.deepEqual(
      gridValues({ name: 'rate', kind: 'float', min: 0.1, max: 0.5, step: 0.1, sampling: 'linear' }),
      [0.1, 0.2, 0.3, 0.4, 0.5],
    );
  });

  it("takes a log step as KerasTuner's factor, and mirrors reverse_log towards the top", () => {
    const [units] = searchParams([{ name: 'units', kind: 'int', min: 16, max: 256, step: 2, sampling: 'log' }]);
    assert.deepEqual(units, { name: 'units', kind: 'choice', values: [16, 32, 64, 128, 256] });
    const reverse: SearchParam = { name: 'm', kind: 'float', min: 0.9, max: 0.999, sampling: 'reverse_log' };
    let n = 0;
    const u = () => ((n = (n * 7919 + 13) % 1000) + 0.5) / 1000;
    const draws = Array.from({ length: 400 }, () => randomPoint([reverse], u).m as number);
    assert.ok(draws.every((v) => v >= 0.9 && v <= 0.999));
    assert.ok(draws.filter((v) => v > 0.95).length > draws.length / 2, 'reverse_log crowds near the top');
  });

  it('draws log-uniformly: as many learning rates below 1e-2.5 as above', () => {
    let n = 1;
    const u = () => ((n = (n * 48271) % 2147483647) - 1) / 2147483646;
    const lrs = Array.from({ length: 2000 }, () => randomPoint(SPACE, u)['optimizer.learning_rate'] as number);
    assert.ok(lrs.every((v) => v >= 1e-4 && v <= 1e-1));
    const below = lrs.filter((v) => v < 10 ** -2.5).length;
    assert.ok(Math.abs(below - 1000) < 120, `${below} of 2000 below the geometric middle`);
  });
});

describe('the TypeScript sampler', () => {
  it('is seeded, and a reopened study continues the numbers with the draws it would have made', async () => {
    const a = tmp('ts-a');
    const first = openTypeScriptSampler(config(a), 'test');
    const drawn = [];
    for (let i = 0; i < 3; i++) {
      const t = (await first.ask())!;
      drawn.push(t);
      await first.tell(t.number, 'complete', 0.5 + i);
    }
    await first.close();
    const resumed = openTypeScriptSampler(config(a), 'test');
    assert.equal(resumed.previousTrials, 3);
    const next = (await resumed.ask())!;
    assert.equal(next.number, 3);

    const b = tmp('ts-b');
    const straight = openTypeScriptSampler(config(b), 'test');
    const again = [];
    for (let i = 0; i < 4; i++) again.push((await straight.ask())!);
    assert.deepEqual(again.slice(0, 3), drawn, 'the same seed draws the same trials');
    assert.deepEqual(again[3], next, 'the resumed study draws what it would have drawn uninterrupted');
    assert.equal(new Set(again.map((t) => t.hyperparameters['optimizer.learning_rate'])).size, 4);
  });

  it('marks a trial a killed search left running as failed when reopened', async () => {
    const dir = tmp('ts-kill');
    const s = openTypeScriptSampler(config(dir), 'test');
    await s.ask();
    const study = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as { trials: { state: string }[] };
    assert.equal(study.trials[0].state, 'running');
    openTypeScriptSampler(config(dir), 'test');
    const reopened = JSON.parse(readFileSync(join(dir, 'study.json'), 'utf8')) as { trials: { state: string }[] };
    assert.equal(reopened.trials[0].state, 'failed');
  });

  it('walks a grid once, in order', async () => {
    const dir = tmp('ts-grid');
    const space: SearchParam[] = [
      { name: 'units', kind: 'choice', values: [8, 16] },
      { name: 'bias', kind: 'boolean' },
    ];
    const s = openTypeScriptSampler({ ...config(dir), space, algorithm: 'grid' }, 'test');
    const seen = [];
    for (let t = await s.ask(); t; t = await s.ask()) seen.push(t.hyperparameters);
    assert.deepEqual(seen, [
      { units: 8, bias: false },
      { units: 8, bias: true },
      { units: 16, bias: false },
      { units: 16, bias: true },
    ]);
    assert.match(s.info.description, /grid/);
  });
});

/** The same study through two samplers: every prune decision must agree. */
async function pruneDecisions(sampler: Sampler, direction: 'minimize' | 'maximize'): Promise<boolean[]> {
  // Four complete trials (startup for 8 trials is 2), then candidates at both steps.
  const completed = [
    [0.9, 0.5],
    [0.7, 0.4],
    [1.1, 0.6],
    [0.8, 0.45],
  ];
  const decisions: boolean[] = [];
  for (const [i, [s1, s2]] of completed.entries()) {
    const t = (await sampler.ask())!;
    decisions.push(await sampler.report(t.number, 1, s1));
    if (i >= 2) decisions.push(await sampler.report(t.number, 2, s2));
    else await sampler.report(t.number, 2, s2);
    await sampler.tell(t.number, 'complete', Math.min(s1, s2));
  }
  const candidates: [number, number][] = [
    [0.84, 0.44],
    [0.86, 0.5],
    [0.7, 0.55],
    [1.5, 0.3],
    [Number.NaN, 0.2],
  ];
  for (const [s1, s2] of candidates) {
    const t = (await sampler.ask())!;
    decisions.push(await sampler.report(t.number, 1, s1));
    decisions.push(await sampler.report(t.number, 2, s2));
    await sampler.tell(t.number, 'pruned');
  }
  void direction;
  return decisions;
}

describe('the median rule', { skip: noOptuna }, () => {
  it("prunes exactly where Optuna's MedianPruner does", async () => {
    for (const direction of ['minimize', 'maximize'] as const) {
      const optuna = (await openOptunaSampler(config(tmp('median-optuna'), { direction }), PYTHON)).sampler;
      assert.ok(optuna, 'Optuna opened');
      assert.equal(optuna.info.pruner, 'MedianPruner');
      const expected = await pruneDecisions(optuna, direction);
      await optuna.close();
      const ours = openTypeScriptSampler(config(tmp('median-ts'), { direction }), 'test');
      const got = await pruneDecisions(ours, direction);
      assert.deepEqual(got, expected, `${direction}: the TypeScript median rule against Optuna's`);
      assert.ok(expected.includes(true) && expected.includes(false), 'the scenario prunes some and keeps some');
    }
  });
});

/** The states of the trials in a tune folder's study.db, as Optuna itself reads them. */
function studyStates(dir: string): string {
  const r = spawnSync(
    PYTHON,
    [
      '-c',
      "import optuna,sys; s=optuna.load_study(study_name='modelspec', storage='sqlite:///'+sys.argv[1]); print(' '.join(t.state.name for t in s.trials))",
      join(dir, 'study.db'),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('the Optuna study', { skip: noOptuna }, () => {
  it('is kept in study.db: reopened, it continues the trial numbers and fails the trials left running', async () => {
    const dir = tmp('optuna-resume');
    const first = (await openOptunaSampler(config(dir, { algorithm: 'bayesian' }), PYTHON)).sampler!;
    assert.match(first.info.description, /^Optuna \d+\.\d+\.\d+ \(TPESampler, MedianPruner\) in \/usr\/bin\/python3$/);
    const a = (await first.ask())!;
    await first.tell(a.number, 'complete', 0.3);
    await first.ask(); // left running: the search was killed
    await first.close();
    const second = (await openOptunaSampler(config(dir, { algorithm: 'bayesian' }), PYTHON)).sampler!;
    assert.equal(second.previousTrials, 2);
    const c = (await second.ask())!;
    assert.equal(c.number, 2);
    assert.ok([32, 64, 128].includes(c.hyperparameters['dense.units'] as number));
    await second.tell(c.number, 'complete', 0.2);
    await second.close();
    const states = studyStates(dir);
    assert.equal(states, 'COMPLETE FAIL COMPLETE');
  });

  it('covers a whole grid: every point once, each trial told, with no error after the last', async () => {
    // Optuna's GridSampler stops its study once the grid is covered, which Optuna refuses outside
    // optimize(): the last tell of every grid search failed with the search.
    const dir = tmp('optuna-grid');
    const space: SearchParam[] = [{ name: 'dense.units', kind: 'choice', values: [32, 64, 128] }];
    const grid = (await openOptunaSampler(config(dir, { algorithm: 'grid', space }), PYTHON)).sampler!;
    assert.match(grid.info.description, /GridSampler/);
    const seen: unknown[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const t = (await grid.ask())!;
        seen.push(t.hyperparameters['dense.units']);
        await grid.tell(t.number, i === 1 ? 'pruned' : 'complete', 0.5 - i / 10);
      }
    } finally {
      await grid.close();
    }
    assert.deepEqual(
      seen.sort((a, b) => (a as number) - (b as number)),
      [32, 64, 128],
    );
    const states = studyStates(dir);
    assert.equal(states, 'COMPLETE PRUNED COMPLETE');
  });

  it('falls back with the reason when the interpreter has no Optuna', async () => {
    const venv = tmp('venv');
    assert.equal(spawnSync(PYTHON, ['-m', 'venv', '--without-pip', venv]).status, 0);
    const r = await openOptunaSampler(config(tmp('no-optuna')), join(venv, 'bin', 'python'));
    assert.equal(r.sampler, undefined);
    assert.match(r.why ?? '', /Optuna not found \(.*No module named 'optuna'\)/);
  });
});

describe('objective and files', () => {
  const epoch = (over: Partial<Extract<RunEvent, { type: 'epoch' }>>): Extract<RunEvent, { type: 'epoch' }> => ({
    type: 'epoch',
    epoch: 1,
    epochs: 2,
    loss: 0.5,
    metrics: { accuracy: 0.8 },
    valLoss: 0.6,
    valMetrics: { accuracy: 0.75 },
    learningRate: 0.001,
    seconds: 1,
    samplesPerSec: 100,
    ...over,
  });

  it("reads the objective under Keras's names; a diverged value (null) is NaN, an unlogged one undefined", () => {
    assert.equal(objectiveValue('val_loss', epoch({})), 0.6);
    assert.equal(objectiveValue('val_accuracy', epoch({})), 0.75);
    assert.equal(objectiveValue('accuracy', epoch({})), 0.8);
    assert.equal(objectiveValue('loss', epoch({})), 0.5);
    assert.ok(Number.isNaN(objectiveValue('val_loss', epoch({ valLoss: null as unknown as number }))!));
    assert.equal(objectiveValue('val_auc', epoch({})), undefined);
  });

  it('writes trials.csv with a column per hyperparameter and best.json from the complete trials only', () => {
    const dir = tmp('files');
    const trials: TrialRecord[] = [
      {
        number: 0,
        state: 'complete',
        hyperparameters: { 'a,b': 'x"y', flag: true },
        objective: 0.4,
        epochs: 2,
        seconds: 3.21,
        runDir: '/r/0',
      },
      {
        number: 1,
        state: 'pruned',
        hyperparameters: { 'a,b': 'z', flag: false },
        objective: 0.1,
        epochs: 1,
        seconds: 1,
        runDir: '/r/1',
      },
      {
        number: 2,
        state: 'failed',
        hyperparameters: { 'a,b': 'w', flag: false },
        epochs: 0,
        seconds: 0.5,
        message: 'no',
      },
      {
        number: 3,
        state: 'complete',
        hyperparameters: { 'a,b': 'v', flag: false },
        objective: 0.3,
        epochs: 2,
        seconds: 2,
        runDir: '/r/3',
      },
    ];
    assert.equal(
      trialsCsv(trials, ['a,b', 'flag']),
      'number,state,"a,b",flag,objective,epochs,seconds\n0,complete,"x""y",True,0.4,2,3.2\n1,pruned,z,False,0.1,1,1.0\n2,failed,w,False,,0,0.5\n3,complete,v,False,0.3,2,2.0\n',
    );
    writeTrialFiles(dir, trials, ['a,b', 'flag'], 'val_loss', 'minimize');
    const best = JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8'));
    assert.deepEqual(best, {
      objective: 0.3,
      metric: 'val_loss',
      direction: 'minimize',
      trial: 3,
      hyperparameters: { 'a,b': 'v', flag: false },
      run: '/r/3',
    });
    writeTrialFiles(dir, trials, ['a,b', 'flag'], 'val_accuracy', 'maximize');
    assert.equal(JSON.parse(readFileSync(join(dir, 'best.json'), 'utf8')).trial, 0);
  });
});
