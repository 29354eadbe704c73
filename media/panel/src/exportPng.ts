// PNG export: every chart's canvas, with its title and legend, drawn one below the other.

import type uPlot from 'uplot';
import { quantityTitle } from './charts';
import type { Palette } from './theme';

export function chartsToPng(plots: Map<string, uPlot>, palette: Palette, title: string): string {
  const dpr = devicePixelRatio || 1;
  const pad = Math.round(12 * dpr);
  const titleHeight = Math.round((palette.fontSize + 10) * dpr);
  const canvases = [...plots].map(([quantity, plot]) => ({ quantity, plot, canvas: plot.ctx.canvas }));
  const width = Math.max(320 * dpr, ...canvases.map((c) => c.canvas.width)) + 2 * pad;
  const legendHeight = Math.round((palette.fontSize + 8) * dpr);
  const height =
    titleHeight + pad + canvases.reduce((h, c) => h + titleHeight + c.canvas.height + legendHeight + pad, 0);

  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = palette.background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = palette.foreground;
  ctx.textBaseline = 'top';
  ctx.font = `600 ${Math.round((palette.fontSize + 2) * dpr)}px ${palette.font}`;
  ctx.fillText(title, pad, pad);
  let y = titleHeight + pad;
  for (const { quantity, plot, canvas } of canvases) {
    ctx.fillStyle = palette.foreground;
    ctx.font = `600 ${Math.round(palette.fontSize * dpr)}px ${palette.font}`;
    ctx.fillText(quantityTitle(quantity), pad, y);
    y += titleHeight;
    ctx.drawImage(canvas, pad, y);
    y += canvas.height;
    drawLegend(ctx, plot, palette, pad, y + 4 * dpr, dpr);
    y += legendHeight + pad;
  }
  return out.toDataURL('image/png');
}

/** A swatch and label per series (the on-screen legend is HTML, not part of the canvas). */
function drawLegend(
  ctx: CanvasRenderingContext2D,
  plot: uPlot,
  palette: Palette,
  x: number,
  y: number,
  dpr: number,
): void {
  ctx.font = `${Math.round((palette.fontSize - 1) * dpr)}px ${palette.font}`;
  plot.series.forEach((s, i) => {
    if (i === 0 || !s.label) return;
    const stroke = typeof s.stroke === 'function' ? s.stroke(plot, i) : s.stroke;
    ctx.fillStyle = typeof stroke === 'string' ? stroke : palette.foreground;
    ctx.fillRect(x, y + 3 * dpr, 12 * dpr, 3 * dpr);
    ctx.fillStyle = palette.foreground;
    const label = String(s.label);
    ctx.fillText(label, x + 16 * dpr, y);
    x += 16 * dpr + ctx.measureText(label).width + 18 * dpr;
  });
}
