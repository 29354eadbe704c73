// After `evaluated`: test metrics, then the view the run's task calls for: the confusion matrix
// and sample predictions (classes), the per-label table (multi-label), the predicted-vs-true
// scatter (regression) or the input/target/output images (image to image). Each section is
// shown only when the event carries its report.

import { byId } from './layout';
import type { Evaluated } from './runModel';
import { quantityTitle } from './charts';
import { el, formatMetric } from './dom';
import { renderImageTriples } from './imageTriples';
import { renderLabelTable } from './labelTable';
import { renderScatter } from './scatterPlot';

function renderMetrics(ev: Evaluated): void {
  const dl = byId('test-metrics');
  dl.replaceChildren();
  for (const [name, value] of [['loss', ev.loss] as const, ...Object.entries(ev.metrics)]) {
    const item = el('div');
    item.append(el('dt', `Test ${quantityTitle(name).toLowerCase()}`), el('dd', formatMetric(value)));
    dl.append(item);
  }
}

/** Rows are the true class, columns the prediction. Cells are shaded by their share of the row:
 *  the diagonal (right) in blue, mistakes in red. */
function renderConfusion(matrix: number[][], classes: string[]): void {
  const names = matrix.map((_, i) => classes[i] ?? String(i));
  const table = el('table', undefined, 'confusion-table');
  table.setAttribute('aria-labelledby', 'confusion-title');
  const caption = el('caption', 'Rows: true class · columns: predicted class');
  const head = el('thead');
  const headRow = el('tr');
  headRow.append(el('th', 'true \\ pred', 'corner'));
  for (const n of names) {
    const th = el('th', n);
    th.scope = 'col';
    headRow.append(th);
  }
  head.append(headRow);
  const body = el('tbody');
  matrix.forEach((row, r) => {
    const tr = el('tr');
    const th = el('th', names[r]);
    th.scope = 'row';
    tr.append(th);
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, c) => {
      const td = el('td', String(count), r === c ? 'hit' : count ? 'miss' : 'zero');
      const share = count / total;
      const colour = r === c ? 'var(--ms-blue)' : 'var(--ms-red)';
      // Scale the shade so a few mistakes are still visible; cap it so text stays readable.
      const percent = count ? Math.round(12 + 58 * Math.sqrt(share)) : 0;
      if (percent) td.style.backgroundColor = `color-mix(in srgb, ${colour} ${percent}%, transparent)`;
      td.dataset.row = String(r);
      td.dataset.col = String(c);
      td.setAttribute('aria-label', `true ${names[r]}, predicted ${names[c]}: ${count}`);
      tr.append(td);
    });
    body.append(tr);
  });
  table.append(caption, head, body);
  byId('confusion').replaceChildren(table);
}

type Sample = NonNullable<Evaluated['samples']>[number];

export function mistakesFirst(samples: readonly Sample[]): Sample[] {
  const wrong = samples.filter((s) => s.label !== s.predicted);
  const right = samples.filter((s) => s.label === s.predicted);
  return [...wrong, ...right];
}

function renderSamples(samples: readonly Sample[]): void {
  const list = byId('samples');
  list.replaceChildren();
  for (const s of mistakesFirst(samples)) {
    const mistake = s.label !== s.predicted;
    const fig = el('figure', undefined, mistake ? 'sample mistake' : 'sample');
    fig.setAttribute('role', 'listitem');
    const description = `sample ${s.index}: true ${s.label}, predicted ${s.predicted} (${Math.round(s.confidence * 100)}%)`;
    if (s.image) {
      const img = el('img');
      img.src = `data:image/png;base64,${s.image}`;
      img.alt = description;
      fig.append(img);
    }
    const caption = el('figcaption');
    caption.append(
      el('span', s.label, 'true-label'),
      el('span', mistake ? ' → ' : ' ✓ ', 'arrow'),
      el('span', s.predicted, 'predicted-label'),
    );
    caption.append(el('span', ` ${Math.round(s.confidence * 100)}%`, 'confidence'));
    caption.title = description;
    fig.append(caption);
    list.append(fig);
  }
}

export function renderEvaluation(ev: Evaluated | undefined): void {
  const section = byId('evaluation');
  section.hidden = !ev;
  if (!ev) return;
  renderMetrics(ev);
  const hasMatrix = !!ev.confusionMatrix?.length;
  byId('confusion-section').hidden = !hasMatrix;
  if (hasMatrix) renderConfusion(ev.confusionMatrix!, ev.classes ?? []);
  const hasSamples = !!ev.samples?.length;
  byId('samples-section').hidden = !hasSamples;
  if (hasSamples) renderSamples(ev.samples!);
  byId('labels-section').hidden = !ev.multiLabel;
  if (ev.multiLabel) renderLabelTable(ev.multiLabel);
  byId('regression-section').hidden = !ev.regression;
  if (ev.regression) renderScatter(ev.regression);
  byId('images-section').hidden = !ev.images;
  if (ev.images) renderImageTriples(ev.images);
}
