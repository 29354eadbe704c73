// Shape hints: after each layer call, its output shape and parameter count as Keras's summary
// would print them, `(None, 26, 26, 32) · 320`; after Input, the input shape; after the model's
// closing brace, the total parameter count (`1,199,882 params (4.58 MB)`), so the size of the
// whole model is in view without opening the summary.

import type { Analysis } from '../analysis/analyze';
import { formatCount, formatShape } from '../analysis/format-values';
import type { ValueRange } from '../analysis/search-check';
import type { Position } from '../syntax';
import { groupByCall, groupParams } from './layer-groups';
import { readableMemorySize } from './summary';
import type { InlayHintEntry, LineCharacter } from './types';

export function inlayHints(analysis: Analysis, range?: { start: LineCharacter; end: LineCharacter }): InlayHintEntry[] {
  const model = analysis.model;
  if (!model) return [];
  const inRange = (p: Position) => !range || (compare(p, range.start) >= 0 && compare(p, range.end) <= 0);
  const hints: InlayHintEntry[] = [];

  const input = model.inputSource;
  if (input?.kind === 'Input' && model.inputShape && inRange(input.range.end)) {
    hints.push({
      position: at(input.range.end),
      label: formatShape(model.inputShape),
      tooltip: `Model input: ${formatShape(model.inputShape)} (the batch axis is None)`,
      paddingLeft: true,
    });
  }
  const ranges = analysis.spaceRanges;
  for (const group of groupByCall(model.layers)) {
    const last = group[group.length - 1];
    const end = last.call.range.end;
    if (!last.output || !inRange(end)) continue;
    const params = groupParams(group);
    const total = params ? params.trainable + params.nonTrainable : 0;
    // With search spaces, a single layer's shape and count over every point checked: (None, 32..128).
    const across = group.length === 1 ? ranges?.layers[model.layers.indexOf(last)] : undefined;
    const shape = across?.output ? formatShapeRange(across.output) : formatShape(last.output);
    const count =
      across?.params && across.params.max > 0 ? formatCountRange(across.params) : total > 0 ? formatCount(total) : '';
    const label = count ? `${shape} · ${count}` : shape;
    const who = last.expandedFrom
      ? `${last.expandedFrom} (${group.length} layers, ${group[0].name} … ${last.name})`
      : `${last.name} (${last.spec.name})`;
    hints.push({
      position: at(end),
      label,
      tooltip: params
        ? `${who}: output ${shape}${across ? ' over the search space' : ''}; ${formatCount(params.trainable)} trainable, ${formatCount(params.nonTrainable)} non-trainable parameters`
        : `${who}: output ${shape}`,
      paddingLeft: true,
    });
  }
  const totals = model.totals;
  const body = model.block.bodyRange;
  // Only after a real `}` (recovery may leave it missing), and only when every layer counted.
  if (totals && analysis.text[body.end.offset - 1] === '}' && inRange(body.end)) {
    const span = ranges?.totals && ranges.totals.min !== ranges.totals.max ? ranges.totals : undefined;
    hints.push({
      position: at(body.end),
      label: span
        ? `${formatCountRange(span)} params (${readableMemorySize(span.min * 4)}..${readableMemorySize(span.max * 4)})`
        : `${formatCount(totals.total)} params (${readableMemorySize(totals.total * 4)})`,
      tooltip: `${model.name}: ${formatCount(totals.total)} parameters in all; ${formatCount(totals.trainable)} trainable, ${formatCount(totals.nonTrainable)} non-trainable`,
      paddingLeft: true,
    });
  }
  return hints;
}

/** `(None, 32..128)`: each axis's smallest and largest size over the points of the search space. */
function formatShapeRange(shape: readonly (ValueRange | null)[]): string {
  const axes = [
    'None',
    ...shape.map((r) => (r === null ? 'None' : r.min === r.max ? String(r.min) : `${r.min}..${r.max}`)),
  ];
  return `(${axes.join(', ')})`;
}

function formatCountRange(r: ValueRange): string {
  return r.min === r.max ? formatCount(r.min) : `${formatCount(r.min)}..${formatCount(r.max)}`;
}

function compare(a: LineCharacter, b: LineCharacter): number {
  return a.line - b.line || a.character - b.character;
}

function at(p: Position): LineCharacter {
  return { line: p.line, character: p.character };
}
