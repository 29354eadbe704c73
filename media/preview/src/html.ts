// The data preview's HTML, built by the extension host (which knows the webview URIs and makes a
// fresh nonce per load). DOM-free so the host can import it. The training panel's Content
// Security Policy: our own script (by nonce) and stylesheet; images only as data: URLs (the
// samples arrive as PNG data URIs).

import { escapeHtml, panelCsp } from '../../panel/src/html';

export interface PreviewHtmlOptions {
  scriptUri: string;
  styleUri: string;
  nonce: string;
  /** webview.cspSource */
  cspSource: string;
  title: string;
}

export function previewHtml(opts: PreviewHtmlOptions): string {
  const nonce = escapeHtml(opts.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(panelCsp(opts.cspSource, opts.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(opts.styleUri)}" nonce="${nonce}">
<title>${escapeHtml(opts.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>
`;
}
