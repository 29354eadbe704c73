// The panel's Predict section: a Predict… button (the host asks for files), a drop zone (image
// files dropped anywhere on the panel are predicted with the run it shows), and the results —
// each input's image with its top classes and probabilities, its values, or its output image.
// Its own section and stylesheet, placed into the panel's layout above the charts.

import './predict.css';
import type { PanelToHostMessage } from './messages';
import {
  MAX_DROPPED_BYTES,
  MAX_DROPPED_FILES,
  type DroppedFile,
  type PredictHostMessage,
  type PredictItem,
} from './predictMessages';

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg']);

export interface PredictView {
  show(message: PredictHostMessage): void;
  /** The saved report.html: nothing to predict with. */
  setStatic(): void;
}

export function installPredictView(app: HTMLElement, post: (m: PanelToHostMessage) => void): PredictView {
  const section = el('section', undefined, 'predict');
  section.id = 'predict';
  section.setAttribute('aria-labelledby', 'predict-title');
  const head = el('div', undefined, 'predict-head');
  const title = el('h2', 'Predict');
  title.id = 'predict-title';
  const hint = el('span', 'Drop PNG or JPEG images on the panel, or', 'hint');
  const button = el('vscode-button' as 'button', 'Predict…');
  button.id = 'predict-pick';
  button.setAttribute('secondary', '');
  button.setAttribute('aria-label', 'Predict with this run: choose input files');
  button.addEventListener('click', () => post({ type: 'predictPick' }));
  head.append(title, hint, button);
  const status = el('p', '', 'predict-status');
  status.id = 'predict-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const results = el('div', undefined, 'predict-results');
  results.id = 'predict-results';
  results.setAttribute('role', 'list');
  results.setAttribute('aria-labelledby', 'predict-title');
  section.append(head, status, results);
  // Above the charts, so results show where the user dropped without scrolling.
  app.insertBefore(section, app.querySelector('main'));

  const overlay = el('div', 'Drop images to predict with this run', 'drop-overlay');
  overlay.id = 'drop-overlay';
  overlay.hidden = true;
  app.append(overlay);

  let enabled = true;
  installDrop(
    () => enabled,
    (on) => (overlay.hidden = !on),
    (files, uris, skipped) => {
      if (files.length + uris.length === 0) {
        status.textContent = skipped.length
          ? `Nothing to predict: ${skipped.join(', ')} ${skipped.length === 1 ? 'is' : 'are'} not a PNG or JPEG image (of at most ${MAX_DROPPED_BYTES >> 20} MB)`
          : '';
        return;
      }
      status.textContent = skipped.length ? `Skipped ${skipped.join(', ')}: not a PNG or JPEG image` : '';
      post({ type: 'predictDrop', files, uris });
    },
  );

  return {
    show(m) {
      section.classList.add('has-results');
      if (m.type === 'predicting') {
        status.textContent = `Predicting ${m.count} file${m.count === 1 ? '' : 's'}…`;
        section.setAttribute('aria-busy', 'true');
        return;
      }
      section.removeAttribute('aria-busy');
      status.textContent = m.error ?? (m.device ? `With ${m.device}` : '');
      status.classList.toggle('error', m.error !== undefined);
      results.replaceChildren(...m.items.map(card));
    },
    setStatic() {
      enabled = false;
      section.hidden = true;
    },
  };
}

function card(item: PredictItem): HTMLElement {
  const fig = el('figure', undefined, 'prediction');
  fig.setAttribute('role', 'listitem');
  const images = el('div', undefined, 'prediction-images');
  if (item.image) {
    const img = el('img');
    img.src = item.image;
    img.alt = `input ${item.input}`;
    images.append(img);
  }
  if (item.output) {
    if (item.image) images.append(el('span', '→', 'arrow'));
    const img = el('img');
    img.src = item.output;
    img.alt = `output for ${item.input}`;
    img.className = 'output';
    images.append(img);
  }
  if (images.childElementCount) fig.append(images);
  const caption = el('figcaption');
  // The file's name; its whole path (or the sample's, `…/x.npy [3]`) on hover.
  const name = el('div', item.input.split(/[\\/]/).pop() || item.input, 'prediction-input');
  name.title = item.input;
  caption.append(name);
  if (item.top) {
    const list = el('ol', undefined, 'top-classes');
    for (const c of item.top) {
      const li = el('li');
      const pct = c.probability * 100;
      const bar = el('span', undefined, 'bar');
      bar.style.width = `${Math.max(0, Math.min(100, pct)).toFixed(1)}%`;
      li.append(el('span', c.class, 'class-name'), el('span', `${pct.toFixed(1)}%`, 'probability'), bar);
      li.setAttribute('aria-label', `${c.class}: ${pct.toFixed(1)}%`);
      list.append(li);
    }
    caption.append(list);
  } else if (item.values) {
    caption.append(el('div', item.values.map((v) => Number(v.toPrecision(6))).join(', '), 'values'));
  }
  if (item.outputPath) caption.append(el('div', item.outputPath, 'output-path'));
  fig.append(caption);
  return fig;
}

/** Reads dropped files (OS files as bytes, explorer drags as file: URIs) and hands them on. */
function installDrop(
  enabled: () => boolean,
  highlight: (on: boolean) => void,
  dropped: (files: DroppedFile[], uris: string[], skipped: string[]) => void,
): void {
  let depth = 0;
  const carriesFiles = (e: DragEvent) =>
    !!e.dataTransfer && [...e.dataTransfer.types].some((t) => t === 'Files' || t.endsWith('uri-list'));
  document.addEventListener('dragenter', (e) => {
    if (!enabled() || !carriesFiles(e)) return;
    e.preventDefault();
    depth++;
    highlight(true);
  });
  document.addEventListener('dragover', (e) => {
    if (!enabled() || !carriesFiles(e)) return;
    e.preventDefault(); // allows the drop
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) highlight(false);
  });
  document.addEventListener('drop', (e) => {
    if (!enabled() || !e.dataTransfer) return;
    e.preventDefault();
    depth = 0;
    highlight(false);
    const all = [...e.dataTransfer.files];
    const take = all.filter((f) => IMAGE_TYPES.has(f.type) && f.size <= MAX_DROPPED_BYTES).slice(0, MAX_DROPPED_FILES);
    const skipped = all.filter((f) => !take.includes(f)).map((f) => f.name);
    // VS Code's explorer puts URIs, not bytes: the host reads those files itself.
    const uriText = e.dataTransfer.getData('application/vnd.code.uri-list') || e.dataTransfer.getData('text/uri-list');
    const uris =
      take.length === 0
        ? uriText
            .split(/\r?\n/)
            .map((u) => u.trim())
            .filter((u) => u.startsWith('file:') && /\.(png|jpe?g)$/i.test(u))
            .slice(0, MAX_DROPPED_FILES)
        : [];
    void Promise.all(take.map(readAsDataUrl)).then((dataUrls) =>
      dropped(
        take.map((f, i) => ({ name: f.name, dataUrl: dataUrls[i]! })),
        uris,
        skipped,
      ),
    );
  });
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
