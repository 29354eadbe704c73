// What `modelspec evaluate` prints for each task's report (cli/evaluate.ts's evaluationText), for
// the cases a short CLI run does not reach: a multi-label report cut at its label bound, a
// diverged regression whose NaN values arrive as null, an image report whose outputs are exact.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { evaluationText } from '../../cli/evaluate';
import type { RunEvent } from '../../training/protocol';
import { taskLine } from '../../training/run-folder';

type Evaluated = Extract<RunEvent, { type: 'evaluated' }>;

describe('evaluationText', () => {
  it('says when the multi-label table lists only the first labels, and escapes label names', () => {
    const labels = Array.from({ length: 256 }, (_, i) => ({
      name: i === 0 ? 'a\x1b[2Jb' : `l${i}`,
      precision: 1,
      recall: 0.5,
      f1: 2 / 3,
      support: 4,
    }));
    const e: Evaluated = {
      type: 'evaluated',
      loss: 0.1,
      metrics: {},
      task: 'multilabel',
      multiLabel: { threshold: 0.5, exactMatch: 0.25, labelCount: 300, labels },
    };
    const text = evaluationText(e, 10);
    assert.match(text, /\(the first 256 of 300 labels\)/);
    assert.doesNotMatch(text, /\x1b/);
    assert.match(text, /l255\s+1\.0000\s+0\.5000\s+0\.6667\s+4/);
  });

  it('prints a diverged regression (null for NaN) without failing', () => {
    const e = {
      type: 'evaluated',
      loss: null,
      metrics: {},
      task: 'regression',
      regression: {
        mae: null,
        rmse: null,
        r2: null,
        outputs: 1,
        output: 0,
        count: 3,
        trueValues: [1, 2, 3],
        predicted: [null, null, null],
      },
    } as unknown as Evaluated;
    assert.match(evaluationText(e, 3), /Regression: MAE NaN, RMSE NaN, R² NaN/);
    assert.match(evaluationText(e, 3), /Predicted vs true: 3 of 3 test samples of the output/);
  });

  it('says PSNR is not defined when the outputs equal the targets', () => {
    const e: Evaluated = {
      type: 'evaluated',
      loss: 0,
      metrics: {},
      task: 'image-to-image',
      images: { mse: 0, peak: 1, triples: [] },
    };
    assert.match(
      evaluationText(e, 3),
      /Reconstruction: MSE 0\.000, PSNR not defined \(outputs equal the targets\) \(peak 1\)/,
    );
  });

  it("summary.txt's one line per task report (taskLine)", () => {
    const labels = [
      { name: 'a', precision: 1, recall: 1, f1: 1, support: 2 },
      { name: 'b', precision: 0.5, recall: 0.5, f1: 0.5, support: 2 },
    ];
    const base = { type: 'evaluated' as const, loss: 0.1, metrics: {} };
    assert.equal(
      taskLine({ ...base, multiLabel: { threshold: 0.5, exactMatch: 0.5, labelCount: 2, labels } }),
      'Test per label (2 labels, above 0.5): exact match 0.5000, mean F1 0.7500',
    );
    assert.equal(
      taskLine({ ...base, images: { mse: 0.01, psnr: 20, peak: 1, triples: [] } }),
      'Test reconstruction: MSE 0.0100, PSNR 20.00 dB',
    );
    assert.equal(taskLine({ ...base, confusionMatrix: [[1]] }), undefined);
  });
});
