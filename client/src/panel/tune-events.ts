// What the tune view is sent for a search folder (after a window reload, or a finished search):
// tune.jsonl's events and, for each trial, its first execution's epoch events from the trial's
// events.jsonl, tagged with the trial number as `modelspec tune --json` tags them. No `vscode`
// import: unit-tested in test/client/.

import type { TrialRunEvent, TuneEvent } from '../../../training/protocol';
import { readEvents } from '../../../training/run-folder';
import { bestTrial, finishedTrials, readTuneEvents } from '../../../training/tune/tune-files';
import type { TrialRecord } from '../../../training/tune/types';

export function tuneViewEvents(tuneDir: string): (TuneEvent | TrialRunEvent)[] {
  const events = readTuneEvents(tuneDir);
  const out: (TuneEvent | TrialRunEvent)[] = [];
  const runDirs = new Map<number, string>();
  for (const e of events) {
    if ((e.type === 'trial_started' || e.type === 'trial_finished') && e.runDir) runDirs.set(e.trial, e.runDir);
  }
  for (const e of events) out.push(e);
  for (const [trial, runDir] of runDirs) {
    for (const r of readEvents(runDir)) if (r.type === 'epoch') out.push({ ...r, trial, execution: 1 });
  }
  return out;
}

/** The search's best trial as the tune folder records it (complete trials only). */
export function recordedBest(tuneDir: string): TrialRecord | undefined {
  const events = readTuneEvents(tuneDir);
  const started = events.find((e) => e.type === 'tune_started');
  const direction = started?.type === 'tune_started' ? started.direction : 'minimize';
  return bestTrial(finishedTrials(events), direction);
}
