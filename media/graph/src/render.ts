// Draws a Layout as SVG (DOM calls only: no markup strings, no inline style attributes, which the
// Content Security Policy forbids). Colours come from classes in styles.css, so the theme applies;
// `standalone` copies the resolved colours and fonts onto a clone for the SVG and PNG exports.

import { BOX_PADDING, GROUP_HEADER_HEIGHT, LINE_HEIGHT, type Box, type Layout } from './layout';

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  parent?: Element,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.append(e);
  return e;
}

export interface Handlers {
  /** A node or group was clicked: move the editor's cursor to this line. */
  reveal(line: number): void;
  /** A group's ▸/▾ was clicked. */
  toggle(groupId: string): void;
  /** Full text for a box's tooltip (the error message is cut on the box). */
  tooltip(box: Box): string;
}

export function renderSvg(layout: Layout, handlers: Handlers): SVGSVGElement {
  const svg = el('svg', {
    xmlns: SVG,
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    class: 'graph',
  });
  const defs = el('defs', {}, svg);
  const marker = el(
    'marker',
    {
      id: 'arrow',
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    },
    defs,
  );
  el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }, marker);

  // Groups first (behind), then edges, then the layers' boxes on top.
  const groups = layout.boxes.filter((b) => b.shape === 'group');
  const leaves = layout.boxes.filter((b) => b.shape !== 'group');
  for (const box of groups) drawGroup(svg, box, handlers);
  const edgeLayer = el('g', { class: 'edges' }, svg);
  for (const e of layout.edges) {
    if (e.points.length < 2) continue;
    const g = el('g', { class: 'edge', 'data-id': e.id }, edgeLayer);
    el('polyline', { points: e.points.map((p) => `${p.x},${p.y}`).join(' '), 'marker-end': 'url(#arrow)' }, g);
    if (e.label) {
      el(
        'rect',
        { x: e.label.x, y: e.label.y, width: e.label.width, height: e.label.height, rx: 3, class: 'edge-label-bg' },
        g,
      );
      const t = el(
        'text',
        {
          x: e.label.x + e.label.width / 2,
          y: e.label.y + e.label.height - 3.5,
          'text-anchor': 'middle',
          class: 'edge-label',
        },
        g,
      );
      t.textContent = e.label.text;
    }
  }
  for (const box of leaves) drawBox(svg, box, handlers);
  return svg;
}

function boxGroup(svg: SVGSVGElement, box: Box, handlers: Handlers): SVGGElement {
  const g = el(
    'g',
    {
      class: `box ${box.shape} kind-${box.kind}${box.error ? ' error' : ''}`,
      'data-id': box.id,
      'data-line': box.line,
      'data-end-line': box.endLine,
    },
    svg,
  );
  el('title', {}, g).textContent = handlers.tooltip(box);
  g.addEventListener('click', (e) => {
    e.stopPropagation();
    handlers.reveal(box.line);
  });
  return g;
}

function drawBox(svg: SVGSVGElement, box: Box, handlers: Handlers): void {
  const g = boxGroup(svg, box, handlers);
  el('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 6, class: 'frame' }, g);
  el('rect', { x: box.x, y: box.y, width: 4, height: box.height, rx: 2, class: 'stripe' }, g);
  let y = box.y + BOX_PADDING.y;
  for (const [i, line] of box.lines.entries()) {
    y += LINE_HEIGHT[line.style];
    const t = el(
      'text',
      { x: box.x + BOX_PADDING.x, y: y - 4, class: `t-${line.style}${line.tone ? ` ${line.tone}` : ''}` },
      g,
    );
    t.textContent = line.text;
    if (box.shape === 'collapsed' && i === 0) toggleOn(t, box, handlers);
  }
}

function drawGroup(svg: SVGSVGElement, box: Box, handlers: Handlers): void {
  const g = boxGroup(svg, box, handlers);
  el('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 8, class: 'frame' }, g);
  el('rect', { x: box.x, y: box.y, width: box.width, height: GROUP_HEADER_HEIGHT, rx: 8, class: 'header' }, g);
  const t = el('text', { x: box.x + BOX_PADDING.x, y: box.y + GROUP_HEADER_HEIGHT - 8, class: 't-title' }, g);
  t.textContent = box.lines[0]?.text ?? '';
  toggleOn(t, box, handlers);
}

/** The title of an application (with its ▸/▾) collapses or expands it instead of revealing the line. */
function toggleOn(title: SVGTextElement, box: Box, handlers: Handlers): void {
  title.classList.add('toggle');
  title.addEventListener('click', (e) => {
    e.stopPropagation();
    handlers.toggle(box.id);
  });
}

const PAINT = [
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
] as const;

/**
 * A self-contained copy of the drawn SVG: every element's computed colours and font as
 * presentation attributes (an exported file has no VS Code theme), a background, no handlers.
 */
export function standaloneSvg(svg: SVGSVGElement, background: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((o, i) => {
    const style = getComputedStyle(o);
    for (const p of PAINT) {
      const v = style.getPropertyValue(p);
      if (v) copies[i].setAttribute(p, v);
    }
    copies[i].removeAttribute('class');
  });
  const bg = document.createElementNS(SVG, 'rect');
  for (const [k, v] of Object.entries({ x: 0, y: 0, width: '100%', height: '100%', fill: background }))
    bg.setAttribute(k, String(v));
  clone.insertBefore(bg, clone.firstChild);
  for (const t of clone.querySelectorAll('title')) t.remove();
  return new XMLSerializer().serializeToString(clone);
}

/** The standalone SVG drawn on a canvas at 2× and encoded as PNG. */
export async function svgToPng(svgText: string, width: number, height: number): Promise<string> {
  const img = new Image();
  let binary = '';
  for (const byte of new TextEncoder().encode(svgText)) binary += String.fromCharCode(byte);
  img.src = `data:image/svg+xml;base64,${btoa(binary)}`;
  await img.decode();
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return canvas.toDataURL('image/png');
}
