// Colours come from VS Code's theme variables (through the --ms-* variables in styles.css, which
// add fallbacks for the standalone report). uPlot draws on a canvas, so it needs the resolved
// colours; when VS Code switches theme it changes the body class, and the charts are rebuilt.

export interface Palette {
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  train: string;
  validation: string;
  warning: string;
  marker: string;
  overlays: string[];
  font: string;
  fontSize: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

/** Resolves any CSS colour (color-mix(), named colours…) to rgb()/rgba(), which canvas understands. */
function resolveColour(probe: HTMLElement, colour: string): string {
  probe.style.color = '';
  probe.style.color = colour;
  return getComputedStyle(probe).color || colour;
}

export function readPalette(root: HTMLElement = document.body): Palette {
  const s = getComputedStyle(root);
  const fontSize = parseFloat(cssVar(s, '--ms-font-size', '13')) || 13;
  const probe = document.createElement('span');
  probe.hidden = true;
  root.append(probe);
  const c = (name: string, fallback: string) => resolveColour(probe, cssVar(s, name, fallback));
  const palette: Palette = {
    foreground: c('--ms-fg', '#cccccc'),
    muted: c('--ms-muted', '#999999'),
    background: c('--ms-bg', '#1e1e1e'),
    grid: c('--ms-grid', 'rgba(128,128,128,0.2)'),
    train: c('--ms-blue', '#3794ff'),
    validation: c('--ms-orange', '#d18616'),
    warning: c('--ms-red', '#f14c4c'),
    marker: c('--ms-green', '#89d185'),
    // Distinct from train (blue) and validation (orange); styles.css mixes them towards the
    // foreground so each keeps at least 3:1 contrast on light and dark backgrounds.
    overlays: [
      c('--ms-overlay-1', '#b180d7'),
      c('--ms-overlay-2', '#89d185'),
      c('--ms-overlay-3', '#cca700'),
      c('--ms-overlay-4', '#f14c4c'),
      c('--ms-overlay-5', '#999999'),
    ],
    font: cssVar(s, '--ms-font-family', 'sans-serif'),
    fontSize,
  };
  probe.remove();
  return palette;
}

/**
 * Calls `onChange` when VS Code switches theme: it swaps vscode-light/dark/high-contrast on body
 * and rewrites the --vscode-* variables in <html>'s style attribute.
 */
export function watchTheme(onChange: () => void): MutationObserver {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return observer;
}
