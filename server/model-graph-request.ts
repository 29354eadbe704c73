// The custom request behind "Show Model Graph": its name and types, shared by the language server
// and the VS Code client (the language core stays LSP-free; this is the adapter's contract).

import type { ModelGraph, Precision } from '../language/services/model-graph';

export const MODEL_GRAPH_REQUEST = 'modelspec/modelGraph';

export interface ModelGraphParams {
  uri: string;
  precision?: Precision;
}

/** Null when the server does not have the document open. */
export interface ModelGraphResult {
  uri: string;
  version: number;
  /** Null when the file has no model block. */
  graph: ModelGraph | null;
}
