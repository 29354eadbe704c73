// The data preview's HTML, built by the extension host (which knows the webview URIs and makes a
// fresh nonce per load). DOM-free so the host can import it. The training panel's Content
// Security Policy: our own script (by nonce) and stylesheet; images only as data: URLs (the
// samples arrive as PNG data URIs).

import { type PanelHtmlOptions, webviewPageHtml } from '../../panel/src/html';

export function previewHtml(opts: PanelHtmlOptions): string {
  return webviewPageHtml(opts);
}
