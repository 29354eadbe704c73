// The data preview: a grid of training samples per class, and, when the file augments, each
// sample again as training will see it (the host draws both with the engine's own code and
// sends PNG data URIs). Re-drawn whenever the host posts a new preview (the file changed);
// "Draw again" asks for other random transforms. Only draws: everything is computed by the host.

import './styles.css';
import {
  isHostToPreviewMessage,
  type HostToPreviewMessage,
  type PreviewContent,
  type PreviewToHostMessage,
} from './messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare global {
  function acquireVsCodeApi(): VsCodeApi;
  interface Window {
    /** For tests and diagnosis: what the view shows. */
    modelspecPreview?: { renders: number; content?: PreviewContent; problem?: string };
  }
}

const api: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
const post = (m: PreviewToHostMessage) => api?.postMessage(m);
const debug: NonNullable<Window['modelspecPreview']> = { renders: 0 };
window.modelspecPreview = debug;

const app = document.getElementById('app') ?? document.body;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const count = (n: number) => n.toLocaleString('en-US');
const shape = (s: number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

function render(message: HostToPreviewMessage): void {
  debug.renders++;
  const frag = document.createDocumentFragment();
  if (message.type === 'problem') {
    debug.problem = message.message;
    debug.content = undefined;
    frag.append(el('h1', undefined, `Data: ${message.file}`), el('p', 'problem', message.message));
    app.replaceChildren(frag);
    return;
  }
  const c = message.content;
  debug.content = c;
  debug.problem = undefined;
  const header = el('header');
  header.append(el('h1', undefined, `${c.source}`));
  const facts: string[] = [];
  if (c.total !== undefined) facts.push(`${count(c.total)} samples`);
  if (c.sampleShape?.length) facts.push(`shape ${shape(c.sampleShape)}`);
  if (c.classes.length && c.classes.some((k) => k.count !== undefined)) facts.push(`${c.classes.length} classes`);
  if (c.countedOf !== undefined) facts.push(`classes counted in the first ${count(c.countedOf)}`);
  header.append(el('p', 'facts', facts.join(' · ')));
  if (c.augment) {
    const aug = el('p', 'augment');
    aug.append(el('code', undefined, c.augment), document.createTextNode(` · seed ${c.seed ?? 0} `));
    const again = el('button', undefined, 'Draw again');
    again.type = 'button';
    again.addEventListener('click', () => post({ type: 'redraw' }));
    aug.append(again);
    header.append(aug);
  }
  frag.append(header);
  if (c.note) frag.append(el('p', 'note', c.note));

  const withImages = c.classes.filter((k) => k.samples.length);
  if (withImages.length) {
    const grid = el('div', 'grid');
    for (const k of withImages) {
      const row = el('section', 'class');
      row.dataset.class = k.name;
      row.append(el('h2', undefined, k.count !== undefined ? `${k.name} · ${count(k.count)}` : k.name));
      const samples = el('div', 'samples');
      for (const s of k.samples) {
        const cell = el('figure', 'sample');
        const original = el('img', 'original');
        original.src = s.original;
        original.alt = `${k.name}`;
        original.title = 'as stored';
        cell.append(original);
        if (s.augmented) {
          const augmented = el('img', 'augmented');
          augmented.src = s.augmented;
          augmented.alt = `${k.name}, augmented`;
          augmented.title = 'as training sees it';
          cell.append(augmented);
        }
        samples.append(cell);
      }
      row.append(samples);
      grid.append(row);
    }
    if (c.augment)
      frag.append(el('p', 'legend', 'Each sample as stored (top) and as training sees it after augmentation (below).'));
    frag.append(grid);
  } else if (c.classes.length) {
    const list = el('ul', 'counts');
    for (const k of c.classes)
      list.append(el('li', undefined, k.count !== undefined ? `${k.name}: ${count(k.count)}` : k.name));
    frag.append(list);
  }
  if (c.table) {
    const table = el('table');
    const head = el('tr');
    c.table.columns.forEach((col, i) => head.append(el('th', i === c.table!.labelColumn ? 'label' : undefined, col)));
    table.append(head);
    for (const r of c.table.rows) {
      const tr = el('tr');
      c.table.columns.forEach((_, i) =>
        tr.append(el('td', i === c.table!.labelColumn ? 'label' : undefined, r[i] ?? '')),
      );
      table.append(tr);
    }
    frag.append(table);
  }
  app.replaceChildren(frag);
}

window.addEventListener('message', (e: MessageEvent) => {
  if (isHostToPreviewMessage(e.data)) render(e.data);
});
post({ type: 'ready' });
