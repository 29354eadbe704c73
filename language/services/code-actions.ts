// Quick fixes: the checker attaches machine-readable fixes to its diagnostics (FixData); this
// turns the ones under the editor's selection into text edits. The first fix of a diagnostic is
// the preferred one (what "Fix" applies without asking). Each title ends with the line it edits
// (`Insert Flatten() before Dense (line 9)`): a file can have the same fix offered on two layers,
// and the lightbulb menu shows titles only.

import type { Analysis } from '../analysis/analyze';
import type { FixData } from '../analysis/diagnostics';
import type { Range } from '../syntax';
import { lineIndexOf, offsetAt, overlaps, rangeAt } from './text-positions';
import type { CodeActionEntry, LineCharacter, TextEdit } from './types';

export function codeActions(
  analysis: Analysis,
  range: { start: LineCharacter; end: LineCharacter },
): CodeActionEntry[] {
  const start = offsetAt(analysis, range.start);
  const end = Math.max(start, offsetAt(analysis, range.end));
  const actions: CodeActionEntry[] = [];
  for (const d of analysis.diagnostics) {
    if (!d.fixes?.length || !overlaps(d.range, start, end)) continue;
    d.fixes.forEach((fix, i) => {
      actions.push({
        title: fixTitle(fix),
        kind: 'quickfix',
        edits: editsFor(analysis, fix),
        diagnostic: { code: d.code, range: d.range },
        isPreferred: i === 0 ? true : undefined,
      });
    });
  }
  return actions;
}

export function editsFor(analysis: Analysis, fix: FixData): TextEdit[] {
  return fix.kind === 'edits' ? fix.edits.map((e) => ({ range: e.range, newText: e.text })) : [editFor(analysis, fix)];
}

/** "Title (line N)" for a fix on one line; a fix across the file (Convert pasted Keras code) keeps its title. */
function fixTitle(fix: FixData): string {
  const lines = fix.kind === 'edits' ? new Set(fix.edits.map((e) => e.range.start.line)) : new Set([fixLine(fix)]);
  return lines.size === 1 ? `${fix.title} (line ${[...lines][0]! + 1})` : fix.title;
}

/** The 0-based line the fix edits: the layer it inserts before, or the text it replaces or removes. */
function fixLine(fix: Exclude<FixData, { kind: 'edits' }>): number {
  return (fix.kind === 'insert-layer' ? fix.before : fix.range).start.line;
}

export function editFor(analysis: Analysis, fix: Exclude<FixData, { kind: 'edits' }>): TextEdit {
  switch (fix.kind) {
    case 'replace':
      return { range: fix.range, newText: fix.text };
    case 'insert-layer':
      return insertLayerBefore(analysis, fix.before, fix.text);
    case 'remove':
      return removeCall(analysis, fix.range);
  }
}

/** A new line with the layer's indentation before it; or `text, ` when it shares its line. */
function insertLayerBefore(analysis: Analysis, before: Range, text: string): TextEdit {
  const lineStart = lineIndexOf(analysis).lineStarts[before.start.line];
  const indent = analysis.text.slice(lineStart, before.start.offset);
  if (/^[ \t]*$/.test(indent)) {
    return { range: rangeAt(analysis, lineStart, lineStart), newText: `${indent}${text}${lineBreakOf(analysis.text)}` };
  }
  return { range: rangeAt(analysis, before.start.offset, before.start.offset), newText: `${text}, ` };
}

/** The whole line when the call (with an optional trailing comma) is alone on it; else the call. */
function removeCall(analysis: Analysis, range: Range): TextEdit {
  const starts = lineIndexOf(analysis).lineStarts;
  const text = analysis.text;
  const lineStart = starts[range.start.line];
  const nextLine = range.end.line + 1 < starts.length ? starts[range.end.line + 1] : text.length;
  const before = text.slice(lineStart, range.start.offset);
  const after = text.slice(range.end.offset, nextLine);
  if (/^[ \t]*$/.test(before) && /^[ \t]*,?[ \t]*(#.*)?(\r\n|\r|\n)?$/.test(after)) {
    return { range: rangeAt(analysis, lineStart, nextLine), newText: '' };
  }
  const comma = /^[ \t]*,[ \t]*/.exec(after);
  return {
    range: rangeAt(analysis, range.start.offset, range.end.offset + (comma ? comma[0].length : 0)),
    newText: '',
  };
}

function lineBreakOf(text: string): string {
  const m = /\r\n|\r|\n/.exec(text);
  return m ? m[0] : '\n';
}
