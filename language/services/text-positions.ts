// Converting editor positions (line, UTF-16 character) to offsets in the analysed text and back.
// One LineIndex per analysis, built on first use, so every request on the same version shares it.

import type { Analysis } from '../analysis/analyze';
import { LineIndex, type Position, type Range } from '../syntax';
import type { LineCharacter } from './types';

const indexes = new WeakMap<Analysis, LineIndex>();

export function lineIndexOf(analysis: Analysis): LineIndex {
  let index = indexes.get(analysis);
  if (!index) {
    index = new LineIndex(analysis.text);
    indexes.set(analysis, index);
  }
  return index;
}

/** True when the position names a line of the document (editors may send stale or bogus ones). */
export function isInDocument(analysis: Analysis, pos: LineCharacter): boolean {
  return pos.line >= 0 && pos.line < lineIndexOf(analysis).lineStarts.length && pos.character >= 0;
}

/** The offset of an editor position, clamped into the text (a bogus position never throws). */
export function offsetAt(analysis: Analysis, pos: LineCharacter): number {
  const starts = lineIndexOf(analysis).lineStarts;
  const line = Math.trunc(pos.line);
  if (!(line >= 0)) return 0;
  if (line >= starts.length) return analysis.text.length;
  const lineEnd = line + 1 < starts.length ? lineContentEnd(analysis.text, starts[line + 1]) : analysis.text.length;
  const character = Math.max(0, Math.trunc(pos.character) || 0);
  return Math.min(starts[line] + character, lineEnd);
}

/** The end of a line's content, given the start of the next line (before \n, \r\n or \r). */
function lineContentEnd(text: string, nextLineStart: number): number {
  let end = nextLineStart;
  if (text.charCodeAt(end - 1) === 10) end--;
  if (text.charCodeAt(end - 1) === 13) end--;
  return end;
}

export function positionAt(analysis: Analysis, offset: number): Position {
  return lineIndexOf(analysis).positionAt(offset);
}

export function rangeAt(analysis: Analysis, start: number, end: number): Range {
  return { start: positionAt(analysis, start), end: positionAt(analysis, end) };
}

/** True when `offset` lies in [range.start, range.end] (the end counts: the cursor after a word is on it). */
export function touches(range: Range, offset: number): boolean {
  return range.start.offset <= offset && offset <= range.end.offset;
}

/** True when the ranges share at least one point. */
export function overlaps(a: Range, start: number, end: number): boolean {
  return a.start.offset <= end && start <= a.end.offset;
}
