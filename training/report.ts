// report.html: a self-contained page for a run folder that shows the same charts as the training
// panel, offline. The built panel (media/dist/panel.js and panel.css) is inlined, the run's events
// are embedded as JSON, and a tiny stand-in for VS Code's webview API replays them to the panel.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../common/package-root';
import type { RunEvent } from './protocol';
import type { RunTraits } from './run-traits';

export interface ReportOptions {
  title: string;
  /** Folder holding panel.js and panel.css; defaults to media/dist of the modelspec package. */
  assetsDir?: string;
  /** What the run's file already does against overfitting, for the panel's advice. */
  traits?: RunTraits;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside <script>: `<` only occurs in strings, where \u003c means the same. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** Outside VS Code nothing defines the theme variables the buttons and checkbox use. */
const controlColours = `:root {
  --vscode-foreground: #3b3b3b;
  --vscode-button-background: #005fb8; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #0258a8;
  --vscode-button-secondaryBackground: #e5e5e5; --vscode-button-secondaryForeground: #3b3b3b; --vscode-button-secondaryHoverBackground: #cccccc;
  --vscode-settings-checkboxBackground: #f8f8f8; --vscode-settings-checkboxBorder: #cecece; --vscode-settings-checkboxForeground: #3b3b3b;
}
@media (prefers-color-scheme: dark) {
  :root {
    --vscode-foreground: #cccccc;
    --vscode-button-background: #0078d4; --vscode-button-hoverBackground: #026ec1;
    --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc; --vscode-button-secondaryHoverBackground: #3c3c3c;
    --vscode-settings-checkboxBackground: #313131; --vscode-settings-checkboxBorder: #3c3c3c; --vscode-settings-checkboxForeground: #cccccc;
  }
}`;

/** Plays the extension host for the panel: on `ready` it sends the run, and exports become downloads. */
const hostShim = `(function () {
  var data = JSON.parse(document.getElementById('modelspec-report-data').textContent);
  var state;
  function download(name, href) {
    var a = document.createElement('a');
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  window.acquireVsCodeApi = function () {
    return {
      getState: function () { return state; },
      setState: function (s) { state = s; },
      postMessage: function (m) {
        if (m.type === 'ready') {
          window.postMessage({ type: 'static' }, '*');
          window.postMessage({ type: 'reset', runId: 'report', model: data.title, runDir: '', traits: data.traits }, '*');
          window.postMessage({ type: 'events', runId: 'report', events: data.events }, '*');
        } else if (m.type === 'exportCsv') {
          download('training.csv', 'data:text/csv;charset=utf-8,' + encodeURIComponent(m.csv));
        } else if (m.type === 'exportPng') {
          download('training.png', m.dataUrl);
        }
      }
    };
  };
})();`;

export function renderReport(events: RunEvent[], opts: ReportOptions): string {
  const dir = opts.assetsDir ?? join(packageRoot(), 'media', 'dist');
  const js = readFileSync(join(dir, 'panel.js'), 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  const css = readFileSync(join(dir, 'panel.css'), 'utf8').replace(/<\/(style)/gi, '<\\/$1');
  const title = escapeHtml(opts.title);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${title}</title>
<style>${controlColours}
${css}</style>
</head>
<body>
<div id="app" data-title="${title}"></div>
<script type="application/json" id="modelspec-report-data">${jsonForScript({ title: opts.title, events, traits: opts.traits })}</script>
<script>${hostShim}</script>
<script>${js}</script>
</body>
</html>
`;
}
