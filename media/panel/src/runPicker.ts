// The runs view ("Compare runs…"): every run of the model as a table with the columns of
// `modelspec runs` (status, engine and device, epochs, best validation metric, test metrics,
// duration, the hyperparameters that differ); the displayed run is marked, the others can be
// ticked to overlay their curves.

import { bestText, durationText, engineText, epochsText, testText } from '../../../training/run-facts-text';
import { byId } from './layout';
import type { RunSummary } from './messages';

function cell(tag: 'td' | 'th', text: string, title?: string): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  if (tag === 'th') c.scope = 'col';
  if (title) c.title = title;
  return c;
}

export function showRunPicker(
  runs: readonly RunSummary[],
  selected: readonly string[],
  onApply: (runDirs: string[]) => void,
  differing: readonly string[] = [],
): void {
  const picker = byId('run-picker');
  const list = byId('run-list');
  list.replaceChildren();
  if (runs.filter((r) => !r.displayed).length === 0) {
    const p = document.createElement('p');
    p.textContent = 'No earlier runs of this model yet.';
    list.append(p);
  }
  const table = document.createElement('table');
  table.className = 'runs-table';
  const head = document.createElement('tr');
  for (const h of ['', 'run', 'status', 'engine', 'device', 'epochs', 'best', 'test', 'time', ...differing])
    head.append(cell('th', h));
  table.createTHead().append(head);
  const body = table.createTBody();
  runs.forEach((r, i) => {
    const f = r.facts;
    const row = document.createElement('tr');
    row.dataset.runDir = r.runDir;
    const pick = document.createElement('td');
    if (r.displayed) {
      row.classList.add('displayed');
      row.setAttribute('aria-current', 'true');
      const badge = document.createElement('span');
      badge.className = 'badge displayed-badge';
      badge.textContent = 'shown';
      pick.append(badge);
    } else {
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.id = `run-${i}`;
      box.value = r.runDir;
      box.checked = selected.includes(r.runDir);
      box.setAttribute('aria-label', `Overlay ${r.label}`);
      pick.append(box);
    }
    row.append(pick, cell('td', r.name ?? r.label));
    const status = cell('td', f?.status ?? '');
    status.className = `status-${f?.status ?? 'unknown'}`;
    row.append(status);
    row.append(
      cell('td', f ? engineText(f) : ''),
      cell('td', f?.device ?? '', f?.device),
      cell('td', f ? epochsText(f) : ''),
      cell('td', f ? bestText(f) : ''),
      cell('td', f ? testText(f) : ''),
      cell('td', durationText(f?.seconds)),
      ...differing.map((k) => cell('td', f?.hyperparameters[k] === undefined ? '—' : String(f.hyperparameters[k]))),
    );
    body.append(row);
  });
  if (runs.length > 0) list.append(table);
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
