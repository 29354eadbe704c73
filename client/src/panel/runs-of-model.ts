// The runs view's rows and "Open Run…"'s items: every run of a model with what its folder
// recorded (training/run-table.ts), labelled by the hyperparameters that differ
// between them rather than by timestamps and paths.

import type { RunSummary } from '../../../media/panel/src/messages';
import { differingHyperparameters, hyperparameterLabel, runRow, type RunRow } from '../../../training/run-table';
import { listRuns } from '../runs-folder';

export interface RunsOfModel {
  runs: RunSummary[];
  differing: string[];
}

/** The model's runs under `root`, newest first; `displayed` marks the one the panel shows. */
export function runsOfModel(root: string, model: string, displayed?: string): RunsOfModel {
  const listed = listRuns(root, model);
  const rows: RunRow[] = listed.map((r) => runRow(r.runDir));
  const differing = differingHyperparameters(rows);
  const labels = rows.map((row, i) => (differing.length > 0 ? hyperparameterLabel(row, differing) : listed[i].label));
  const runs = listed.map((r, i): RunSummary => {
    const { runDir: _dir, name: _name, model: _model, started: _started, ...facts } = rows[i];
    // Runs with the same values (a repeat) are told apart by their time.
    const shared = labels.filter((l) => l === labels[i]).length > 1;
    return {
      runDir: r.runDir,
      label: shared && differing.length > 0 ? `${labels[i]} · ${r.label}` : labels[i],
      name: r.label,
      facts,
      displayed: r.runDir === displayed || undefined,
    };
  });
  return { runs, differing };
}
