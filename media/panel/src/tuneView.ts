// The tune view: a hyperparameter search as it runs. The trials table (sortable, states
// coloured), a parallel-coordinates plot of the hyperparameters against the objective (drag on
// an axis to brush a range: the table and the other plots keep only those trials), the objective
// over trials with the best so far, every trial's objective per epoch (the best highlighted,
// pruned ones greyed), and "Apply best", which asks the host to write the best values into the file.

import uPlot from 'uplot';
import { byId } from './layout';
import type { Palette } from './theme';
import {
  bestOf,
  bestSoFar,
  direction,
  hyperparameterNames,
  trialList,
  type HyperValue,
  type TuneModel,
  type TuneTrial,
} from './tuneModel';

const SVG = 'http://www.w3.org/2000/svg';
const PLOT_HEIGHT = 220;

type SortKey = { column: string; descending: boolean };

/** A value's text in the table and on the axes. */
export function formatHyper(v: HyperValue | undefined): string {
  if (v === undefined) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(3)).toString();
  return String(v);
}

/** One parallel-coordinates axis: a hyperparameter or the objective, numeric (maybe log) or categorical. */
interface Axis {
  name: string;
  value: (t: TuneTrial) => HyperValue | undefined;
  /** Value → 0 (bottom) .. 1 (top); undefined for a value it cannot place. */
  place: (v: HyperValue) => number | undefined;
  ticks: { at: number; label: string }[];
}

function makeAxis(name: string, values: HyperValue[], value: (t: TuneTrial) => HyperValue | undefined): Axis {
  const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (numbers.length && numbers.length === values.length) {
    const lo = Math.min(...numbers);
    const hi = Math.max(...numbers);
    const log = lo > 0 && hi / lo >= 100;
    const f = (v: number) => (log ? Math.log10(v) : v);
    const span = f(hi) - f(lo);
    const place = (v: HyperValue) =>
      typeof v === 'number' && Number.isFinite(v) && (!log || v > 0) ? (span ? (f(v) - f(lo)) / span : 0.5) : undefined;
    const ticks = span
      ? [lo, hi].map((v) => ({ at: place(v)!, label: formatHyper(v) }))
      : [{ at: 0.5, label: formatHyper(lo) }];
    return { name: log ? `${name} (log)` : name, value, place, ticks };
  }
  const categories = [...new Set(values.map((v) => String(v)))].sort();
  const place = (v: HyperValue) => {
    const i = categories.indexOf(String(v));
    return i < 0 ? undefined : categories.length === 1 ? 0.5 : i / (categories.length - 1);
  };
  return { name, value, place, ticks: categories.map((c) => ({ at: place(c)!, label: c })) };
}

export class TuneView {
  private model: TuneModel | undefined;
  private sort: SortKey = { column: '#', descending: false };
  /** Brushed ranges per axis name, in 0..1 (bottom..top). */
  private readonly brushes = new Map<string, [number, number]>();
  private objectivePlot: uPlot | undefined;
  private curvesPlot: uPlot | undefined;
  private curvesKey = '';
  private canApply = false;
  private running = false;

  constructor(
    private palette: Palette,
    private readonly post: {
      applyBest: (trial: number) => void;
      stop: () => void;
    },
  ) {
    byId('tune-apply-best').addEventListener('click', () => {
      const best = this.model && bestOf(this.model);
      if (best && this.canApply) this.post.applyBest(best.number);
    });
    byId('tune-stop').addEventListener('click', () => {
      if (!this.running) return;
      byId('tune-stop').toggleAttribute('disabled', true);
      this.post.stop();
    });
  }

  /** For tests: the plots and which trials the brushes let through. */
  inspect() {
    return {
      objectivePlot: this.objectivePlot,
      curvesPlot: this.curvesPlot,
      visible: this.model ? this.visibleTrials(this.model).map((t) => t.number) : [],
      brushes: Object.fromEntries(this.brushes),
    };
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.objectivePlot?.destroy();
    this.objectivePlot = undefined;
    this.curvesPlot?.destroy();
    this.curvesPlot = undefined;
    this.curvesKey = '';
  }

  reset(): void {
    this.setPalette(this.palette);
    this.brushes.clear();
    this.sort = { column: '#', descending: false };
  }

  /** `interactive`: a live panel whose host can edit the file and stop the search. */
  render(model: TuneModel, title: string, running: boolean, interactive: boolean): void {
    this.model = model;
    this.running = running && interactive;
    const best = bestOf(model);
    const s = model.started;
    byId('tune-title').textContent = `Tune: ${s?.model ?? title}`;
    const status = running ? 'running' : model.finished?.stopped ? 'stopped' : model.finished ? 'finished' : 'waiting';
    byId('tune-status').textContent = status;
    byId('tune-status').className =
      `badge status-${status === 'finished' ? 'finished' : status === 'stopped' ? 'stopped' : status === 'running' ? 'running' : 'waiting'}`;
    byId('tune-sampler').textContent = s
      ? `${s.algorithm} search by ${s.samplerDetail}; objective ${s.objective} (${s.direction}); ${model.trials.size} / ${s.maxTrials} trials`
      : '';
    byId('tune-stop').hidden = !interactive;
    byId('tune-stop').toggleAttribute('disabled', !this.running);
    this.canApply = interactive && best !== undefined;
    const apply = byId('tune-apply-best');
    apply.hidden = !interactive;
    apply.toggleAttribute('disabled', !this.canApply);
    byId('tune-best').textContent = best
      ? `Best: trial ${best.number}, ${s?.objective ?? 'objective'} ${formatHyper(best.objective)} with ${hyperparameterNames(
          model,
        )
          .map((n) => `${n}=${formatHyper(best.hyperparameters[n])}`)
          .join(', ')}`
      : 'No complete trial yet.';
    this.renderTable(model, best);
    this.renderParallel(model, best);
    this.renderObjective(model);
    this.renderCurves(model, best);
  }

  private visibleTrials(model: TuneModel): TuneTrial[] {
    const axes = this.axes(model);
    return trialList(model).filter((t) =>
      axes.every((a) => {
        const b = this.brushes.get(a.name);
        if (!b) return true;
        const v = a.value(t);
        const y = v === undefined ? undefined : a.place(v);
        return y !== undefined && y >= b[0] && y <= b[1];
      }),
    );
  }

  private axes(model: TuneModel): Axis[] {
    const trials = trialList(model);
    const axes = hyperparameterNames(model).map((name) =>
      makeAxis(
        name,
        trials.map((t) => t.hyperparameters[name]).filter((v): v is HyperValue => v !== undefined),
        (t) => t.hyperparameters[name],
      ),
    );
    const objective = model.started?.objective ?? 'objective';
    const measured = trials.map((t) => t.objective).filter((v): v is number => v !== undefined && Number.isFinite(v));
    axes.push(
      makeAxis(objective, measured, (t) =>
        t.objective !== undefined && Number.isFinite(t.objective) ? t.objective : undefined,
      ),
    );
    return axes;
  }

  private renderTable(model: TuneModel, best: TuneTrial | undefined): void {
    const names = hyperparameterNames(model);
    const objective = model.started?.objective ?? 'objective';
    const columns = ['#', 'state', ...names, objective, 'epochs', 'time'];
    const cell = (t: TuneTrial, c: string): HyperValue | undefined =>
      c === '#'
        ? t.number
        : c === 'state'
          ? t.state
          : c === objective
            ? t.objective
            : c === 'epochs'
              ? t.epochs
              : c === 'time'
                ? t.seconds
                : t.hyperparameters[c];
    const visible = new Set(this.visibleTrials(model).map((t) => t.number));
    const rows = trialList(model).sort((a, b) => {
      const x = cell(a, this.sort.column);
      const y = cell(b, this.sort.column);
      // Missing values last, whichever the direction.
      if (x === undefined || y === undefined) return x === y ? a.number - b.number : x === undefined ? 1 : -1;
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return (this.sort.descending ? -order : order) || a.number - b.number;
    });
    const table = byId<HTMLTableElement>('tune-table');
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    for (const c of columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      button.textContent = c;
      button.addEventListener('click', () => {
        this.sort = { column: c, descending: this.sort.column === c ? !this.sort.descending : false };
        this.renderTable(model, best);
      });
      th.append(button);
      if (this.sort.column === c) th.setAttribute('aria-sort', this.sort.descending ? 'descending' : 'ascending');
      head.append(th);
    }
    const body = table.createTBody();
    for (const t of rows) {
      const tr = body.insertRow();
      tr.dataset.trial = String(t.number);
      tr.hidden = !visible.has(t.number);
      if (t === best) tr.classList.add('best');
      for (const c of columns) {
        const td = tr.insertCell();
        const v = cell(t, c);
        td.textContent = c === 'time' ? `${t.seconds.toFixed(1)} s` : formatHyper(v);
        if (c === 'state') {
          td.className = `state state-${t.state}`;
          if (t.message) td.title = t.message;
        }
      }
    }
  }

  private renderParallel(model: TuneModel, best: TuneTrial | undefined): void {
    const host = byId('tune-parallel');
    const axes = this.axes(model);
    const width = Math.max(320, host.clientWidth || 800);
    const height = 240;
    const top = 28;
    const bottom = height - 26;
    const left = 60;
    const right = width - 60;
    const xAt = (i: number) =>
      axes.length === 1 ? (left + right) / 2 : left + ((right - left) * i) / (axes.length - 1);
    const yAt = (p: number) => bottom - p * (bottom - top);
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `Parallel coordinates: ${axes.map((a) => a.name).join(', ')}`);
    const p = this.palette;
    const visible = new Set(this.visibleTrials(model).map((t) => t.number));
    // Lines first, the best last (on top).
    const ordered = trialList(model).sort((a, b) => Number(a === best) - Number(b === best));
    for (const t of ordered) {
      const pts: string[] = [];
      axes.forEach((a, i) => {
        const v = a.value(t);
        const y = v === undefined ? undefined : a.place(v);
        if (y !== undefined) pts.push(`${xAt(i).toFixed(1)},${yAt(y).toFixed(1)}`);
      });
      if (pts.length < 2) continue;
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('points', pts.join(' '));
      line.setAttribute('fill', 'none');
      const colour =
        t === best
          ? p.marker
          : t.state === 'pruned'
            ? p.muted
            : t.state === 'failed'
              ? p.warning
              : t.state === 'running'
                ? p.validation
                : p.train;
      line.setAttribute('stroke', colour);
      line.setAttribute('stroke-width', t === best ? '3' : '1.5');
      if (t.state === 'pruned') line.setAttribute('stroke-dasharray', '4 3');
      line.setAttribute('opacity', visible.has(t.number) ? (t === best ? '1' : '0.75') : '0.12');
      line.dataset.trial = String(t.number);
      line.classList.add('pc-line');
      svg.append(line);
    }
    axes.forEach((a, i) => {
      const x = xAt(i);
      const g = document.createElementNS(SVG, 'g');
      g.classList.add('pc-axis');
      g.dataset.axis = a.name;
      const axisLine = document.createElementNS(SVG, 'line');
      axisLine.setAttribute('x1', String(x));
      axisLine.setAttribute('x2', String(x));
      axisLine.setAttribute('y1', String(top));
      axisLine.setAttribute('y2', String(bottom));
      axisLine.setAttribute('stroke', p.foreground);
      g.append(axisLine);
      const label = document.createElementNS(SVG, 'text');
      label.setAttribute('x', String(x));
      label.setAttribute('y', String(top - 12));
      label.setAttribute('text-anchor', 'middle');
      label.setAttribute('fill', p.foreground);
      label.textContent = a.name;
      g.append(label);
      for (const tick of a.ticks) {
        const t = document.createElementNS(SVG, 'text');
        t.setAttribute('x', String(x - 6));
        t.setAttribute('y', String(yAt(tick.at) + 4));
        t.setAttribute('text-anchor', 'end');
        t.setAttribute('fill', p.muted);
        t.textContent = tick.label;
        g.append(t);
      }
      const brush = this.brushes.get(a.name);
      if (brush) {
        const r = document.createElementNS(SVG, 'rect');
        r.classList.add('pc-brush');
        r.setAttribute('x', String(x - 8));
        r.setAttribute('width', '16');
        r.setAttribute('y', String(yAt(brush[1])));
        r.setAttribute('height', String(Math.max(2, yAt(brush[0]) - yAt(brush[1]))));
        r.setAttribute('fill', p.foreground);
        r.setAttribute('fill-opacity', '0.2');
        r.setAttribute('stroke', p.foreground);
        g.append(r);
      }
      // The brush target: a wide transparent strip along the axis; drag to select, click to clear.
      const hit = document.createElementNS(SVG, 'rect');
      hit.classList.add('pc-hit');
      hit.setAttribute('x', String(x - 14));
      hit.setAttribute('width', '28');
      hit.setAttribute('y', String(top));
      hit.setAttribute('height', String(bottom - top));
      hit.setAttribute('fill', 'transparent');
      hit.addEventListener('pointerdown', (down) => {
        const box = svg.getBoundingClientRect();
        const toP = (clientY: number) => Math.min(1, Math.max(0, (bottom - (clientY - box.top)) / (bottom - top)));
        const start = toP(down.clientY);
        hit.setPointerCapture(down.pointerId);
        const move = (ev: PointerEvent) => {
          const now = toP(ev.clientY);
          if (Math.abs(now - start) > 0.01) this.brushes.set(a.name, [Math.min(start, now), Math.max(start, now)]);
        };
        const up = (ev: PointerEvent) => {
          hit.removeEventListener('pointermove', move);
          hit.removeEventListener('pointerup', up);
          if (Math.abs(toP(ev.clientY) - start) <= 0.01) this.brushes.delete(a.name);
          if (this.model) this.render(this.model, '', this.running, !byId('tune-apply-best').hidden);
        };
        hit.addEventListener('pointermove', move);
        hit.addEventListener('pointerup', up);
      });
      g.append(hit);
      svg.append(g);
    });
    host.replaceChildren(svg);
    byId('tune-filter').textContent = this.brushes.size
      ? `${visible.size} of ${model.trials.size} trials in the brushed ranges (click an axis to clear its brush)`
      : 'Drag along an axis to keep only the trials in that range.';
  }

  private axisStyle() {
    const p = this.palette;
    const font = `${p.fontSize - 1}px ${p.font}`;
    return {
      stroke: p.muted,
      font,
      labelFont: font,
      grid: { stroke: p.grid, width: 1 },
      ticks: { stroke: p.grid, width: 1 },
    };
  }

  private width(id: string): number {
    return Math.max(240, byId(id).clientWidth || 400);
  }

  private renderObjective(model: TuneModel): void {
    const trials = trialList(model);
    const visible = new Set(this.visibleTrials(model).map((t) => t.number));
    const data: uPlot.AlignedData = [
      trials.map((t) => t.number),
      trials.map((t) =>
        visible.has(t.number) && t.objective !== undefined && Number.isFinite(t.objective) ? t.objective : null,
      ),
      bestSoFar(model),
    ];
    if (!this.objectivePlot) {
      const p = this.palette;
      const value = (_u: uPlot, v: number | null) => (v === null ? '–' : formatHyper(v));
      this.objectivePlot = new uPlot(
        {
          width: this.width('tune-objective-plot'),
          height: PLOT_HEIGHT,
          scales: { x: { time: false } },
          axes: [
            { ...this.axisStyle(), label: 'trial', incrs: [1, 2, 5, 10, 20, 50] },
            { ...this.axisStyle(), size: 56 },
          ],
          series: [
            { label: 'trial' },
            {
              label: 'objective',
              stroke: p.train,
              width: 0,
              paths: () => null,
              points: { show: true, size: 8, fill: p.train },
              value,
            },
            {
              label: `best so far (${direction(model) === 'minimize' ? 'lowest' : 'highest'})`,
              stroke: p.marker,
              width: 2,
              paths: uPlot.paths.stepped!({ align: 1 }),
              points: { show: false },
              value,
            },
          ],
        },
        data,
        byId('tune-objective-plot'),
      );
    } else this.objectivePlot.setData(data);
  }

  private renderCurves(model: TuneModel, best: TuneTrial | undefined): void {
    const visible = new Set(this.visibleTrials(model).map((t) => t.number));
    const trials = trialList(model).filter((t) => visible.has(t.number) && t.curve.some((v) => v !== null));
    const epochs = Math.max(1, ...trials.map((t) => t.curve.length));
    const key = trials.map((t) => `${t.number}:${t.state}:${t === best}`).join(',');
    const data: uPlot.AlignedData = [
      Array.from({ length: epochs }, (_, i) => i + 1),
      ...trials.map((t) => Array.from({ length: epochs }, (_, i) => t.curve[i] ?? null)),
    ];
    if (this.curvesPlot && key === this.curvesKey) {
      this.curvesPlot.setData(data);
      return;
    }
    this.curvesPlot?.destroy();
    this.curvesKey = key;
    const p = this.palette;
    const objective = model.started?.objective ?? 'objective';
    this.curvesPlot = new uPlot(
      {
        width: this.width('tune-curves-plot'),
        height: PLOT_HEIGHT,
        scales: { x: { time: false } },
        axes: [
          { ...this.axisStyle(), label: 'epoch', incrs: [1, 2, 5, 10, 20, 50] },
          { ...this.axisStyle(), label: objective, size: 56 },
        ],
        legend: { show: trials.length <= 12 },
        series: [
          { label: 'epoch' },
          ...trials.map((t): uPlot.Series => {
            const isBest = t === best;
            return {
              label: `trial ${t.number}${isBest ? ' (best)' : t.state === 'pruned' ? ' (pruned)' : ''}`,
              stroke: isBest ? p.marker : t.state === 'pruned' ? p.muted : t.state === 'failed' ? p.warning : p.train,
              width: isBest ? 3 : 1.5,
              dash: t.state === 'pruned' ? [4, 3] : undefined,
              alpha: isBest ? 1 : t.state === 'pruned' ? 0.6 : 0.7,
              spanGaps: true,
              points: { show: true, size: isBest ? 6 : 4 },
              value: (_u, v) => (v === null ? '–' : formatHyper(v)),
            };
          }),
        ],
      },
      data,
      byId('tune-curves-plot'),
    );
  }
}
