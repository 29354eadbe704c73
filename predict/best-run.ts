// `modelspec predict --best`: the run of a model to predict with, when the user has several. The
// rows and the "best validation metric" are those of `modelspec runs` (training/run-table.ts), so
// the run picked is the one that table shows as best; only runs that saved a model can be picked.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { higherIsBetter, runRows, type RunRow } from '../training/run-table';
import { bestText } from '../training/run-facts-text';
import { PredictError } from './run-model';

export interface PickedRun {
  runDir: string;
  /** Why this run: its best validation metric, among how many runs. */
  reason: string;
}

export function pickBestRun(runsDir: string): PickedRun {
  const rows = runRows(runsDir);
  if (rows.length === 0)
    throw new PredictError(`${runsDir} holds no runs; train the model first (modelspec train FILE)`);
  // A running run's model.json is not its final one; a run that saved nothing cannot predict.
  const usable = rows.filter((r) => r.status !== 'running' && existsSync(join(r.runDir, 'model.json')));
  if (usable.length === 0)
    throw new PredictError(
      `none of the ${rows.length} run${rows.length === 1 ? '' : 's'} in ${runsDir} saved a model yet (still running, or ended before saving); give a run folder or train again`,
    );
  const judged = usable.filter((r): r is RunRow & { best: NonNullable<RunRow['best']> } => r.best !== undefined);
  if (judged.length === 0)
    throw new PredictError(
      `no run in ${runsDir} has a validation metric to pick the best by (add validation_split or a validation source to the data block), so --best cannot choose; give a run folder instead`,
    );
  // Runs of one model normally share the metric; if the compile block changed, the commonest one
  // decides, since values of different metrics cannot be compared.
  const counts = new Map<string, number>();
  for (const r of judged) counts.set(r.best.metric, (counts.get(r.best.metric) ?? 0) + 1);
  const metric = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const comparable = judged.filter((r) => r.best.metric === metric);
  const up = higherIsBetter(metric);
  // Ties go to the newer run (rows are oldest first).
  const best = comparable.reduce((a, b) =>
    (up ? b.best.value >= a.best.value : b.best.value <= a.best.value) ? b : a,
  );
  const others = comparable.length - 1;
  const left = usable.length - comparable.length;
  const reason =
    `the best ${metric} (${up ? 'highest' : 'lowest'}) ` +
    (others === 0 ? 'and the only run with it' : `of ${comparable.length} runs`) +
    `: ${bestText(best)}` +
    (left > 0 ? `; ${left} run${left === 1 ? '' : 's'} without ${metric} not compared` : '');
  return { runDir: best.runDir, reason };
}
