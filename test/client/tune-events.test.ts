// What the tune view is sent for a tune folder (client/src/panel/tune-events.ts) and the best
// trial Apply best writes (recordedBest, and tune-actions.ts's newest folder with one): read from
// a tune folder laid out as the tune session writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordedBest, tuneViewEvents } from '../../client/src/panel/tune-events';
import type { RunEvent, TuneEvent } from '../../training/protocol';

const started: TuneEvent = {
  type: 'tune_started',
  time: 't',
  tuneDir: '',
  model: 'm',
  sampler: 'typescript',
  samplerDetail: 'TypeScript random search',
  samplerReason: 'asked',
  algorithm: 'random',
  objective: 'val_loss',
  direction: 'minimize',
  maxTrials: 3,
  parallel: 1,
  executionsPerTrial: 1,
  hyperparameters: ['units'],
  previousTrials: 0,
};
const epoch = (n: number, valLoss: number): RunEvent => ({
  type: 'epoch',
  epoch: n,
  epochs: 2,
  loss: valLoss,
  metrics: {},
  valLoss,
  learningRate: 0.001,
  seconds: 1,
  samplesPerSec: 1,
});

function tuneFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tune-events-'));
  const trial = (n: number, state: 'complete' | 'pruned', objective: number): TuneEvent[] => {
    const runDir = join(dir, `trial-${n}`);
    mkdirSync(runDir);
    writeFileSync(
      join(runDir, 'events.jsonl'),
      [epoch(1, objective + 0.1), epoch(2, objective)].map((e) => JSON.stringify(e)).join('\n') + '\n',
    );
    const hp = { units: 16 * (n + 1) };
    return [
      { type: 'trial_started', time: 't', trial: n, hyperparameters: hp, runDir },
      {
        type: 'trial_finished',
        time: 't',
        trial: n,
        state,
        hyperparameters: hp,
        objective,
        epochs: 2,
        seconds: 1,
        runDir,
      },
    ];
  };
  const events = [started, ...trial(0, 'complete', 0.5), ...trial(1, 'pruned', 0.1), ...trial(2, 'complete', 0.3)];
  writeFileSync(join(dir, 'tune.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return dir;
}

test("a tune folder's events for the view: the tune's, then each trial's epochs tagged with the trial", () => {
  const dir = tuneFolder();
  const events = tuneViewEvents(dir);
  assert.equal(events.filter((e) => e.type === 'trial_finished').length, 3);
  const epochs = events.filter((e) => e.type === 'epoch') as (Extract<RunEvent, { type: 'epoch' }> & {
    trial: number;
    execution: number;
  })[];
  assert.deepEqual(
    epochs.map((e) => [e.trial, e.execution, e.epoch]),
    [
      [0, 1, 1],
      [0, 1, 2],
      [1, 1, 1],
      [1, 1, 2],
      [2, 1, 1],
      [2, 1, 2],
    ],
  );
});

test('the best is the lowest complete objective: a pruned trial with a lower value is not it', () => {
  const best = recordedBest(tuneFolder());
  assert.equal(best?.number, 2);
  assert.deepEqual(best?.hyperparameters, { units: 48 });
});
