// A short list of what happened besides the curves: checkpoints, callbacks' actions, warnings and info logs.

import { byId } from './layout';
import { describeCallback } from '../../../training/callback-events';
import type { Checkpoint, RunModel } from './runModel';

const MAX_ITEMS = 12;

function checkpointText(c: Checkpoint): string {
  const value = c.monitor && c.value !== undefined ? ` (${c.monitor} ${Number(c.value.toPrecision(4))})` : '';
  return `Epoch ${c.epoch}: saved ${c.best ? 'best ' : ''}checkpoint${value} → ${c.path}`;
}

export function renderEventLog(run: RunModel): void {
  const items = run.notices.map((n) =>
    n.type === 'checkpoint'
      ? { text: checkpointText(n), warning: false }
      : n.type === 'callback'
        ? { text: describeCallback(n), warning: false }
        : { text: n.message, warning: n.level === 'warning' },
  );
  byId('events-section').hidden = items.length === 0;
  const list = byId('events');
  if (list.dataset.count === String(items.length)) return; // nothing new
  list.dataset.count = String(items.length);
  list.replaceChildren(
    ...items.slice(-MAX_ITEMS).map((item) => {
      const li = document.createElement('li');
      li.textContent = item.text;
      if (item.warning) li.className = 'warning';
      return li;
    }),
  );
}

/** A new run starts with an empty list. */
export function resetEventLog(): void {
  const list = byId('events');
  list.replaceChildren();
  delete list.dataset.count;
}
