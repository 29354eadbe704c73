// The learning-rate range test's rule (training/lr-find.ts) and its Python mirror
// (python/modelspec_torch/lr_find.py): schedule, smoothed loss, stop rule and suggestion. The
// parity case feeds both the same raw losses; the engines' own loops are run on real data by
// test/cli/lr-find.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LR_FIND,
  formatLearningRate,
  learningRateAt,
  RangeTestTracker,
  suggestLearningRate,
  type LrPoint,
} from '../../training/lr-find';
import { lrFindSettings } from '../../training/lr-find-session';
import type { LrFindSettings } from '../../training/protocol';
import { PYTHON_DIR, SKIP, pythonEval } from './torch/helpers';

/** What an engine's loop emits for these raw losses (the TS rule), and why it stopped. */
function simulate(settings: LrFindSettings, losses: number[]): { points: LrPoint[]; stop?: string } {
  const tracker = new RangeTestTracker(settings);
  const points: LrPoint[] = [];
  for (let step = 0; step < Math.min(settings.steps, losses.length); step++) {
    const smoothedLoss = tracker.add(losses[step]!);
    points.push({
      type: 'lr_point',
      step: step + 1,
      learningRate: learningRateAt(settings, step),
      loss: losses[step]!,
      smoothedLoss,
    });
    const why = tracker.divergence(smoothedLoss);
    if (why) return { points, stop: why };
  }
  return { points };
}

/** A typical range test: flat, then falling fastest around 1e-3, lowest near 1e-2, then blowing up. */
function syntheticLosses(settings: LrFindSettings): number[] {
  return Array.from({ length: settings.steps }, (_, i) => {
    const x = Math.log10(learningRateAt(settings, i));
    const fall = 2.3 - 2 / (1 + Math.exp(-(x + 3) * 3)); // a sigmoid step down centred on 1e-3
    const rise = x > -1.5 ? 10 ** ((x + 1.5) * 2) - 1 : 0; // divergence past ~3e-2
    return fall + rise + 0.02 * Math.sin(i * 1.7); // a little deterministic noise
  });
}

test('the schedule is exponential from the start to the end learning rate', () => {
  const s = { ...DEFAULT_LR_FIND, startLearningRate: 1e-6, endLearningRate: 1, steps: 7 };
  const lrs = Array.from({ length: 7 }, (_, i) => learningRateAt(s, i));
  lrs.forEach((lr, i) => assert.ok(Math.abs(Math.log10(lr) - (-6 + i)) < 1e-12, `step ${i}: ${lr}`));
});

test('the smoothed loss is bias-corrected: a constant loss smooths to itself from the first batch', () => {
  const t = new RangeTestTracker(DEFAULT_LR_FIND);
  for (let i = 0; i < 5; i++) assert.ok(Math.abs(t.add(2.5) - 2.5) < 1e-12);
  const u = new RangeTestTracker({ ...DEFAULT_LR_FIND, smoothing: 0.5 });
  u.add(1);
  // (0.5·(0.5·0 + 0.5·1) + 0.5·3) / (1 − 0.25) = 2.333…
  assert.ok(Math.abs(u.add(3) - 7 / 3) < 1e-12);
});

test('the test stops when the smoothed loss passes 4× the best, or is not finite', () => {
  const t = new RangeTestTracker({ ...DEFAULT_LR_FIND, smoothing: 0 });
  assert.equal(t.divergence(t.add(1)), undefined);
  assert.equal(t.divergence(t.add(3.9)), undefined);
  assert.match(t.divergence(t.add(4.1)) ?? '', /passed 4× the best \(1\)/);
  assert.match(t.divergence(t.add(Number.NaN)) ?? '', /NaN or infinite/);
  const { points, stop } = simulate(DEFAULT_LR_FIND, syntheticLosses(DEFAULT_LR_FIND));
  assert.ok(stop, 'the synthetic curve diverges');
  assert.ok(points.length < DEFAULT_LR_FIND.steps, `stopped early (${points.length} points)`);
});

test('the suggestion is the steepest descent of the smoothed loss, and min/10 is given beside it', () => {
  const { points } = simulate(DEFAULT_LR_FIND, syntheticLosses(DEFAULT_LR_FIND));
  const { suggestion } = suggestLearningRate(points);
  assert.ok(suggestion);
  assert.equal(suggestion.rule, 'steepest');
  // The synthetic curve falls fastest at 1e-3 (the smoothing delays it by a few batches).
  assert.ok(suggestion.steepest! > 3e-4 && suggestion.steepest! < 1e-2, `steepest ${suggestion.steepest}`);
  assert.equal(suggestion.suggested, suggestion.steepest);
  const lowest = points.reduce((a, b) => (b.smoothedLoss < a.smoothedLoss ? b : a));
  assert.equal(suggestion.minimum, lowest.learningRate);
  assert.equal(suggestion.minimumOver10, lowest.learningRate / 10);
});

test('a loss that only rises has no steepest descent: min/10 is suggested; too few points, none', () => {
  const points: LrPoint[] = Array.from({ length: 30 }, (_, i) => ({
    type: 'lr_point',
    step: i + 1,
    learningRate: 10 ** (-6 + i / 5),
    loss: 1 + i,
    smoothedLoss: 1 + i,
  }));
  const { suggestion } = suggestLearningRate(points);
  assert.equal(suggestion?.rule, 'minimum/10');
  assert.equal(suggestion?.suggested, 1e-7);
  const few = suggestLearningRate(points.slice(0, 2));
  assert.equal(few.suggestion, undefined);
  assert.match(few.problem ?? '', /2 usable points; it needs at least 3/);
});

test('learning rates are written as people write them', () => {
  assert.equal(formatLearningRate(0.001234), '1.2e-3');
  assert.equal(formatLearningRate(0.0009996), '1e-3');
  assert.equal(formatLearningRate(0.05), '0.05');
  assert.equal(formatLearningRate(3.16e-5), '3.2e-5');
  assert.equal(formatLearningRate(1), '1');
});

test('settings are checked with what is wrong', () => {
  assert.throws(
    () => lrFindSettings({ startLearningRate: 1, endLearningRate: 0.1 }),
    /must rise from a positive start/,
  );
  assert.throws(() => lrFindSettings({ steps: 3 }), /whole number from 10 to 100000: got 3/);
  assert.deepEqual(lrFindSettings({ steps: 50 }), { ...DEFAULT_LR_FIND, steps: 50 });
});

test(
  'the PyTorch engine applies the same rule: same schedule, smoothed losses and stopping step',
  { skip: SKIP },
  async () => {
    const settings = { ...DEFAULT_LR_FIND, steps: 150 };
    const losses = syntheticLosses(settings);
    const script = `
import json, sys
sys.path.insert(0, sys.argv[1])
from modelspec_torch.lr_find import simulate
args = json.loads(sys.stdin.read())
points, why = simulate(args['settings'], args['losses'])
print(json.dumps({'points': points, 'stopped': why is not None}))
`;
    // Fails with the snippet's traceback where it fails (pythonEval: the engine's test Python).
    const out = await pythonEval(script, { input: JSON.stringify({ settings, losses }), args: [PYTHON_DIR] });
    const py = JSON.parse(out) as { points: Omit<LrPoint, 'type'>[]; stopped: boolean };
    const ts = simulate(settings, losses);
    assert.equal(py.stopped, ts.stop !== undefined);
    assert.equal(py.points.length, ts.points.length, 'both stop after the same batch');
    ts.points.forEach((p, i) => {
      const q = py.points[i]!;
      assert.equal(q.step, p.step);
      assert.ok(Math.abs(q.learningRate / p.learningRate - 1) < 1e-12, `step ${p.step} learning rate`);
      assert.ok(Math.abs(q.smoothedLoss - p.smoothedLoss) < 1e-9, `step ${p.step} smoothed loss`);
    });
  },
);
