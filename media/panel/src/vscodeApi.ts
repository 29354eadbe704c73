// The webview's link to the extension host. VS Code defines acquireVsCodeApi(); the saved
// report defines a small stand-in; anywhere else (a plain browser) messages go nowhere.

import type { PanelToHostMessage } from './messages';

/** What the panel keeps across the webview being hidden and shown again. */
export interface PanelState {
  runId?: string;
  overlayRunDirs: string[];
  smoothing?: number;
  logLoss?: boolean;
}

export interface HostApi {
  postMessage(message: PanelToHostMessage): void;
  getState(): PanelState;
  setState(state: PanelState): void;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  // Provided by VS Code; may be called only once per webview.
  function acquireVsCodeApi(): VsCodeApi;
}

export function connectToHost(): HostApi {
  const api: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  let memory: unknown;
  return {
    postMessage: (m) => api?.postMessage(m),
    getState: () => {
      const s = (api ? api.getState() : memory) as Partial<PanelState> | undefined;
      return { ...s, overlayRunDirs: Array.isArray(s?.overlayRunDirs) ? s.overlayRunDirs : [] };
    },
    setState: (s) => (api ? api.setState(s) : (memory = s)),
  };
}
