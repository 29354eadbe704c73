// Folding ranges: blocks, calls/lists/tuples that span lines, and runs of 2+ comment lines.
// When the closing bracket sits on its own line, the fold stops just above it so it stays visible.
import type { ModelFile, Range, Value } from '../syntax/index';

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment';
}

export function foldingRanges(file: ModelFile): FoldingRange[] {
  const folds: FoldingRange[] = [];
  /** Lines holding code, so that trailing comments are not taken for comment lines. */
  const codeLines = new Set<number>();

  const mark = (range: Range) => {
    codeLines.add(range.start.line);
    codeLines.add(range.end.line);
  };

  /** Folds `range` when it spans lines; `lastInnerLine` tells whether the closer has a line of its own. */
  const fold = (range: Range, lastInnerLine: number) => {
    const endLine = lastInnerLine < range.end.line ? range.end.line - 1 : range.end.line;
    if (endLine > range.start.line) folds.push({ startLine: range.start.line, endLine });
  };

  const visit = (value: Value) => {
    mark(value.range);
    if (value.kind === 'call' || value.kind === 'list' || value.kind === 'tuple') {
      const children = value.kind === 'call' ? value.args : value.items;
      for (const child of value.kind === 'call' ? value.args : []) mark(child.range);
      for (const child of value.kind === 'call' ? value.args.map((a) => a.value) : value.items) visit(child);
      const last = children[children.length - 1];
      fold(value.range, last ? last.range.end.line : value.range.start.line);
    }
  };

  for (const block of file.blocks) {
    mark(block.range);
    mark(block.keyword);
    const children = block.kind === 'model' ? block.layers : block.settings;
    for (const child of children) mark(child.range);
    for (const layer of block.kind === 'model' ? block.layers : []) visit(layer);
    for (const setting of block.kind === 'model' ? [] : block.settings) visit(setting.value);
    const last = children[children.length - 1];
    fold(block.range, last ? last.range.end.line : block.range.start.line);
  }

  let runStart = -1;
  let runEnd = -1;
  const endRun = () => {
    if (runEnd > runStart) folds.push({ startLine: runStart, endLine: runEnd, kind: 'comment' });
    runStart = runEnd = -1;
  };
  for (const comment of file.comments) {
    const line = comment.range.start.line;
    if (codeLines.has(line)) {
      endRun();
      continue;
    }
    if (line !== runEnd + 1 || runStart < 0) {
      endRun();
      runStart = line;
    }
    runEnd = line;
  }
  endRun();

  return folds.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
