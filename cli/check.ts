// `modelspec check`: diagnostics printed like a compiler's, or as JSON for tools.

import type { Analysis } from '../language/analysis/analyze';
import type { Diagnostic } from '../language/analysis/diagnostics';
import { printable } from '../language/printable';
import { style, type Styler } from './style';

export interface FileDiagnostics {
  file: string;
  diagnostics: Diagnostic[];
}

/** The `--json` form: LSP-style 0-based ranges without offsets. */
export function diagnosticsJson(results: FileDiagnostics[]): unknown {
  return results.map((r) => ({
    file: r.file,
    diagnostics: r.diagnostics.map((d) => ({
      range: {
        start: { line: d.range.start.line, character: d.range.start.character },
        end: { line: d.range.end.line, character: d.range.end.character },
      },
      severity: d.severity,
      code: d.code,
      message: d.message,
      ...(d.related?.length
        ? {
            related: d.related.map((r) => ({
              line: r.range.start.line,
              character: r.range.start.character,
              message: r.message,
            })),
          }
        : {}),
    })),
  }));
}

/** A source line as shown: tabs as 4 spaces (so the caret lines up), nothing unprintable. */
const shownSource = (text: string) => printable(text.replace(/\t/g, '    '));

/**
 * `file:line:col: error CODE: message`, then the source line and a caret under the range. The
 * file name, message and line go through printable(): a name or string in the file must not
 * move the terminal's cursor or start a line of its own.
 */
export function formatDiagnostic(file: string, analysis: Analysis, d: Diagnostic, s: Styler = style(false)): string {
  const line = d.range.start.line;
  const col = d.range.start.character;
  const colour = d.severity === 'error' ? s.red : d.severity === 'warning' ? s.yellow : s.cyan;
  const name = printable(file);
  const head = `${s.bold(`${name}:${line + 1}:${col + 1}:`)} ${colour(d.severity)} ${s.dim(d.code)}: ${printable(d.message)}`;
  const source = analysis.lines[line] ?? '';
  const width = d.range.end.line === line ? Math.max(1, d.range.end.character - col) : Math.max(1, source.length - col);
  // The caret is measured on the line as shown, where an escape is wider than its character.
  const marked = source.slice(col, col + width);
  const indent = shownSource(source.slice(0, col)).length;
  const caret = width + shownSource(marked).length - marked.length;
  const gutter = String(line + 1);
  const pad = ' '.repeat(gutter.length);
  const out = [
    head,
    `${s.dim(`${gutter} |`)} ${shownSource(source)}`,
    `${s.dim(`${pad} |`)} ${' '.repeat(indent)}${colour('^' + '~'.repeat(caret - 1))}`,
  ];
  for (const r of d.related ?? []) {
    out.push(
      `${s.dim(`${pad} = note:`)} ${printable(r.message)} ${s.dim(`(${name}:${r.range.start.line + 1}:${r.range.start.character + 1})`)}`,
    );
  }
  return out.join('\n');
}

export function countBySeverity(diagnostics: Diagnostic[]): { errors: number; warnings: number } {
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
  };
}
