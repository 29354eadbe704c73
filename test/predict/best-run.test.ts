// predict/best-run.ts: which run `modelspec predict --best` picks from run folders written here —
// the rows and best values of `modelspec runs` (training/run-table.ts), the metric's direction,
// ties to the newer run, runs without a saved model left out, and the refusals.

import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pickBestRun } from '../../predict/best-run';
import { PredictError } from '../../predict/run-model';

describe('--best', () => {
  const root = mkdtempSync(join(tmpdir(), 'modelspec-best-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  /** A run folder (events.jsonl; no spec.json, so the metric is the epochs' first) with epochs of
   *  the given validation values, and a model.json unless `saved` is false. */
  function run(name: string, metrics: string[], values: Record<string, number>[], saved = true): string {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const events = [
      { type: 'started', model: 'm', engine: 'tfjs', epochs: values.length },
      ...values.map((v, i) => ({
        type: 'epoch',
        epoch: i + 1,
        epochs: values.length,
        loss: 1,
        metrics: Object.fromEntries(metrics.map((m) => [m, 0.5])),
        seconds: 1,
        valLoss: v.loss,
        valMetrics: Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'loss')),
      })),
      { type: 'finished', epochs: values.length, seconds: 1 },
    ];
    writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    if (saved) writeFileSync(join(dir, 'model.json'), '{}');
    return dir;
  }

  it('picks the highest val_accuracy, newer on a tie, and leaves out runs that saved no model', () => {
    const dir = join(root, 'acc');
    const a = run(
      'acc/1',
      ['accuracy'],
      [
        { loss: 0.5, accuracy: 0.7 },
        { loss: 0.4, accuracy: 0.9 },
      ],
    );
    run('acc/2', ['accuracy'], [{ loss: 0.3, accuracy: 0.8 }]);
    run('acc/3', ['accuracy'], [{ loss: 0.1, accuracy: 0.99 }], false);
    const picked = pickBestRun(dir);
    assert.equal(picked.runDir, a);
    assert.equal(picked.reason, 'the best val_accuracy (highest) of 2 runs: val_accuracy 0.9000 (epoch 2)');
    const tie = run('acc/4', ['accuracy'], [{ loss: 0.6, accuracy: 0.9 }]);
    assert.equal(pickBestRun(dir).runDir, tie, 'a tie goes to the newer run');
  });

  it('picks the lowest val_loss when there is no metric; refuses without validation values or runs', () => {
    run('loss/1', [], [{ loss: 0.5 }]);
    const b = run('loss/2', [], [{ loss: 0.2 }]);
    assert.equal(pickBestRun(join(root, 'loss')).runDir, b);
    assert.match(pickBestRun(join(root, 'loss')).reason, /^the best val_loss \(lowest\) of 2 runs/);
    const none = join(root, 'none');
    mkdirSync(none);
    assert.throws(
      () => pickBestRun(none),
      (e: Error) => e instanceof PredictError && /holds no runs/.test(e.message),
    );
    run('noval/1', ['accuracy'], []);
    assert.throws(
      () => pickBestRun(join(root, 'noval')),
      (e: Error) => e instanceof PredictError && /no run in .* has a validation metric/.test(e.message),
    );
  });
});
