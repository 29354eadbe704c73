// Multi-label evaluation: each label's precision, recall, F1 (as numbers with bars) and support,
// in a table sorted by any column (click a header; again to reverse), weakest F1 first by default.

import { el, formatMetric } from './dom';
import type { Evaluated } from './runModel';

type Report = NonNullable<Evaluated['multiLabel']>;
type Label = Report['labels'][number];
type Column = 'name' | 'precision' | 'recall' | 'f1' | 'support';

const COLUMNS: { key: Column; title: string }[] = [
  { key: 'name', title: 'Label' },
  { key: 'precision', title: 'Precision' },
  { key: 'recall', title: 'Recall' },
  { key: 'f1', title: 'F1' },
  { key: 'support', title: 'Support' },
];

export interface LabelSort {
  column: Column;
  descending: boolean;
}

/** The labels in the order a sort asks for; ties keep the labels' own order. */
export function sortLabels(labels: readonly Label[], sort: LabelSort): Label[] {
  return labels
    .map((l, i) => ({ l, i }))
    .sort((a, b) => {
      const x = a.l[sort.column];
      const y = b.l[sort.column];
      const order = typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
      return (sort.descending ? -order : order) || a.i - b.i;
    })
    .map(({ l }) => l);
}

let sort: LabelSort = { column: 'f1', descending: false };

export function renderLabelTable(report: Report): void {
  const host = document.getElementById('labels')!;
  const table = el('table', undefined, 'label-table');
  table.setAttribute('aria-labelledby', 'labels-title');
  const more =
    report.labelCount > report.labels.length
      ? ` · the first ${report.labels.length} of ${report.labelCount} labels`
      : '';
  table.append(
    el(
      'caption',
      `Exact match (every label right): ${formatMetric(report.exactMatch)} · a label counts as predicted above ${report.threshold}${more}`,
    ),
  );
  const head = el('thead');
  const headRow = el('tr');
  for (const c of COLUMNS) {
    const th = el('th');
    th.scope = 'col';
    const button = el('button', c.title, 'sort');
    button.type = 'button';
    button.dataset.column = c.key;
    button.addEventListener('click', () => {
      sort = { column: c.key, descending: sort.column === c.key ? !sort.descending : c.key !== 'name' };
      renderLabelTable(report);
    });
    th.append(button);
    if (sort.column === c.key) th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
    headRow.append(th);
  }
  head.append(headRow);
  const body = el('tbody');
  for (const l of sortLabels(report.labels, sort)) {
    const tr = el('tr');
    const name = el('th', l.name);
    name.scope = 'row';
    tr.append(name);
    for (const key of ['precision', 'recall', 'f1'] as const) {
      const td = el('td', undefined, `score ${key}`);
      const bar = el('span', undefined, 'bar');
      bar.style.width = `${Math.round(Math.max(0, Math.min(1, l[key])) * 100)}%`;
      bar.setAttribute('aria-hidden', 'true');
      td.append(bar, el('span', formatMetric(l[key]), 'value'));
      tr.append(td);
    }
    tr.append(el('td', String(l.support), 'support'));
    body.append(tr);
  }
  table.append(head, body);
  host.replaceChildren(table);
}
