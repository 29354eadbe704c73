// "Compare runs…": the host lists earlier runs of the model; the user ticks some to overlay.

import { byId } from './layout';
import type { RunSummary } from './messages';

export function showRunPicker(runs: readonly RunSummary[], selected: readonly string[], onApply: (runDirs: string[]) => void): void {
  const picker = byId('run-picker');
  const list = byId('run-list');
  list.replaceChildren();
  if (runs.length === 0) {
    const p = document.createElement('p');
    p.textContent = 'No earlier runs of this model yet.';
    list.append(p);
  }
  runs.forEach((r, i) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.id = `run-${i}`;
    box.value = r.runDir;
    box.checked = selected.includes(r.runDir);
    label.append(box, ` ${r.label}`);
    label.title = r.runDir;
    list.append(label);
  });
  picker.hidden = false;
  (list.querySelector('input') as HTMLElement | null)?.focus();

  byId('apply-overlay').onclick = () => {
    const runDirs = [...list.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value);
    picker.hidden = true;
    onApply(runDirs);
  };
  byId('close-picker').onclick = () => {
    picker.hidden = true;
    byId('compare').focus();
  };
}
