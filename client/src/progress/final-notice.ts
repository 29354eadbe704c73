// The one notification at the end of a run: short, with the result, and the next steps as
// buttons. Pure (no `vscode`), so its words are unit-tested; commands/train.ts shows it.

import { clock, progressOf } from '../../../training/progress';
import type { Metrics, RunEvent as Event } from '../../../training/protocol';

export type NoticeAction = 'Open Report' | 'Reveal Run Folder' | 'Evaluate' | 'Show Log';

export interface FinalNotice {
  severity: 'info' | 'error';
  text: string;
  actions: NoticeAction[];
}

function lastOf<T extends Event['type']>(
  events: readonly Event[],
  ...types: T[]
): Extract<Event, { type: T }> | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if ((types as string[]).includes(e.type)) return e as Extract<Event, { type: T }>;
  }
  return undefined;
}

/** "accuracy 0.9744, loss 0.0812": the metrics a user reads first, then the loss. */
function results(loss: number, metrics: Metrics): string {
  return [...Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`), `loss ${loss.toFixed(4)}`].join(', ');
}

/** Where the run ended, in the run's own terms: "epoch 9/20". */
function epochOf(events: readonly Event[]): string {
  const p = progressOf(events);
  return p.epochs ? `epoch ${p.epoch}/${p.epochs}` : 'the start';
}

export function finalNotice(model: string, events: readonly Event[]): FinalNotice {
  const end = lastOf(events, 'finished', 'stopped', 'failed');
  const elapsed = clock(progressOf(events).elapsedSeconds);
  if (!end || end.type === 'failed') {
    const why = end?.type === 'failed' ? end.message : 'the engine ended without saying why';
    return { severity: 'error', text: `ModelSpec: training ${model} failed: ${why}`, actions: ['Show Log'] };
  }
  if (end.type === 'stopped') {
    const saved = end.modelPath ? `the model is saved in ${end.modelPath}` : 'no model was saved';
    return {
      severity: 'info',
      text: `ModelSpec: ${model} stopped at ${epochOf(events)} after ${elapsed}; ${saved}.`,
      // Evaluating needs the saved model and test data.
      actions:
        end.modelPath && (lastOf(events, 'started')?.samples.test ?? 0) > 0
          ? ['Evaluate', 'Reveal Run Folder']
          : ['Reveal Run Folder'],
    };
  }
  const evaluated = lastOf(events, 'evaluated');
  const lastEpoch = lastOf(events, 'epoch');
  let result = '';
  if (evaluated) result = `test ${results(evaluated.loss, evaluated.metrics)}`;
  else if (lastEpoch && lastEpoch.valLoss !== undefined)
    result = `validation ${results(lastEpoch.valLoss, lastEpoch.valMetrics ?? {})}`;
  else if (lastEpoch) result = `training ${results(lastEpoch.loss, lastEpoch.metrics)}`;
  // Early: a callback (EarlyStopping) ended it before the planned epochs.
  const planned = lastEpoch ? lastEpoch.epochs : end.epochs;
  const epochs =
    end.epochs < planned ? `${end.epochs} of ${planned} epochs` : `${end.epochs} epoch${end.epochs === 1 ? '' : 's'}`;
  return {
    severity: 'info',
    text: `ModelSpec: ${model} finished (${epochs}, ${elapsed})${result ? `: ${result}` : ''}.`,
    actions: ['Open Report', 'Reveal Run Folder'],
  };
}
