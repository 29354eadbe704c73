// Everything the panel knows about one run, accumulated from its events. No DOM: the views
// read this model, and the same code builds the faded overlays of earlier runs.

import { ProgressTracker, type RunProgress } from '../../../training/progress';
import type { RunEvent } from './messages';

type Started = Extract<RunEvent, { type: 'started' }>;
type Batch = Extract<RunEvent, { type: 'batch' }>;
type Epoch = Extract<RunEvent, { type: 'epoch' }>;
export type Checkpoint = Extract<RunEvent, { type: 'checkpoint' }>;
export type Evaluated = Extract<RunEvent, { type: 'evaluated' }>;
export type LogEvent = Extract<RunEvent, { type: 'log' }>;
export type CallbackNotice = Extract<RunEvent, { type: 'callback' }>;
export type LrPoint = Extract<RunEvent, { type: 'lr_point' }>;

export type RunStatus = 'waiting' | 'running' | 'finished' | 'stopped' | 'failed';

export interface RunModel {
  started?: Started;
  status: RunStatus;
  /** Why the run stopped or failed. */
  statusReason?: string;
  /** Per-batch values in columns (fast to chart): x is in epochs, e.g. 2.5 = half-way through epoch 3. */
  batchX: number[];
  batchEpoch: number[];
  batchIndex: number[];
  /** 'loss' and each metric; null where a batch did not report that quantity. */
  batchValues: Map<string, (number | null)[]>;
  lastBatch?: Batch;
  epochs: Epoch[];
  /** 'loss' first, then metrics in the order they first appeared. */
  quantities: string[];
  /** Checkpoints, callbacks' actions and log messages, in the order they happened. */
  notices: (Checkpoint | CallbackNotice | LogEvent)[];
  evaluated?: Evaluated;
  /** Seconds since start, from the latest batch or finished event. */
  elapsed: number;
  /** The ETA and progress estimator the status bar and the notification use too. */
  tracker: ProgressTracker;
  /** A learning-rate range test's batches (mode 'lr-find'): the panel shows the finder instead of the curves. */
  lrPoints: LrPoint[];
}

export function emptyRun(): RunModel {
  return {
    status: 'waiting',
    batchX: [],
    batchEpoch: [],
    batchIndex: [],
    batchValues: new Map([['loss', []]]),
    epochs: [],
    quantities: ['loss'],
    notices: [],
    elapsed: 0,
    tracker: new ProgressTracker(),
    lrPoints: [],
  };
}

function addQuantity(run: RunModel, name: string): void {
  if (run.quantities.includes(name)) return;
  run.quantities.push(name);
  run.batchValues.set(name, new Array<number | null>(run.batchX.length).fill(null));
}

function pushBatch(run: RunModel, e: Batch): void {
  for (const name of Object.keys(e.metrics)) addQuantity(run, name);
  run.batchX.push(e.epoch - 1 + e.batch / e.batches);
  run.batchEpoch.push(e.epoch);
  run.batchIndex.push(e.batch);
  for (const [name, column] of run.batchValues) {
    const v = name === 'loss' ? e.loss : e.metrics[name];
    column.push(typeof v === 'number' && Number.isFinite(v) ? v : null);
  }
  run.lastBatch = e;
  run.elapsed = e.time;
}

export function applyEvent(run: RunModel, e: RunEvent): void {
  run.tracker.apply(e);
  switch (e.type) {
    case 'started':
      run.started = e;
      run.status = 'running';
      break;
    case 'batch':
      pushBatch(run, e);
      break;
    case 'epoch':
      for (const name of Object.keys(e.metrics)) addQuantity(run, name);
      for (const name of Object.keys(e.valMetrics ?? {})) addQuantity(run, name);
      run.epochs.push(e);
      break;
    case 'checkpoint':
    case 'callback':
    case 'log':
      run.notices.push(e);
      break;
    case 'evaluated':
      run.evaluated = e;
      break;
    case 'lr_point':
      run.lrPoints.push(e);
      break;
    case 'finished':
      run.status = 'finished';
      run.elapsed = e.seconds;
      break;
    case 'stopped':
      run.status = 'stopped';
      run.statusReason = e.reason;
      break;
    case 'failed':
      run.status = 'failed';
      run.statusReason = e.message;
      break;
  }
}

export function runFromEvents(events: readonly RunEvent[]): RunModel {
  const run = emptyRun();
  for (const e of events) applyEvent(run, e);
  return run;
}

/** The epoch-level value of a quantity, for training or validation. */
export function epochValue(e: Epoch, quantity: string, validation: boolean): number | null {
  const v =
    quantity === 'loss' ? (validation ? e.valLoss : e.loss) : (validation ? e.valMetrics : e.metrics)?.[quantity];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export type Progress = RunProgress;

/** Where the run is, from the shared estimator (training/progress.ts). */
export function progress(run: RunModel): Progress {
  return run.tracker.snapshot();
}
