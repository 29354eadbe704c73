// One run as a quick-pick item of "Open Run…": its differing hyperparameters as the label, its
// status and best validation metric, then engine, epochs, test metrics, duration and time.

import type { RunSummary } from '../../../media/panel/src/messages';
import { bestText, durationText, engineText, epochsText, testText } from '../../../training/run-facts-text';

export function runPickItem(r: RunSummary, running: boolean): { label: string; description: string; detail: string } {
  const f = r.facts;
  const status = running ? 'running' : (f?.status ?? '');
  const description = [status, f ? bestText(f) : ''].filter(Boolean).join(' · ');
  const detail = f
    ? [
        [engineText(f), f.device].filter(Boolean).join(' on '),
        `${epochsText(f)} epochs`,
        f.test ? `test ${testText(f)}` : '',
        durationText(f.seconds),
        r.name && r.name !== r.label ? r.name : '',
      ]
        .filter(Boolean)
        .join(' · ')
    : (r.name ?? '');
  return { label: r.label, description, detail };
}
