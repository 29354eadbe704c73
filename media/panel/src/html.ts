// The webview's HTML, built by the extension host (which knows the webview URIs and makes a
// fresh nonce per load). DOM-free so the host can import it.
//
// The Content Security Policy allows only our own bundled script and stylesheet:
// - scripts: only <script nonce=…> (the bundled panel.js);
// - styles: our stylesheet. uPlot and the panel set styles through the CSSOM (element.style),
//   and @vscode-elements uses constructed stylesheets; CSP governs neither, so no 'unsafe-inline';
// - images: sample predictions arrive as data: PNGs.

export interface PanelHtmlOptions {
  scriptUri: string;
  styleUri: string;
  nonce: string;
  /** webview.cspSource */
  cspSource: string;
  title: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/**
 * The page every ModelSpec webview loads (training panel, graph view, data preview): the CSP
 * above, one bundled stylesheet and script (both by nonce) and an empty #app they draw into.
 * `appAttributes` are extra data-* attributes of #app, escaped here.
 */
export function webviewPageHtml(opts: PanelHtmlOptions, appAttributes: Record<string, string> = {}): string {
  const nonce = escapeHtml(opts.nonce);
  const attributes = Object.entries(appAttributes)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('');
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
<div id="app"${attributes}></div>
<script nonce="${nonce}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>
`;
}

/** The training panel's page: its #app carries the title (the panel shows it before any run). */
export function panelHtml(opts: PanelHtmlOptions): string {
  return webviewPageHtml(opts, { 'data-title': opts.title });
}
