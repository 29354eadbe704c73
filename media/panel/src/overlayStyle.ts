// How overlaid runs are drawn: each run in its own colour (validation solid with points, train
// dashed), opaque and as wide as the current run's lines, so they read in light and dark themes.

import type uPlot from 'uplot';
import type { SeriesSpec } from './chartData';
import type { Palette } from './theme';

export function overlayColour(palette: Palette, overlay: number): string {
  return palette.overlays[overlay % palette.overlays.length];
}

export function overlaySeriesOptions(
  s: SeriesSpec,
  palette: Palette,
  value: (u: uPlot, v: number | null, i: number, idx: number | null) => string,
): uPlot.Series {
  const colour = overlayColour(palette, s.overlay ?? 0);
  if (s.role === 'overlayTrain')
    return { label: s.label, stroke: colour, width: 1.5, dash: [6, 4], spanGaps: true, points: { show: false }, value };
  return {
    label: s.label,
    stroke: colour,
    width: 2,
    spanGaps: true,
    points: { show: true, size: 6, fill: colour },
    value,
  };
}
