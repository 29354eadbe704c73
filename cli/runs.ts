// `modelspec runs MODEL_OR_DIR [--json] [--csv]`: a model's runs side by side in a terminal —
// status, engine and device, epochs, best validation metric, test metrics, duration and the
// hyperparameters that differ between runs, as the run folders recorded them.

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { printable, printableJson } from '../language/printable';
import { differingHyperparameters, formatHyperparameter, runRows, type RunRow } from '../training/run-table';
import { bestText, durationText, engineText, epochsText, testText } from '../training/run-facts-text';
import { colourFor, style } from './style';

export interface RunsArgs {
  /** A run folder, a model's runs folder, a runs root, or (resolved by the caller) runs/<model>. */
  dir: string;
  format: 'table' | 'json' | 'csv';
}

/** Where a .model file's runs are: runs/<model name> next to it, as `modelspec train` writes them. */
export function runsDirOf(modelFile: string, modelName: string): string {
  return join(dirname(resolve(modelFile)), 'runs', modelName);
}

/** A CSV cell (RFC 4180 quoting) with nothing unprintable: folder names come from the user's disk. */
function csvCell(raw: string): string {
  const s = printable(raw);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function runsCsv(rows: RunRow[], differing: string[]): string {
  const metrics = [...new Set(rows.flatMap((r) => Object.keys(r.test?.metrics ?? {})))];
  const header = [
    'run',
    'model',
    'status',
    'engine',
    'backend',
    'device',
    'epochs',
    'planned_epochs',
    'best_metric',
    'best_value',
    'best_epoch',
    'test_loss',
    ...metrics.map((m) => `test_${m}`),
    'seconds',
    ...differing,
  ];
  const lines = rows.map((r) =>
    [
      r.name,
      r.model,
      r.status,
      r.engine ?? '',
      r.backend ?? '',
      r.device ?? '',
      String(r.epochs),
      r.plannedEpochs === undefined ? '' : String(r.plannedEpochs),
      r.best?.metric ?? '',
      r.best === undefined ? '' : String(r.best.value),
      r.best === undefined ? '' : String(r.best.epoch),
      r.test === undefined ? '' : String(r.test.loss),
      ...metrics.map((m) => (r.test?.metrics[m] === undefined ? '' : String(r.test.metrics[m]))),
      r.seconds === undefined ? '' : String(r.seconds),
      ...differing.map((k) => formatHyperparameter(r.hyperparameters[k])),
    ]
      .map(csvCell)
      .join(','),
  );
  return [header.map(csvCell).join(','), ...lines].join('\n') + '\n';
}

/** Columns padded to their widest cell; long device names shortened. */
function runsTable(
  rows: RunRow[],
  differing: string[],
  statusStyle: (status: string, padded: string) => string,
): string {
  const short = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  const header = ['run', 'status', 'engine', 'device', 'epochs', 'best', 'test', 'time', ...differing];
  const cells = rows.map((r) =>
    [
      r.name,
      r.status,
      engineText(r),
      short(r.device ?? '', 32),
      epochsText(r),
      bestText(r),
      testText(r),
      durationText(r.seconds),
      ...differing.map((k) => formatHyperparameter(r.hyperparameters[k])),
    ].map((c) => printable(c)),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[], styled = false) =>
    c
      .map((v, i) => (styled && i === 1 ? statusStyle(v, v.padEnd(widths[i])) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...cells.map((c) => line(c, true))].join('\n') + '\n';
}

export function runs(args: RunsArgs): number {
  const dir = resolve(args.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(
      `modelspec: ${printable(args.dir)}: no such folder; give a .model file, its runs folder (runs/<model>) or a run folder\n`,
    );
    return 2;
  }
  const rows = runRows(dir);
  const differing = differingHyperparameters(rows);
  if (args.format === 'json') {
    process.stdout.write(printableJson({ runs: rows, differing }, 2) + '\n');
    return 0;
  }
  if (args.format === 'csv') {
    process.stdout.write(runsCsv(rows, differing));
    return 0;
  }
  if (rows.length === 0) {
    process.stderr.write(`No runs in ${printable(dir)} yet: train the model with modelspec train FILE\n`);
    return 0;
  }
  const s = style(colourFor(process.stdout));
  const colour = (status: string, padded: string) =>
    status === 'finished'
      ? s.green(padded)
      : status === 'failed' || status === 'killed'
        ? s.red(padded)
        : status === 'running'
          ? s.cyan(padded)
          : s.yellow(padded);
  process.stdout.write(runsTable(rows, differing, colour));
  return 0;
}
