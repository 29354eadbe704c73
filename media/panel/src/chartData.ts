// Turns a run (and earlier runs to overlay) into the columns one uPlot chart draws.
// uPlot wants every series on one shared x array, so the per-batch, per-epoch and overlay
// tables are joined on x (in epochs), with null where a series has no point.

import { smoothEma } from './smoothing';
import { epochValue, type RunModel } from './runModel';

export type SeriesRole = 'batch' | 'smoothed' | 'train' | 'validation' | 'overlayTrain' | 'overlayValidation';

export interface SeriesSpec {
  role: SeriesRole;
  label: string;
  /** Index into the overlay list for overlay series. */
  overlay?: number;
}

export interface Overlay {
  label: string;
  run: RunModel;
}

export interface ChartData {
  series: SeriesSpec[];
  /** [x, ...one column per series], as uPlot.AlignedData. */
  columns: [number[], ...(number | null)[][]];
}

interface Table {
  x: readonly number[];
  ys: readonly (readonly (number | null)[])[];
}

function join(tables: Table[]): ChartData['columns'] {
  const xs = Array.from(new Set(tables.flatMap((t) => t.x))).sort((a, b) => a - b);
  const row = new Map(xs.map((x, i) => [x, i]));
  const columns: (number | null)[][] = [];
  for (const t of tables) {
    for (const y of t.ys) {
      const column = new Array<number | null>(xs.length).fill(null);
      t.x.forEach((x, i) => (column[row.get(x)!] = y[i]));
      columns.push(column);
    }
  }
  return [xs, ...columns];
}

function epochTable(run: RunModel, quantity: string): Table {
  return {
    x: run.epochs.map((e) => e.epoch),
    ys: [run.epochs.map((e) => epochValue(e, quantity, false)), run.epochs.map((e) => epochValue(e, quantity, true))],
  };
}

/** The series every chart has, in order; overlays add two series each. */
export function seriesFor(overlays: readonly Overlay[]): SeriesSpec[] {
  return [
    { role: 'batch', label: 'train (per batch)' },
    { role: 'smoothed', label: 'train (smoothed)' },
    { role: 'train', label: 'train (epoch)' },
    { role: 'validation', label: 'validation' },
    ...overlays.flatMap((o, i): SeriesSpec[] => [
      { role: 'overlayTrain', label: `${o.label} train`, overlay: i },
      { role: 'overlayValidation', label: `${o.label} validation`, overlay: i },
    ]),
  ];
}

export function chartData(run: RunModel, overlays: readonly Overlay[], quantity: string, smoothing: number): ChartData {
  const raw = run.batchValues.get(quantity) ?? new Array<number | null>(run.batchX.length).fill(null);
  const tables: Table[] = [
    { x: run.batchX, ys: [raw, smoothEma(raw, smoothing)] },
    epochTable(run, quantity),
    ...overlays.map((o) => epochTable(o.run, quantity)),
  ];
  return { series: seriesFor(overlays), columns: join(tables) };
}
