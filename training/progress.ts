// How far a run is and how long it has left, folded from its events: the one estimator the
// status bar, the progress notification and the training panel all show, so they agree.
// Pure (no DOM, no Node, no `vscode`): the panel's browser bundle imports it too.
//
// The ETA is remaining batches × a smoothed time per batch, plus remaining epoch ends × a
// smoothed epoch-end overhead (validation, callbacks, saving). Both come from the batches'
// timestamps, so a replayed run (events.jsonl) gives the same numbers as the live one. One slow
// batch (a GC pause, a checkpoint) moves the estimate by a few percent, not by a factor.

import type { RunEvent } from './protocol';

type Started = Extract<RunEvent, { type: 'started' }>;
type Batch = Extract<RunEvent, { type: 'batch' }>;

/** Weight of one batch in the per-batch time average: about the last 50 batches count. */
const BATCH_ALPHA = 0.02;
/** Weight of one epoch end in the overhead average. */
const EPOCH_ALPHA = 0.5;
/** A single sample counts as at most this many times the current estimate (or a third of it). */
const OUTLIER_RATIO = 3;

export type RunEnding = 'finished' | 'stopped' | 'failed';

export interface RunProgress {
  /** While running: the epoch being trained; once ended: the last epoch that saw a batch. */
  epoch: number;
  epochs: number;
  /** 0..1 of the whole run; 1 once it finished (also when a callback ended it early). */
  fraction: number;
  /** Seconds left, while running and once the speed is known. */
  etaSeconds?: number;
  /** Seconds since the engine started: the last batch's time, or the run's total once finished. */
  elapsedSeconds: number;
  loss?: number;
  samplesPerSec?: number;
  ended?: RunEnding;
}

/** Fold events in order with `apply`; read the state with `snapshot`. */
export class ProgressTracker {
  private started?: Started;
  private lastBatch?: Batch;
  private epochsDone = 0;
  private loss?: number;
  private ended?: RunEnding;
  private elapsed = 0;
  private samplesPerSec?: number;
  /** Smoothed seconds per batch, from consecutive batches' timestamps. */
  private secondsPerBatch?: number;
  /** Batches timed so far: until there are 1/BATCH_ALPHA of them the average is a plain mean. */
  private batchesTimed = 0;
  /** Smoothed extra seconds at an epoch end (validation and callbacks). */
  private epochEndSeconds = 0;
  private epochEndsTimed = 0;
  /** The last timestamped position: batches since the start of training, and its time. */
  private mark?: { position: number; time: number; epoch: number };

  apply(e: RunEvent): void {
    switch (e.type) {
      case 'started':
        this.started = e;
        break;
      case 'batch':
        this.observeBatch(e);
        this.lastBatch = e;
        this.loss = e.loss;
        this.elapsed = Math.max(this.elapsed, e.time);
        this.samplesPerSec = e.samplesPerSec;
        break;
      case 'epoch':
        this.epochsDone = e.epoch;
        this.loss = e.loss;
        this.samplesPerSec = e.samplesPerSec;
        break;
      case 'finished':
        this.ended = 'finished';
        this.elapsed = e.seconds;
        break;
      case 'stopped':
      case 'failed':
        this.ended = e.type;
        break;
      default:
        break;
    }
  }

  private observeBatch(b: Batch): void {
    const position = (b.epoch - 1) * b.batches + b.batch;
    const mark = this.mark;
    // The first batch's time includes building the model: it only sets the mark.
    if (!mark) {
      this.mark = { position, time: b.time, epoch: b.epoch };
      return;
    }
    const steps = position - mark.position;
    const seconds = b.time - mark.time;
    // No time passed (or none recorded): keep the mark, so the next sample spans both.
    if (steps <= 0 || !(seconds > 0)) return;
    this.mark = { position, time: b.time, epoch: b.epoch };
    if (b.epoch !== mark.epoch) {
      // Across an epoch end: what the batches do not explain is the epoch end's overhead.
      if (this.secondsPerBatch !== undefined) {
        const overhead = Math.max(0, seconds - steps * this.secondsPerBatch);
        this.epochEndsTimed += 1;
        this.epochEndSeconds += Math.max(EPOCH_ALPHA, 1 / this.epochEndsTimed) * (overhead - this.epochEndSeconds);
      }
      return;
    }
    const sample = seconds / steps;
    const current = this.secondsPerBatch;
    this.batchesTimed += steps;
    if (current === undefined) {
      this.secondsPerBatch = sample;
      return;
    }
    const bounded = Math.min(current * OUTLIER_RATIO, Math.max(current / OUTLIER_RATIO, sample));
    // A sample that spans several batches weighs as much as those batches would have; the
    // first ones are averaged plainly, so the start is not biased to the very first batch.
    const alpha = Math.max(1 - Math.pow(1 - BATCH_ALPHA, steps), steps / this.batchesTimed);
    this.secondsPerBatch = current + alpha * (bounded - current);
  }

  snapshot(): RunProgress {
    const epochs = this.started?.epochs ?? 0;
    const last = this.lastBatch;
    const batches = last?.batches ?? this.started?.stepsPerEpoch ?? 0;
    // Progress through the current epoch, from the last batch if it belongs to an unfinished epoch.
    const inEpoch = last && last.epoch > this.epochsDone && batches > 0 ? last.batch / batches : 0;
    const done = this.epochsDone + inEpoch;
    // A finished run is complete, also when EarlyStopping ended it before the planned epochs.
    const fraction = this.ended === 'finished' ? 1 : epochs > 0 ? Math.min(1, done / epochs) : 0;
    const epoch = this.ended ? Math.max(this.epochsDone, last?.epoch ?? 0) : Math.min(epochs, this.epochsDone + 1);
    const progress: RunProgress = {
      epoch,
      epochs,
      fraction,
      elapsedSeconds: this.elapsed,
      loss: this.loss,
      samplesPerSec: this.samplesPerSec,
      ended: this.ended,
    };
    if (!this.ended && last && epochs > 0 && batches > 0) {
      // Before two timestamps are known, the engine's own speed stands in.
      const perBatch =
        this.secondsPerBatch ??
        (this.started && last.samplesPerSec > 0 ? this.started.batchSize / last.samplesPerSec : undefined);
      if (perBatch !== undefined) {
        const batchesLeft = Math.max(0, (epochs - done) * batches);
        const epochEndsLeft = Math.max(0, epochs - this.epochsDone);
        progress.etaSeconds = batchesLeft * perBatch + epochEndsLeft * this.epochEndSeconds;
      }
    }
    return progress;
  }
}

/** The progress after `events` (in order). */
export function progressOf(events: readonly RunEvent[]): RunProgress {
  const tracker = new ProgressTracker();
  for (const e of events) tracker.apply(e);
  return tracker.snapshot();
}

/** 0:05, 2:05, 1:02:05: how every view writes an ETA or an elapsed time. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(s % 60).padStart(2, '0')}`;
}

/** "ETA 0:29" while running, "elapsed 0:50" once ended; undefined while the speed is unknown. */
export function timeLabel(p: RunProgress): { label: 'ETA' | 'elapsed'; value: string } | undefined {
  if (p.ended) return { label: 'elapsed', value: clock(p.elapsedSeconds) };
  if (p.etaSeconds === undefined) return undefined;
  return { label: 'ETA', value: clock(p.etaSeconds) };
}
