// A learning-rate range test from a plan: the run session (run-session.ts) in mode 'lr-find' on
// the file's engine, then the suggestion (lr-find.ts) from its `lr_point` events, written to
// <folder>/lr-find.json for the panel and for later readers. `modelspec lr-find` and the
// editor's Find Learning Rate command only render it.

import { join } from 'node:path';
import type { TrainingPlan } from '../language/analysis/plan';
import { writeFileAtomic } from './files';
import { DEFAULT_LR_FIND, lrPoints, suggestLearningRate, type LrFindResult } from './lr-find';
import type { LrFindSettings, RunEvent } from './protocol';
import { startRunSession, type RunSession, type SessionOptions } from './run-session';

export interface LrFindOutcome extends LrFindResult {
  /** The range test's folder (runs/<model>/lr-find-<time>/). */
  folder: string;
  final: RunEvent;
  /** Why the test failed or stopped (the engine's `failed` or `stopped` event). */
  failure?: string;
  engine: string;
}

export interface LrFindRun {
  session: RunSession;
  /** Resolves once the engine has ended and lr-find.json is written. */
  outcome: Promise<LrFindOutcome>;
}

/** The settings with the defaults filled in; throws with what is wrong for bad values. */
export function lrFindSettings(overrides: Partial<LrFindSettings> = {}): LrFindSettings {
  const s = { ...DEFAULT_LR_FIND, ...overrides };
  if (!(s.startLearningRate > 0) || !(s.endLearningRate > s.startLearningRate))
    throw new Error(
      `the learning-rate range must rise from a positive start: got ${s.startLearningRate} to ${s.endLearningRate}`,
    );
  if (!Number.isSafeInteger(s.steps) || s.steps < 10 || s.steps > 100_000)
    throw new Error(`the range test's steps must be a whole number from 10 to 100000: got ${s.steps}`);
  if (!(s.smoothing >= 0 && s.smoothing < 1)) throw new Error(`smoothing must be in [0, 1): got ${s.smoothing}`);
  if (!(s.divergeFactor > 1)) throw new Error(`the divergence factor must be above 1: got ${s.divergeFactor}`);
  return s;
}

export async function startLrFind(
  plan: TrainingPlan,
  opts: SessionOptions & { settings?: Partial<LrFindSettings> },
): Promise<LrFindRun> {
  const session = await startRunSession(plan, { ...opts, lrFind: lrFindSettings(opts.settings) });
  const outcome = session.done.then((final): LrFindOutcome => {
    const result = suggestLearningRate(lrPoints(session.events));
    const out: LrFindOutcome = {
      ...result,
      folder: session.runId,
      final,
      engine: session.choice.engine,
      failure:
        final.type === 'failed' ? final.message : final.type === 'stopped' ? `stopped: ${final.reason}` : undefined,
    };
    writeFileAtomic(join(session.runId, 'lr-find.json'), JSON.stringify(lrFindJson(out), null, 2) + '\n');
    return out;
  });
  return { session, outcome };
}

/** What lr-find.json and `modelspec lr-find --json` hold at the end. */
export function lrFindJson(o: LrFindOutcome): Record<string, unknown> {
  return {
    folder: o.folder,
    engine: o.engine,
    suggestion: o.suggestion ?? null,
    ...(o.problem ? { problem: o.problem } : {}),
    ...(o.failure ? { failure: o.failure } : {}),
    points: o.points.map(({ step, learningRate, loss, smoothedLoss }) => ({ step, learningRate, loss, smoothedLoss })),
  };
}
