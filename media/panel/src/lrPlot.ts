// The learning-rate finder's view (a run in mode 'lr-find'): raw and smoothed loss against the
// learning rate on a log axis, the suggested value marked (steepest descent of the smoothed loss,
// training/lr-find.ts) beside minimum/10, and a button that asks the host to write the suggestion
// into the file's optimizer. Redrawn as points arrive; the suggestion appears once the test ends.

import uPlot from 'uplot';
import { formatLearningRate, suggestLearningRate, type LrSuggestion } from '../../../training/lr-find';
import { byId } from './layout';
import type { LrPoint, RunModel } from './runModel';
import type { Palette } from './theme';

const HEIGHT = 300;

export class LrFinderView {
  private plot: uPlot | undefined;
  private suggestion: LrSuggestion | undefined;
  private shownPoints = -1;

  constructor(
    private palette: Palette,
    private readonly onApply: (learningRate: number) => void,
  ) {
    byId('lr-apply').addEventListener('click', () => {
      if (this.suggestion) this.onApply(this.suggestion.suggested);
    });
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(byId('lr-finder'));
  }

  /** The uPlot instance, for tests and PNG export. */
  get chart(): uPlot | undefined {
    return this.plot;
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.plot?.destroy();
    this.plot = undefined;
    this.shownPoints = -1;
  }

  clear(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.suggestion = undefined;
    this.shownPoints = -1;
    byId('lr-finder').hidden = true;
  }

  /** `applicable`: a live panel whose host can edit the file (not the saved report). */
  update(run: RunModel, applicable: boolean): void {
    const points = run.lrPoints;
    const section = byId('lr-finder');
    section.hidden = points.length === 0;
    if (!points.length) return;
    const ended = run.status === 'finished' || run.status === 'stopped' || run.status === 'failed';
    if (points.length !== this.shownPoints || (ended && !this.suggestion)) {
      this.shownPoints = points.length;
      this.suggestion = ended ? suggestLearningRate(points).suggestion : undefined;
      if (!this.plot) this.plot = new uPlot(this.options(), [[], [], []], byId('lr-plot'));
      this.plot.setData(columns(points));
    }
    this.describe(points, ended, applicable);
  }

  private describe(points: LrPoint[], ended: boolean, applicable: boolean): void {
    const text = byId('lr-suggestion');
    const apply = byId('lr-apply');
    const s = this.suggestion;
    apply.hidden = !s || !applicable;
    if (!ended) {
      const last = points[points.length - 1]!;
      text.textContent = `Batch ${last.step}: learning rate ${formatLearningRate(last.learningRate)}, smoothed loss ${last.smoothedLoss.toFixed(4)}`;
      return;
    }
    if (!s) {
      text.textContent = suggestLearningRate(points).problem ?? 'No suggestion';
      return;
    }
    const value = formatLearningRate(s.suggested);
    const rule =
      s.rule === 'steepest'
        ? 'the steepest descent of the smoothed loss'
        : 'the lowest smoothed loss / 10 (the loss never fell steeply)';
    text.textContent = `Suggested learning rate: ${value}, ${rule}. Lowest smoothed loss at ${formatLearningRate(s.minimum)}; minimum/10: ${formatLearningRate(s.minimumOver10)}.`;
    apply.textContent = `Use ${value} in the optimizer`;
    apply.setAttribute('aria-label', `Write learning_rate=${value} into the optimizer`);
  }

  private width(): number {
    return Math.max(240, byId('lr-finder').clientWidth - 8);
  }

  private options(): uPlot.Options {
    const p = this.palette;
    const font = `${p.fontSize - 1}px ${p.font}`;
    const axis = {
      stroke: p.muted,
      font,
      labelFont: font,
      grid: { stroke: p.grid, width: 1 },
      ticks: { stroke: p.grid, width: 1 },
    };
    const value = (_u: uPlot, v: number | null) => (v === null ? '–' : v.toFixed(4));
    return {
      width: this.width(),
      height: HEIGHT,
      pxAlign: 0,
      scales: { x: { time: false, distr: 3, log: 10 }, y: { range: (u) => yRange(u) } },
      axes: [
        {
          ...axis,
          label: 'learning rate (log scale)',
          // Labels at the decades only; uPlot's log axis also ticks 2×, 3×… between them.
          values: (_u, splits) => splits.map((v) => (v > 0 && isDecade(v) ? formatLearningRate(v) : '')),
        },
        {
          ...axis,
          label: 'loss',
          size: 56,
          values: (_u, splits) => splits.map((v) => String(Number(v.toPrecision(3)))),
        },
      ],
      legend: { live: true },
      cursor: { points: { size: 6 } },
      series: [
        { label: 'learning rate', value: (_u, v) => (v === null ? '–' : formatLearningRate(v)) },
        { label: 'loss (per batch)', stroke: p.train, width: 1, alpha: 0.35, points: { show: false }, value },
        { label: 'loss (smoothed)', stroke: p.train, width: 2, points: { show: false }, value },
      ],
      hooks: { draw: [(u) => this.drawMarks(u)] },
    };
  }

  /** Vertical lines: the suggestion (solid, labelled) and minimum/10 (dashed). */
  private drawMarks(u: uPlot): void {
    const s = this.suggestion;
    if (!s) return;
    const p = this.palette;
    const ctx = u.ctx;
    const { top, height } = u.bbox;
    const dpr = devicePixelRatio || 1;
    const line = (lr: number, colour: string, dash: number[], label: string, row: number) => {
      const x = u.valToPos(lr, 'x', true);
      if (!Number.isFinite(x)) return;
      ctx.save();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2 * dpr;
      ctx.setLineDash(dash.map((d) => d * dpr));
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.fillStyle = colour;
      ctx.font = `${(p.fontSize - 1) * dpr}px ${p.font}`;
      ctx.fillText(label, x + 4 * dpr, top + (14 + row * 16) * dpr);
      ctx.restore();
    };
    line(s.minimumOver10, p.muted, [5, 4], `min/10 ${formatLearningRate(s.minimumOver10)}`, 1);
    line(s.suggested, p.marker, [], `suggested ${formatLearningRate(s.suggested)}`, 0);
  }
}

function isDecade(v: number): boolean {
  const e = Math.log10(v);
  return Math.abs(e - Math.round(e)) < 1e-6;
}

function columns(points: LrPoint[]): uPlot.AlignedData {
  return [
    points.map((p) => p.learningRate),
    points.map((p) => (Number.isFinite(p.loss) ? p.loss : null)),
    points.map((p) => (Number.isFinite(p.smoothedLoss) ? p.smoothedLoss : null)),
  ];
}

/** The y range from the smoothed loss: the raw losses of the last, diverging batches shoot up by
 *  orders of magnitude and would flatten the part of the curve that matters. */
function yRange(u: uPlot): uPlot.Range.MinMax {
  const smoothed = Array.from(u.data[2] ?? [], (v) => v).filter((v): v is number => typeof v === 'number');
  if (!smoothed.length) return [0, 1];
  // Down to the lowest raw loss: the raw curve leads the smoothed one (which lags by ~50 batches).
  const raw = Array.from(u.data[1] ?? [], (v) => v).filter((v): v is number => typeof v === 'number');
  const lo = Math.min(...smoothed, ...raw);
  // Up to a little above where the test started: the diverging end leaves the view, as in fastai's plot.
  const hi = Math.min(Math.max(...smoothed), smoothed[0]! * 1.3);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  return [Math.max(0, lo - pad), hi + pad];
}
