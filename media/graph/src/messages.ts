// The messages between the extension host and the model graph view (a webview). Imported by both
// sides, so this file stays free of DOM and `vscode` imports.
//
// - the view posts `ready` when it (re)loads; the host answers with `graph` (and `cursor`);
// - the host posts `graph` after each change of the document (a newer version replaces an older
//   one; an older one arriving late is dropped) and `cursor` when the editor's cursor moves;
// - the view posts `reveal` when a node is clicked, `precision` when the user switches the memory
//   estimate between float32 and mixed precision, and `export` with the SVG or PNG to save.
// - the view keeps the document's URI (sent with each graph) in its webview state, so that after
//   a window reload VS Code hands the state to the host's serializer and the graph comes back
//   for the same file (restoredDocument).

import type { ModelGraph, Precision } from '../../../language/services/model-graph-types';

export type { ModelGraph, Precision };

export type HostToGraphMessage =
  /** `uri`: the .model document, kept in the view's state for the restore after a reload. */
  | { type: 'graph'; version: number; graph: ModelGraph | null; file: string; uri?: string }
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
        (x.uri === undefined || typeof x.uri === 'string') &&
        (x.graph === null || (isRecord(x.graph) && Array.isArray(x.graph.nodes) && Array.isArray(x.graph.edges)))
      );
    case 'cursor':
      return isLine(x.line);
    default:
      return false;
  }
}

/** What a reloaded window hands the serializer: the view's saved state. The document URI it names, if any. */
export function restoredDocument(state: unknown): string | undefined {
  if (!isRecord(state) || typeof state.uri !== 'string') return undefined;
  return state.uri.length > 0 && state.uri.length <= 4096 ? state.uri : undefined;
}
