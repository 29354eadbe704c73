// Image-to-image evaluation: a grid of test samples, each as its input, its target and the
// model's output side by side (target and output on one value scale), with the sample's error.

import { el, formatMetric } from './dom';
import type { Evaluated } from './runModel';

type Report = NonNullable<Evaluated['images']>;

export function imagesSummary(r: Report): string {
  const psnr =
    typeof r.psnr === 'number' ? `PSNR ${r.psnr.toFixed(2)} dB` : r.mse === 0 ? 'outputs equal the targets' : 'no PSNR';
  return `Reconstruction MSE ${formatMetric(r.mse)} · ${psnr} (peak ${formatMetric(r.peak)})`;
}

export function renderImageTriples(r: Report): void {
  document.getElementById('images-summary')!.textContent = imagesSummary(r);
  const grid = document.getElementById('image-triples')!;
  grid.replaceChildren();
  for (const t of r.triples) {
    const fig = el('figure', undefined, 'triple');
    fig.setAttribute('role', 'listitem');
    const row = el('div', undefined, 'triple-images');
    for (const [part, png] of [
      ['input', t.input],
      ['target', t.target],
      ['output', t.output],
    ] as const) {
      if (png === undefined) continue;
      const img = el('img');
      img.src = `data:image/png;base64,${png}`;
      img.alt = `sample ${t.index}: ${part}`;
      img.dataset.part = part;
      img.title = part;
      row.append(img);
    }
    fig.append(row, el('figcaption', `sample ${t.index} · MSE ${formatMetric(t.mse)}`));
    grid.append(fig);
  }
}
