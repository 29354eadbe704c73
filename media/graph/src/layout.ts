// The graph's layout with ELK (elkjs, layered, top to bottom): each layer a box sized to its text,
// each application (VGG16) a compound box around its layers or, collapsed, one box; edges routed
// orthogonally with their shape labels placed by ELK so nothing overlaps. Pure: text widths come
// from `measure`, so the layout itself is DOM-free.

import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { formatBytes, formatCount } from './format';
import type { ModelGraph } from './messages';
import type { GraphGroup, GraphNode } from '../../../language/services/model-graph-types';

export type TextStyle = 'title' | 'body' | 'label';
export type Measure = (text: string, style: TextStyle) => number;

export interface TextLine {
  text: string;
  style: TextStyle;
  /** `muted` for secondary facts, `error` for the error message. */
  tone?: 'muted' | 'error';
}

export interface Box {
  id: string;
  /** `node`: one layer; `group`: an expanded application around its layers; `collapsed`: an application as one box. */
  shape: 'node' | 'group' | 'collapsed';
  x: number;
  y: number;
  width: number;
  height: number;
  lines: TextLine[];
  kind: string;
  line: number;
  endLine: number;
  error: boolean;
  /** The group a node belongs to (its box is drawn inside the group's). */
  group?: string;
}

export interface EdgePath {
  id: string;
  points: { x: number; y: number }[];
  label?: { text: string; x: number; y: number; width: number; height: number };
}

export interface Layout {
  width: number;
  height: number;
  boxes: Box[];
  edges: EdgePath[];
}

export const LINE_HEIGHT = { title: 18, body: 16, label: 14 } as const;
const PAD_X = 10;
const PAD_Y = 6;
const MIN_WIDTH = 150;
const GROUP_HEADER = 26;
const ERROR_CHARS = 46;
const ERROR_LINES = 4;

const elk = new ELK();

const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '26',
  'elk.spacing.nodeNode': '24',
  'elk.spacing.edgeLabel': '4',
  'elk.layered.spacing.edgeNodeBetweenLayers': '12',
  'elk.edgeLabels.placement': 'CENTER',
  // A Sequential model is a chain: little crossing work to do (faster while typing), and with
  // balanced alignment every box is centred on one axis, so the edges run straight down.
  'elk.layered.thoroughness': '1',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.layered.nodePlacement.bk.fixedAlignment': 'BALANCED',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
  // Every coordinate relative to the root, so the drawing needs no offsets per level.
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

/** The text of a layer's box: class and name, arguments, shape and parameters, memory, error. */
export function nodeLines(node: GraphNode): TextLine[] {
  const lines: TextLine[] = [
    { text: node.kind === 'input' ? node.className : `${node.className}  ${node.name}`, style: 'title' },
  ];
  if (node.args) lines.push({ text: node.args, style: 'body', tone: 'muted' });
  const facts = [node.output ?? '?', node.params === undefined ? '? params' : `${formatCount(node.params)} params`];
  lines.push({ text: facts.join('  ·  '), style: 'body' });
  if (node.memory) lines.push({ text: `memory ${formatBytes(node.memory.total)}`, style: 'body', tone: 'muted' });
  if (node.error)
    for (const l of wrap(node.error, ERROR_CHARS, ERROR_LINES)) lines.push({ text: l, style: 'body', tone: 'error' });
  return lines;
}

function groupLines(group: GraphGroup, collapsed: boolean): TextLine[] {
  const title = `${collapsed ? '▸' : '▾'} ${group.label}  ·  ${group.nodeIds.length} layers`;
  const facts = [group.params === undefined ? '? params' : `${formatCount(group.params)} params`];
  if (group.memory) facts.push(`memory ${formatBytes(group.memory.total)}`);
  const lines: TextLine[] = [{ text: title, style: 'title' }];
  if (collapsed) {
    lines.push(
      { text: group.output ?? '?', style: 'body' },
      { text: facts.join('  ·  '), style: 'body', tone: 'muted' },
    );
    if (group.error)
      for (const l of wrap(group.error, ERROR_CHARS, ERROR_LINES))
        lines.push({ text: l, style: 'body', tone: 'error' });
  } else {
    // Expanded, the header holds the count only (its memory is in the tooltip): a long header
    // would be wider than the group's layers.
    lines[0] = { text: `${title}  ·  ${facts[0]}`, style: 'title' };
  }
  return lines;
}

/** Word-wraps an error message to a few lines; the full text is the node's tooltip. */
function wrap(text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let current = '';
  for (const w of words) {
    if (current && current.length + 1 + w.length > width) {
      lines.push(current);
      current = w;
    } else current = current ? `${current} ${w}` : w;
  }
  if (current) lines.push(current);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = `${lines[maxLines - 1].slice(0, width - 1)}…`;
  }
  return lines;
}

/** Widths grow in steps, so typing a character rarely changes a box's size (and the layout). */
const WIDTH_STEP = 16;

function sizeOf(lines: TextLine[], measure: Measure): { width: number; height: number } {
  const width = Math.max(MIN_WIDTH, ...lines.map((l) => measure(l.text, l.style) + 2 * PAD_X));
  const height = lines.reduce((h, l) => h + LINE_HEIGHT[l.style], 2 * PAD_Y);
  return { width: Math.ceil(width / WIDTH_STEP) * WIDTH_STEP, height: Math.ceil(height) };
}

/** The last ELK input (as JSON) and its result: an edit that changes no size or edge reuses it. */
let cached: { key: string; result: ElkNode } | undefined;
let runs = 0;

/** How many times ELK has run (the rest were answered from the cache). */
export function elkRuns(): number {
  return runs;
}

async function runElk(graph: ElkNode): Promise<ElkNode> {
  const key = JSON.stringify(graph);
  if (cached?.key === key) return cached.result;
  runs++;
  const result = await elk.layout(graph);
  cached = { key, result };
  return result;
}

/** Lays out `graph` with the groups in `collapsed` drawn as one box each. */
export async function layoutGraph(
  graph: ModelGraph,
  collapsed: ReadonlySet<string>,
  measure: Measure,
): Promise<Layout> {
  const info = new Map<string, Omit<Box, 'x' | 'y' | 'width' | 'height'>>();
  // Where each layer is drawn: itself, or its collapsed group's box.
  const shownAs = new Map<string, string>();
  const groupOf = new Map(graph.groups.map((g) => [g.id, g]));
  const children: ElkNode[] = [];
  const groupNodes = new Map<string, ElkNode>();

  for (const node of graph.nodes) {
    const group = node.group ? groupOf.get(node.group) : undefined;
    if (group && collapsed.has(group.id)) {
      shownAs.set(node.id, group.id);
      if (!info.has(group.id)) {
        const lines = groupLines(group, true);
        info.set(group.id, {
          id: group.id,
          shape: 'collapsed',
          lines,
          kind: 'application',
          line: group.line,
          endLine: group.endLine,
          error: group.error !== undefined,
        });
        children.push({ id: group.id, ...sizeOf(lines, measure) });
      }
      continue;
    }
    shownAs.set(node.id, node.id);
    const lines = nodeLines(node);
    info.set(node.id, {
      id: node.id,
      shape: 'node',
      lines,
      kind: node.kind,
      line: node.line,
      endLine: node.endLine,
      error: node.error !== undefined,
      group: group?.id,
    });
    const elkNode: ElkNode = { id: node.id, ...sizeOf(lines, measure) };
    if (group) {
      let parent = groupNodes.get(group.id);
      if (!parent) {
        const lines = groupLines(group, false);
        info.set(group.id, {
          id: group.id,
          shape: 'group',
          lines,
          kind: 'application',
          line: group.line,
          endLine: group.endLine,
          error: group.error !== undefined,
        });
        const header = Math.ceil(measure(lines[0].text, 'title')) + 2 * PAD_X;
        parent = {
          id: group.id,
          children: [],
          layoutOptions: {
            'elk.padding': `[top=${GROUP_HEADER + 8},left=12,bottom=12,right=12]`,
            'elk.nodeSize.minimum': `(${header}, 40)`,
            'elk.nodeSize.constraints': 'MINIMUM_SIZE',
          },
        };
        groupNodes.set(group.id, parent);
        children.push(parent);
      }
      parent.children?.push(elkNode);
    } else children.push(elkNode);
  }

  const edges: ElkExtendedEdge[] = [];
  // Label texts stay out of ELK's input (only their sizes go in), so the cache key is sizes only.
  const labelText = new Map<string, string>();
  for (const e of graph.edges) {
    const from = shownAs.get(e.from);
    const to = shownAs.get(e.to);
    if (!from || !to || from === to) continue;
    if (e.label) labelText.set(e.id, e.label);
    // ELK places only labels with a text; a constant one keeps the real text out of the key.
    const labels = e.label
      ? [
          {
            id: `${e.id}-label`,
            text: 'shape',
            width: Math.ceil((measure(e.label, 'label') + 8) / 4) * 4,
            height: LINE_HEIGHT.label,
          },
        ]
      : [];
    edges.push({ id: e.id, sources: [from], targets: [to], labels });
  }

  const laidOut = await runElk({ id: 'root', layoutOptions: ROOT_OPTIONS, children, edges });
  const boxes: Box[] = [];
  const collect = (nodes: ElkNode[] | undefined) => {
    for (const n of nodes ?? []) {
      const meta = info.get(n.id);
      if (meta) boxes.push({ ...meta, x: n.x ?? 0, y: n.y ?? 0, width: n.width ?? 0, height: n.height ?? 0 });
      collect(n.children);
    }
  };
  collect(laidOut.children);
  const paths: EdgePath[] = (laidOut.edges ?? []).map((e) => {
    const section = e.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    const l = e.labels?.[0];
    const text = labelText.get(e.id);
    return {
      id: e.id,
      points,
      label: l && text ? { text, x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0 } : undefined,
    };
  });
  return { width: Math.ceil(laidOut.width ?? 0), height: Math.ceil(laidOut.height ?? 0), boxes, edges: paths };
}

export const GROUP_HEADER_HEIGHT = GROUP_HEADER;
export const BOX_PADDING = { x: PAD_X, y: PAD_Y };
