// The words the status bar and the progress notification show while a run goes:
// "digits_mlp · epoch 2/8 · ETA 0:41 · loss 0.2345". Pure, so it is unit-tested without VS Code.

import type { RunEvent } from '../../server/src/training/protocol';

type Started = Extract<RunEvent, { type: 'started' }>;
type Batch = Extract<RunEvent, { type: 'batch' }>;

export interface RunProgress {
  model: string;
  epoch: number;
  epochs: number;
  /** Seconds left for the whole run, when the speed is known. */
  etaSeconds?: number;
  loss?: number;
  /** 0..1 of the whole run. */
  fraction: number;
  ended?: 'finished' | 'stopped' | 'failed';
}

/** Folds a run's events (in order) into what the status bar shows. */
export function runProgress(model: string, events: readonly RunEvent[]): RunProgress {
  let started: Started | undefined;
  let lastBatch: Batch | undefined;
  let epochsDone = 0;
  let loss: number | undefined;
  let ended: RunProgress['ended'];
  for (const e of events) {
    if (e.type === 'started') started = e;
    else if (e.type === 'batch') {
      lastBatch = e;
      loss = e.loss;
    } else if (e.type === 'epoch') {
      epochsDone = e.epoch;
      loss = e.loss;
    } else if (e.type === 'finished' || e.type === 'stopped' || e.type === 'failed') ended = e.type;
  }
  const epochs = started?.epochs ?? 0;
  const batches = lastBatch?.batches ?? started?.stepsPerEpoch ?? 0;
  // Progress through the current epoch, from the last batch if it belongs to an unfinished epoch.
  const inEpoch = lastBatch && lastBatch.epoch > epochsDone && batches > 0 ? lastBatch.batch / batches : 0;
  const done = epochsDone + inEpoch;
  const fraction = epochs > 0 ? Math.min(1, done / epochs) : 0;
  let etaSeconds: number | undefined;
  if (lastBatch && started && lastBatch.samplesPerSec > 0 && batches > 0) {
    const batchesLeft = (epochs - done) * batches;
    etaSeconds = Math.max(0, (batchesLeft * started.batchSize) / lastBatch.samplesPerSec);
  }
  // While running: the epoch being trained; once ended: the last epoch that saw a batch.
  const epoch = ended ? Math.max(epochsDone, lastBatch?.epoch ?? 0) : Math.min(epochs, epochsDone + 1);
  return { model, epoch, epochs, etaSeconds, loss, fraction, ended };
}

export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`;
}

/** The status bar text (without the icon). */
export function statusText(p: RunProgress): string {
  const parts = [p.model];
  if (p.epochs > 0) parts.push(`epoch ${p.epoch}/${p.epochs}`);
  else parts.push('starting');
  if (p.etaSeconds !== undefined && !p.ended) parts.push(`ETA ${clock(p.etaSeconds)}`);
  if (p.loss !== undefined && Number.isFinite(p.loss)) parts.push(`loss ${p.loss.toFixed(4)}`);
  if (p.ended) parts.push(p.ended);
  return parts.join(' · ');
}
