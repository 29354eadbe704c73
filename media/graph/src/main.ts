// The model graph view: receives the graph data from the host after each change, lays it out with
// ELK and draws it as SVG; a click on a layer asks the host to move the cursor there, the cursor's
// layer is highlighted, applications collapse and expand, and the drawing exports as SVG or PNG.
// The new drawing replaces the old one only when its layout is ready, so typing does not flicker.

import './styles.css';
import { formatBytes } from './format';
import { elkRuns, layoutGraph, type Box, type Layout, type Measure, type TextStyle } from './layout';
import { isHostToGraphMessage, type GraphToHostMessage, type ModelGraph, type Precision } from './messages';
import { renderSvg, standaloneSvg, svgToPng } from './render';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare global {
  function acquireVsCodeApi(): VsCodeApi;
  interface Window {
    /** For tests and diagnosis: what the view holds. */
    modelspecGraph?: GraphDebug;
  }
}

interface ViewState {
  collapsed: string[];
  precision: Precision;
  /** The document shown: VS Code gives this state back to the host after a window reload. */
  uri?: string;
}

interface GraphDebug {
  version: number;
  renders: number;
  /** Milliseconds the last layout took (ELK, or the reused one). */
  layoutMs: number;
  /** Milliseconds from the graph's arrival to its drawing on screen (layout + SVG). */
  drawMs: number;
  pending: boolean;
  /** Layouts ELK computed; an edit that changes no box size reuses the last one. */
  elkRuns: number;
  layout(): Layout | undefined;
  exportSvg(): string | undefined;
  exportPng(): Promise<string | undefined>;
}

const api: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
const post = (m: GraphToHostMessage) => api?.postMessage(m);
const saved = (api?.getState() ?? {}) as Partial<ViewState>;
const state: ViewState = {
  collapsed: Array.isArray(saved.collapsed) ? saved.collapsed.filter((c): c is string => typeof c === 'string') : [],
  precision: saved.precision === 'mixed_float16' ? 'mixed_float16' : 'float32',
  ...(typeof saved.uri === 'string' && { uri: saved.uri }),
};

const app = document.getElementById('app') ?? document.body;
const toolbar = document.createElement('header');
const title = document.createElement('h1');
const memory = document.createElement('p');
memory.className = 'memory';
const timing = document.createElement('span');
timing.className = 'timing';
const precision = document.createElement('select');
precision.title = 'Precision of the memory estimate';
for (const [value, label] of [
  ['float32', 'float32'],
  ['mixed_float16', 'mixed precision'],
] as const) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = label;
  precision.append(o);
}
precision.value = state.precision;
const svgButton = button('Export SVG', () => {
  const svg = exportSvg();
  if (svg) post({ type: 'export', format: 'svg', svg });
});
const pngButton = button('Export PNG', async () => {
  const png = await exportPng();
  if (png) post({ type: 'export', format: 'png', dataUrl: png });
});
const actions = document.createElement('div');
actions.className = 'actions';
actions.append(precision, svgButton, pngButton);
toolbar.append(title, actions, memory, timing);
const canvasArea = document.createElement('main');
const message = document.createElement('p');
message.className = 'message';
app.append(toolbar, message, canvasArea);

let graph: ModelGraph | null = null;
let version = -1;
let layout: Layout | undefined;
let svg: SVGSVGElement | undefined;
let cursorLine: number | undefined;
let renders = 0;
let layoutMs = 0;
let drawMs = 0;
let pending = false;
/** Bumped for each layout started: an older one finishing late is dropped. */
let ticket = 0;

function button(label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

// Text widths from a canvas with the view's own font (the SVG text uses the same).
const measureCanvas = document.createElement('canvas').getContext('2d');
const fontOf = (style: TextStyle) => {
  const s = getComputedStyle(document.body);
  const family = s.getPropertyValue('--ms-font-family').trim() || 'sans-serif';
  return style === 'title' ? `600 13px ${family}` : style === 'label' ? `11px ${family}` : `12px ${family}`;
};
const measure: Measure = (text, style) => {
  if (!measureCanvas) return text.length * 7.5;
  measureCanvas.font = fontOf(style);
  return measureCanvas.measureText(text).width;
};

function tooltip(box: Box): string {
  // The error's wrapped lines are left out: the full message follows.
  const text = box.lines
    .filter((l) => l.tone !== 'error')
    .map((l) => l.text)
    .join('\n');
  const node = graph?.nodes.find((n) => n.id === box.id);
  const group = graph?.groups.find((g) => g.id === box.id);
  const error = node?.error ?? group?.error;
  const mem = node?.memory ?? group?.memory;
  const memText = mem
    ? `\nweights ${formatBytes(mem.parameters)} · gradients ${formatBytes(mem.gradients)} · optimizer ${formatBytes(mem.optimizer)} · activations ${formatBytes(mem.activations)}`
    : '';
  return `${text}${memText}${error ? `\n\n${error}` : ''}\n\nClick to go to line ${box.line + 1}`;
}

async function redraw(): Promise<void> {
  const mine = ++ticket;
  if (!graph) {
    pending = false;
    return;
  }
  pending = true;
  const started = performance.now();
  // state.collapsed lists the groups the user toggled from how they start (a group marked
  // `collapsed`, a layer-graph application, starts closed).
  const toggled = new Set(state.collapsed);
  const collapsed = new Set(graph.groups.filter((g) => (g.collapsed === true) !== toggled.has(g.id)).map((g) => g.id));
  const next = await layoutGraph(graph, collapsed, measure);
  if (mine !== ticket) return; // a newer graph arrived while this one was laid out
  layoutMs = performance.now() - started;
  const drawn = renderSvg(next, {
    reveal: (line) => post({ type: 'reveal', line }),
    toggle: (id) => {
      state.collapsed = state.collapsed.includes(id)
        ? state.collapsed.filter((c) => c !== id)
        : [...state.collapsed, id];
      api?.setState(state);
      void redraw();
    },
    tooltip,
  });
  // Swap in one step: the old drawing stays until the new one is complete.
  if (svg) svg.replaceWith(drawn);
  else canvasArea.append(drawn);
  svg = drawn;
  layout = next;
  renders++;
  drawMs = performance.now() - started;
  timing.textContent = `${next.boxes.length} boxes laid out in ${Math.round(layoutMs)} ms, drawn in ${Math.round(drawMs)} ms`;
  highlight(false);
  pending = false;
}

function showHeader(file: string): void {
  if (!graph) {
    title.textContent = file;
    memory.textContent = '';
    message.textContent = 'This file has no model block yet: write model name { … } to see its graph.';
    return;
  }
  message.textContent = '';
  title.textContent = `${graph.name} · ${file}`;
  const m = graph.memory;
  const t = m.total;
  memory.textContent =
    `Training memory ≈ ${formatBytes(t.total)}${m.complete ? '' : ' (layers with unknown shapes left out)'}: ` +
    `weights ${formatBytes(t.parameters)} · gradients ${formatBytes(t.gradients)} · ` +
    `optimizer ${formatBytes(t.optimizer)} (${m.optimizer}, ${m.optimizerSlots}× the weights) · ` +
    `activations ${formatBytes(t.activations)} (batch ${m.batchSize}, ${m.precision === 'mixed_float16' ? 'mixed precision' : 'float32'})`;
}

/** Marks the boxes of the cursor's line; `scroll` brings the first into view. */
function highlight(scroll: boolean): void {
  if (!svg) return;
  let first: Element | undefined;
  for (const g of svg.querySelectorAll<SVGGElement>('g.box')) {
    const start = Number(g.dataset.line);
    const end = Number(g.dataset.endLine);
    // An application's layers share its line: highlight the application's box, not each layer.
    const inGroup =
      g.classList.contains('node') && layout?.boxes.find((b) => b.id === g.dataset.id)?.group !== undefined;
    const on = cursorLine !== undefined && cursorLine >= start && cursorLine <= end && !inGroup;
    g.classList.toggle('current', on);
    if (on) first ??= g;
  }
  if (scroll && first) first.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

function exportSvg(): string | undefined {
  if (!svg) return undefined;
  const bg = getComputedStyle(document.body).backgroundColor || '#ffffff';
  return standaloneSvg(svg, bg);
}

async function exportPng(): Promise<string | undefined> {
  const text = exportSvg();
  if (!text || !layout) return undefined;
  return svgToPng(text, layout.width, layout.height);
}

precision.addEventListener('change', () => {
  state.precision = precision.value === 'mixed_float16' ? 'mixed_float16' : 'float32';
  api?.setState(state);
  post({ type: 'precision', precision: state.precision });
});

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const m = e.data;
  if (!isHostToGraphMessage(m)) return;
  if (m.type === 'cursor') {
    cursorLine = m.line;
    highlight(true);
    return;
  }
  if (m.version < version) return; // an answer for an older version, overtaken
  version = m.version;
  graph = m.graph;
  if (m.uri !== undefined && m.uri !== state.uri) {
    state.uri = m.uri;
    api?.setState(state);
  }
  showHeader(m.file);
  if (!graph && svg) {
    svg.remove();
    svg = undefined;
    layout = undefined;
  }
  void redraw();
});

window.modelspecGraph = {
  get version() {
    return version;
  },
  get renders() {
    return renders;
  },
  get layoutMs() {
    return layoutMs;
  },
  get drawMs() {
    return drawMs;
  },
  get pending() {
    return pending;
  },
  get elkRuns() {
    return elkRuns();
  },
  layout: () => layout,
  exportSvg,
  exportPng,
};

post({ type: 'ready' });
if (state.precision !== 'float32') post({ type: 'precision', precision: state.precision });
