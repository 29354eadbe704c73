// The words the status bar and the progress notification show while a run goes:
// "digits_mlp · epoch 2/8 · ETA 0:41 · loss 0.2345". Pure, so it is unit-tested without VS Code.
// The numbers come from training/progress.ts, the estimator the panel shows too.

import type { RunEvent } from '../../training/protocol';
import { clock, progressOf, timeLabel, type RunProgress as Progress } from '../../training/progress';

export { clock };

export interface RunProgress extends Progress {
  model: string;
}

/** Folds a run's events (in order) into what the status bar shows. */
export function runProgress(model: string, events: readonly RunEvent[]): RunProgress {
  return { model, ...progressOf(events) };
}

/** The status bar text (without the icon). */
export function statusText(p: RunProgress): string {
  const parts = [p.model];
  if (p.epochs > 0) parts.push(`epoch ${p.epoch}/${p.epochs}`);
  else parts.push('starting');
  const time = timeLabel(p);
  if (time && !p.ended) parts.push(`${time.label} ${time.value}`);
  if (p.loss !== undefined && Number.isFinite(p.loss)) parts.push(`loss ${p.loss.toFixed(4)}`);
  if (p.ended) parts.push(p.ended);
  return parts.join(' · ');
}
