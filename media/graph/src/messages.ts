// The messages between the extension host and the model graph view (a webview). Imported by both
// sides, so this file stays free of DOM and `vscode` imports.
//
// - the view posts `ready` when it (re)loads; the host answers with `graph` (and `cursor`);
// - the host posts `graph` after each change of the document (a newer version replaces an older
//   one; an older one arriving late is dropped) and `cursor` when the editor's cursor moves;
// - the view posts `reveal` when a node is clicked, `precision` when the user switches the memory
//   estimate between float32 and mixed precision, and `export` with the SVG or PNG to save.

import type { ModelGraph, Precision } from '../../../language/services/model-graph-types';

export type { ModelGraph, Precision };

export type HostToGraphMessage =
  | { type: 'graph'; version: number; graph: ModelGraph | null; file: string }
  | { type: 'cursor'; line: number };

export type GraphToHostMessage =
  | { type: 'ready' }
  | { type: 'reveal'; line: number }
  | { type: 'precision'; precision: Precision }
  | { type: 'export'; format: 'svg'; svg: string }
  | { type: 'export'; format: 'png'; dataUrl: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isLine = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/** The host checks every message from the webview with this before acting on it. */
export function isGraphToHostMessage(x: unknown): x is GraphToHostMessage {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'ready':
      return true;
    case 'reveal':
      return isLine(x.line);
    case 'precision':
      return x.precision === 'float32' || x.precision === 'mixed_float16';
    case 'export':
      return (
        (x.format === 'svg' && typeof x.svg === 'string' && x.svg.startsWith('<svg')) ||
        (x.format === 'png' && typeof x.dataUrl === 'string' && x.dataUrl.startsWith('data:image/png;base64,'))
      );
    default:
      return false;
  }
}

/** The view checks messages arriving on `window` (anything can post there) with this. */
export function isHostToGraphMessage(x: unknown): x is HostToGraphMessage {
  if (!isRecord(x) || typeof x.type !== 'string') return false;
  switch (x.type) {
    case 'graph':
      return (
        typeof x.version === 'number' &&
        typeof x.file === 'string' &&
        (x.graph === null || (isRecord(x.graph) && Array.isArray(x.graph.nodes) && Array.isArray(x.graph.edges)))
      );
    case 'cursor':
      return isLine(x.line);
    default:
      return false;
  }
}
