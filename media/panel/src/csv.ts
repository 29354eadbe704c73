// CSV export: one row per batch and one per epoch, every quantity in its own column.

import { epochValue, type RunModel } from './runModel';

function cell(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function runToCsv(run: RunModel): string {
  const q = run.quantities;
  const header = [
    'kind',
    'epoch',
    'batch',
    'x_epochs',
    ...q,
    ...q.map((n) => `val_${n}`),
    'learning_rate',
    'seconds',
    'samples_per_sec',
  ];
  const rows: string[] = [header.join(',')];
  for (let i = 0; i < run.batchX.length; i++) {
    const values = q.map((n) => run.batchValues.get(n)?.[i] ?? null);
    rows.push(
      ['batch', run.batchEpoch[i], run.batchIndex[i], run.batchX[i], ...values, ...q.map(() => null), null, null, null]
        .map(cell)
        .join(','),
    );
  }
  for (const e of run.epochs) {
    const train = q.map((n) => epochValue(e, n, false));
    const val = q.map((n) => epochValue(e, n, true));
    rows.push(
      ['epoch', e.epoch, null, e.epoch, ...train, ...val, e.learningRate, e.seconds, e.samplesPerSec]
        .map(cell)
        .join(','),
    );
  }
  return rows.join('\n') + '\n';
}
