// One uPlot chart per quantity (loss, then each metric). Charts are created once and then
// only fed new data (setData); they are rebuilt only when their layout changes: the theme,
// the log-scale toggle or the set of overlaid runs.

import uPlot from 'uplot';
import { chartData, type Overlay, type SeriesSpec } from './chartData';
import {
  detectOverfitting,
  formatRate,
  learningRateChanges,
  overfittingAdvice,
  type LearningRateChange,
  type Overfitting,
} from './insights';
import type { RemedyOffer, RunTraits } from './messages';
import { appendRemedies } from './remedies';
import { epochValue, type RunModel } from './runModel';
import { overlaySeriesOptions } from './overlayStyle';
import type { Palette } from './theme';

export interface ChartSettings {
  /** EMA weight for the smoothed batch series, 0..0.99. */
  smoothing: number;
  logLoss: boolean;
}

interface ChartView {
  quantity: string;
  section: HTMLElement;
  plotEl: HTMLElement;
  note: HTMLElement;
  plot: uPlot;
}

interface Marks {
  overfitting?: Overfitting;
  lrChanges: LearningRateChange[];
  lastEpoch: number;
}

const CHART_HEIGHT = 230;
/** The charts share one hover: the same epoch is highlighted in each. */
const HOVER_SYNC_KEY = 'modelspec-epochs';

/** The last non-null value of a column. */
function latest(column: ArrayLike<number | null | undefined> | undefined): number | null {
  if (!column) return null;
  for (let i = column.length - 1; i >= 0; i--) {
    const v = column[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

function formatEpoch(v: number | null | undefined): string {
  return v === null || v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(2);
}

export function quantityTitle(quantity: string): string {
  const words = quantity.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(4)).toString();
}

export class ChartGrid {
  private views = new Map<string, ChartView>();
  private layoutKey = '';
  private marks: Marks = { lrChanges: [], lastEpoch: 0 };
  /** The x axis fits the data so far: up to the end of the epoch in progress (and overlays). */
  private xMax = 1;
  /** The planned number of epochs, drawn as a faint extent while the axis is shorter. */
  private planned = 0;
  /** The epochs with an epoch-end point: the hover snaps to them. */
  private epochXs: number[] = [];
  private traits: RunTraits | undefined;
  private remedies: { offers: readonly RemedyOffer[]; applied?: string } = { offers: [] };
  private readonly resizeObserver: ResizeObserver;

  constructor(
    private readonly container: HTMLElement,
    private palette: Palette,
  ) {
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
  }

  /** New colours: the charts are rebuilt on the next update. */
  setPalette(palette: Palette): void {
    this.palette = palette;
    this.layoutKey = '';
  }

  /** What the run's file already does against overfitting (the advice leaves it out). */
  setTraits(traits: RunTraits | undefined): void {
    this.traits = traits;
  }

  /** The edits the advice offers as buttons (remedies.ts draws them), and what the last one did. */
  setRemedies(offers: readonly RemedyOffer[], applied?: string): void {
    this.remedies = { offers, applied };
  }

  /** The uPlot instance per quantity (for exporting and for tests). */
  plots(): Map<string, uPlot> {
    return new Map([...this.views].map(([q, v]) => [q, v.plot]));
  }

  update(run: RunModel, overlays: readonly Overlay[], settings: ChartSettings): void {
    const key = JSON.stringify([settings.logLoss, overlays.map((o) => o.label)]);
    if (key !== this.layoutKey) {
      this.clear();
      this.layoutKey = key;
    }
    const lastEpoch = run.epochs.at(-1)?.epoch ?? 0;
    this.marks = { overfitting: detectOverfitting(run), lrChanges: learningRateChanges(run), lastEpoch };
    const overlayEpochs = overlays.map((o) => o.run.epochs.at(-1)?.epoch ?? 0);
    // Fit the data, not the plan: a run at epoch 2 of 50 is not squeezed into the left 4%.
    this.xMax = Math.max(1, Math.ceil(run.batchX.at(-1) ?? 0), lastEpoch, ...overlayEpochs);
    // The plan matters while the run goes; an ended run's axis is what it trained.
    this.planned = run.status === 'running' ? (run.started?.epochs ?? 0) : 0;
    this.epochXs = [
      ...new Set([...run.epochs.map((e) => e.epoch), ...overlays.flatMap((o) => o.run.epochs.map((e) => e.epoch))]),
    ].sort((a, b) => a - b);

    for (const quantity of run.quantities) {
      const data = chartData(run, overlays, quantity, settings.smoothing);
      if (data.columns.slice(1).every((c) => c.every((v) => v === null))) continue; // nothing to draw yet
      const view = this.views.get(quantity) ?? this.create(quantity, data.series, settings);
      view.plot.setData(data.columns as uPlot.AlignedData);
      this.describe(view, run);
    }
  }

  clear(): void {
    for (const view of this.views.values()) {
      view.plot.destroy();
      view.section.remove();
    }
    this.views.clear();
  }

  private resize(): void {
    const width = this.plotWidth();
    for (const view of this.views.values()) view.plot.setSize({ width, height: CHART_HEIGHT });
  }

  private plotWidth(): number {
    return Math.max(240, this.container.clientWidth);
  }

  private create(quantity: string, series: SeriesSpec[], settings: ChartSettings): ChartView {
    const title = quantityTitle(quantity);
    const section = document.createElement('section');
    section.className = 'chart';
    section.dataset.quantity = quantity;
    const heading = document.createElement('h3');
    heading.id = `chart-${quantity}-title`;
    heading.textContent = title;
    section.setAttribute('aria-labelledby', heading.id);
    const plotEl = document.createElement('div');
    plotEl.className = 'plot';
    plotEl.setAttribute('role', 'img');
    const note = document.createElement('p');
    note.className = 'note warning';
    note.setAttribute('role', 'note');
    note.hidden = true;
    section.append(heading, plotEl, note);
    // Charts are created in the order of run.quantities, so loss comes first.
    this.container.append(section);

    const log = quantity === 'loss' && settings.logLoss;
    const plot = new uPlot(this.options(quantity, series, log), [[]], plotEl);
    const view = { quantity, section, plotEl, note, plot };
    this.views.set(quantity, view);
    return view;
  }

  private options(quantity: string, series: SeriesSpec[], log: boolean): uPlot.Options {
    const p = this.palette;
    const font = `${p.fontSize - 1}px ${p.font}`;
    const axis = {
      stroke: p.muted,
      font,
      labelFont: font,
      grid: { stroke: p.grid, width: 1 },
      ticks: { stroke: p.grid, width: 1 },
    };
    return {
      width: this.plotWidth(),
      height: CHART_HEIGHT,
      pxAlign: 0,
      scales: {
        x: { time: false, range: (_u, min, max) => [Math.min(0, min), Math.max(this.xMax, max)] },
        y: log ? { distr: 3, log: 10 } : {},
      },
      axes: [
        {
          ...axis,
          label: 'epoch',
          incrs: [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500],
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(1))),
        },
        { ...axis, size: 56, values: (_u, splits) => splits.map((v) => formatValue(v)) },
      ],
      // Each series its own swatch (markers), and the latest values while nobody hovers.
      legend: { live: true, markers: this.markers(series) },
      cursor: {
        drag: { x: true, y: false },
        points: { size: 6 },
        // The hover snaps to the epoch points, in every chart at once (same x in epochs).
        sync: { key: HOVER_SYNC_KEY },
        move: (u, left, top) => [this.snapLeft(u, left), top],
        dataIdx: (u, _series, closest, x) => this.snapIndex(u, closest, x),
      },
      series: [
        { label: 'epoch', value: (u, v, _s, idx) => formatEpoch(idx === null ? latest(u.data[0]) : v) },
        ...series.map((s) => this.seriesOptions(s)),
      ],
      hooks: { draw: [(u) => this.drawMarks(u, quantity)] },
    };
  }

  /** The epoch point nearest to x (in epochs), if any epoch has ended. */
  private nearestEpoch(x: number): number | undefined {
    const xs = this.epochXs;
    if (!xs.length || !Number.isFinite(x)) return undefined;
    let best = xs[0]!;
    for (const e of xs) if (Math.abs(e - x) < Math.abs(best - x)) best = e;
    return best;
  }

  private snapLeft(u: uPlot, left: number): number {
    if (left < 0) return left; // the cursor left the chart
    const epoch = this.nearestEpoch(u.posToVal(left, 'x'));
    return epoch === undefined ? left : u.valToPos(epoch, 'x');
  }

  private snapIndex(u: uPlot, closest: number, x: number): number {
    const epoch = this.nearestEpoch(x);
    if (epoch === undefined) return closest;
    const xs = u.data[0];
    // x is sorted: binary search for the epoch's row.
    let lo = 0;
    let hi = xs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! < epoch) lo = mid + 1;
      else hi = mid;
    }
    return xs[lo] === epoch ? lo : closest;
  }

  /** Legend swatches that tell the series apart: dotted raw batches, the smoothed line, hollow
   *  epoch points, filled validation, dashed overlays. */
  private markers(series: SeriesSpec[]): uPlot.Legend.Markers {
    const p = this.palette;
    const spec = (i: number) => series[i - 1];
    const colour = (s: SeriesSpec | undefined) =>
      !s
        ? p.muted
        : s.role === 'validation'
          ? p.validation
          : s.role.startsWith('overlay')
            ? p.overlays[(s.overlay ?? 0) % p.overlays.length]!
            : p.train;
    return {
      width: (_u, i) => (spec(i)?.role === 'batch' ? 1 : 2),
      stroke: (_u, i) => colour(spec(i)),
      fill: (_u, i) => {
        const s = spec(i);
        if (!s || s.role === 'batch' || s.role === 'train' || s.role.startsWith('overlay')) return 'transparent';
        return colour(s);
      },
      dash: (_u, i) => {
        const role = spec(i)?.role;
        return role === 'batch' || role === 'overlayTrain'
          ? 'dotted'
          : role === 'overlayValidation'
            ? 'dashed'
            : 'solid';
      },
    };
  }

  private seriesOptions(s: SeriesSpec): uPlot.Series {
    const p = this.palette;
    // While nobody hovers (idx null), the legend shows the series' latest value.
    const value = (u: uPlot, v: number | null, i: number, idx: number | null) =>
      formatValue(idx === null ? latest(u.data[i]) : v);
    const noLine = () => null;
    switch (s.role) {
      case 'batch':
        return {
          label: s.label,
          stroke: p.train,
          width: 1,
          alpha: 0.3,
          spanGaps: true,
          points: { show: false },
          value,
        };
      case 'smoothed':
        return { label: s.label, stroke: p.train, width: 2, spanGaps: true, points: { show: false }, value };
      case 'train':
        return {
          label: s.label,
          stroke: p.train,
          width: 0,
          paths: noLine,
          points: { show: true, size: 7, fill: p.background, width: 2 },
          value,
        };
      case 'validation':
        return {
          label: s.label,
          stroke: p.validation,
          width: 2,
          spanGaps: true,
          points: { show: true, size: 7, fill: p.validation },
          value,
        };
      case 'overlayTrain':
      case 'overlayValidation':
        return overlaySeriesOptions(s, p, value);
    }
  }

  /** Draws the overfitting band (loss chart) and the learning-rate changes (every chart). */
  private drawMarks(u: uPlot, quantity: string): void {
    const p = this.palette;
    const ctx = u.ctx;
    const { top, height, left, width } = u.bbox;
    const dpr = devicePixelRatio || 1;
    const fontPx = Math.round((p.fontSize - 2) * dpr);
    ctx.save();
    ctx.setLineDash([]); // uPlot leaves the last series' dash pattern set
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.font = `${fontPx}px ${p.font}`;
    ctx.textBaseline = 'top';

    const over = this.marks.overfitting;
    if (quantity === 'loss' && over) {
      const x0 = u.valToPos(over.sinceEpoch, 'x', true);
      const x1 = Math.max(u.valToPos(this.marks.lastEpoch, 'x', true), x0 + 3 * dpr);
      ctx.globalAlpha = 0.14;
      ctx.fillStyle = p.warning;
      ctx.fillRect(x0, top, x1 - x0, height);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = p.warning;
      ctx.lineWidth = 1.5 * dpr;
      ctx.beginPath();
      ctx.moveTo(x0, top);
      ctx.lineTo(x0, top + height);
      ctx.stroke();
      ctx.fillStyle = p.warning;
      ctx.textAlign = 'right';
      ctx.fillText(`overfitting from epoch ${over.sinceEpoch}`, x0 - 4 * dpr, top + 4 * dpr);
    }

    // The plan, faintly, while the axis (which fits the data) is shorter than it.
    if (this.planned > this.xMax) {
      ctx.globalAlpha = 0.55;
      ctx.fillStyle = p.muted;
      ctx.textAlign = 'right';
      ctx.fillText(`${this.planned} epochs planned →`, left + width - 4 * dpr, top + height - fontPx - 4 * dpr);
      ctx.globalAlpha = 1;
    }

    ctx.strokeStyle = p.marker;
    ctx.fillStyle = p.marker;
    ctx.lineWidth = dpr;
    ctx.textAlign = 'left';
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    for (const change of this.marks.lrChanges) {
      const x = u.valToPos(change.epoch - 1, 'x', true);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.fillText(`lr ${formatRate(change.to)}`, x + 4 * dpr, top + height - fontPx - 4 * dpr);
    }
    ctx.restore();
  }

  /** Accessible summary of the chart (screen readers cannot see the canvas) and the overfitting note. */
  private describe(view: ChartView, run: RunModel): void {
    const last = run.epochs.at(-1);
    const title = quantityTitle(view.quantity);
    view.plotEl.setAttribute(
      'aria-label',
      last
        ? `${title} at epoch ${last.epoch}: train ${formatValue(epochValue(last, view.quantity, false))}, validation ${formatValue(epochValue(last, view.quantity, true))}`
        : `${title} per batch`,
    );
    const over = this.marks.overfitting;
    const showNote = view.quantity === 'loss' && over !== undefined;
    view.note.hidden = !showNote;
    if (showNote) {
      view.note.textContent =
        `Possible overfitting from epoch ${over.sinceEpoch}: validation loss rose for 2 epochs in a row while training loss fell. ` +
        overfittingAdvice(this.traits);
      appendRemedies(view.note, this.remedies.offers, this.remedies.applied);
    }
  }
}
