// The legend of the compared runs, above the charts: which run is displayed, and each overlaid
// run in its colour, labelled by its differing hyperparameters, with its latest values.

import { quantityTitle } from './charts';
import type { Overlay } from './chartData';
import { overlayColour } from './overlayStyle';
import { epochValue, type RunModel } from './runModel';
import type { Palette } from './theme';

function latest(run: RunModel): string {
  const last = run.epochs.at(-1);
  if (!last) return 'no epoch yet';
  const parts: string[] = [];
  for (const q of run.quantities) {
    for (const validation of [false, true]) {
      const v = epochValue(last, q, validation);
      if (v !== null)
        parts.push(`${validation ? 'val ' : ''}${quantityTitle(q).toLowerCase()} ${Number(v.toPrecision(4))}`);
    }
  }
  return `epoch ${last.epoch}: ${parts.join(' · ')}`;
}

function entry(swatches: string[], label: string, values: string, className: string): HTMLLIElement {
  const li = document.createElement('li');
  li.className = className;
  for (const colour of swatches) {
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = colour;
    sw.setAttribute('aria-hidden', 'true');
    li.append(sw);
  }
  const name = document.createElement('span');
  name.className = 'legend-label';
  name.textContent = label;
  const v = document.createElement('span');
  v.className = 'legend-values';
  v.textContent = values;
  li.append(name, v);
  return li;
}

/** Hidden when nothing is overlaid; `displayed` names the run the charts show in full. */
export function renderOverlayLegend(
  el: HTMLElement,
  run: RunModel,
  overlays: readonly Overlay[],
  palette: Palette,
  displayed: string | undefined,
): void {
  el.replaceChildren();
  el.hidden = overlays.length === 0;
  if (overlays.length === 0) return;
  const list = document.createElement('ul');
  list.append(
    entry(
      [palette.train, palette.validation],
      `Displayed: ${displayed ?? 'this run'}`,
      latest(run),
      'legend-displayed',
    ),
  );
  overlays.forEach((o, i) => list.append(entry([overlayColour(palette, i)], o.label, latest(o.run), 'legend-overlay')));
  el.append(list);
}
