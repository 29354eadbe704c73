// `modelspec check`: diagnostics printed like a compiler's, or as JSON for tools.

import type { Analysis } from '../language/analysis/analyze';
import type { Diagnostic } from '../language/analysis/diagnostics';
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
        ? { related: d.related.map((r) => ({ line: r.range.start.line, character: r.range.start.character, message: r.message })) }
        : {}),
    })),
  }));
}

/** `file:line:col: error CODE: message`, then the source line and a caret under the range. */
export function formatDiagnostic(file: string, analysis: Analysis, d: Diagnostic, s: Styler = style(false)): string {
  const line = d.range.start.line;
  const col = d.range.start.character;
  const colour = d.severity === 'error' ? s.red : d.severity === 'warning' ? s.yellow : s.cyan;
  const head = `${s.bold(`${file}:${line + 1}:${col + 1}:`)} ${colour(d.severity)} ${s.dim(d.code)}: ${d.message}`;
  const source = analysis.lines[line] ?? '';
  const width = d.range.end.line === line ? Math.max(1, d.range.end.character - col) : Math.max(1, source.length - col);
  const gutter = String(line + 1);
  const pad = ' '.repeat(gutter.length);
  const out = [head, `${s.dim(`${gutter} |`)} ${source}`, `${s.dim(`${pad} |`)} ${' '.repeat(col)}${colour('^' + '~'.repeat(width - 1))}`];
  for (const r of d.related ?? []) {
    out.push(`${s.dim(`${pad} = note:`)} ${r.message} ${s.dim(`(${file}:${r.range.start.line + 1}:${r.range.start.character + 1})`)}`);
  }
  return out.join('\n');
}

export function countBySeverity(diagnostics: Diagnostic[]): { errors: number; warnings: number } {
  return {
    errors: diagnostics.filter((d) => d.severity === 'error').length,
    warnings: diagnostics.filter((d) => d.severity === 'warning').length,
  };
}
