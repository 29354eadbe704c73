// PNG export: every chart's canvas, with its title, drawn one below the other on one canvas.

import type uPlot from 'uplot';
import { quantityTitle } from './charts';
import type { Palette } from './theme';

export function chartsToPng(plots: Map<string, uPlot>, palette: Palette, title: string): string {
  const dpr = devicePixelRatio || 1;
  const pad = Math.round(12 * dpr);
  const titleHeight = Math.round((palette.fontSize + 10) * dpr);
  const canvases = [...plots].map(([quantity, plot]) => ({ quantity, canvas: plot.ctx.canvas }));
  const width = Math.max(320 * dpr, ...canvases.map((c) => c.canvas.width)) + 2 * pad;
  const height = titleHeight + pad + canvases.reduce((h, c) => h + titleHeight + c.canvas.height + pad, 0);

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
  for (const { quantity, canvas } of canvases) {
    ctx.font = `600 ${Math.round(palette.fontSize * dpr)}px ${palette.font}`;
    ctx.fillText(quantityTitle(quantity), pad, y);
    y += titleHeight;
    ctx.drawImage(canvas, pad, y);
    y += canvas.height + pad;
  }
  return out.toDataURL('image/png');
}
