// The graph view's HTML, built by the extension host (which knows the webview URIs and makes a
// fresh nonce per load). DOM-free so the host can import it. The same Content Security Policy as
// the training panel: our own script (by nonce) and stylesheet; images only as data: URLs (the
// PNG export draws the SVG through one).

import { type PanelHtmlOptions, webviewPageHtml } from '../../panel/src/html';

export function graphHtml(opts: PanelHtmlOptions): string {
  return webviewPageHtml(opts);
}
