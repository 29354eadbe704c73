// Regression evaluation: predicted against true values as an SVG scatter with the y = x line
// (a perfect model's points lie on it), both axes on one scale, and a caption with R², MAE and
// RMSE that also names the SVG for screen readers.

import { el, formatMetric } from './dom';
import type { Evaluated } from './runModel';

type Report = NonNullable<Evaluated['regression']>;

const SVG = 'http://www.w3.org/2000/svg';
const SIZE = 280;
const PAD = 36;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** The axis range both axes share: every point inside, a little margin, never empty. */
export function sharedRange(a: readonly number[], b: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...a, ...b]) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  const margin = (hi - lo) * 0.04 || Math.abs(hi) * 0.1 || 1;
  return [lo - margin, hi + margin];
}

export function scatterCaption(r: Report): string {
  const which = r.outputs > 1 ? `output ${r.output + 1} of ${r.outputs}; errors over all outputs, ` : '';
  const sample =
    r.trueValues.length < r.count ? `${r.trueValues.length} of ${r.count} test samples` : `${r.count} test samples`;
  return `Predicted vs true, ${sample} (${which}R² ${formatMetric(r.r2)}, MAE ${formatMetric(r.mae)}, RMSE ${formatMetric(r.rmse)})`;
}

export function renderScatter(r: Report): void {
  const [lo, hi] = sharedRange(r.trueValues, r.predicted);
  const span = hi - lo;
  const x = (v: number) => PAD + ((v - lo) / span) * (SIZE - PAD - 8);
  const y = (v: number) => SIZE - PAD - ((v - lo) / span) * (SIZE - PAD - 8);
  const figure = el('figure', undefined, 'scatter');
  const caption = el('figcaption', scatterCaption(r));
  caption.id = 'scatter-caption';
  const plot = svg('svg', { viewBox: `0 0 ${SIZE} ${SIZE}`, width: SIZE, height: SIZE, role: 'img' });
  plot.setAttribute('aria-labelledby', 'scatter-caption');
  // The frame, the y = x line and the axis ends.
  plot.append(
    svg('rect', { x: PAD, y: 8, width: SIZE - PAD - 8, height: SIZE - PAD - 8, class: 'frame' }),
    svg('line', { x1: x(lo), y1: y(lo), x2: x(hi), y2: y(hi), class: 'identity' }),
  );
  const label = (text: string, attrs: Record<string, string | number>) => {
    const t = svg('text', attrs);
    t.textContent = text;
    plot.append(t);
  };
  label(formatMetric(lo), { x: PAD, y: SIZE - PAD + 14, class: 'tick' });
  label(formatMetric(hi), { x: SIZE - 8, y: SIZE - PAD + 14, class: 'tick end' });
  label(formatMetric(lo), { x: PAD - 4, y: SIZE - PAD, class: 'tick end' });
  label(formatMetric(hi), { x: PAD - 4, y: 16, class: 'tick end' });
  label('true', { x: (SIZE + PAD) / 2, y: SIZE - 6, class: 'axis-title' });
  label('predicted', {
    x: 12,
    y: (SIZE - PAD) / 2,
    class: 'axis-title',
    transform: `rotate(-90 12 ${(SIZE - PAD) / 2})`,
  });
  const points = svg('g', { class: 'points' });
  r.trueValues.forEach((t, i) => {
    const p = r.predicted[i]!;
    if (!Number.isFinite(t) || !Number.isFinite(p)) return;
    points.append(svg('circle', { cx: x(t).toFixed(1), cy: y(p).toFixed(1), r: 2.5 }));
  });
  plot.append(points);
  figure.append(plot, caption);
  document.getElementById('regression')!.replaceChildren(figure);
}
