// Shape hints: after each layer call, its output shape and parameter count as Keras's summary
// would print them, `(None, 26, 26, 32) · 320`; after Input, the input shape.

import type { Analysis } from '../analysis/analyze';
import { formatCount, formatShape } from '../analysis/format-values';
import type { LayerInfo } from '../analysis/model';
import type { Position } from '../syntax';
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
  for (const group of byCall(model.layers)) {
    const last = group[group.length - 1];
    const end = last.call.range.end;
    if (!last.output || !inRange(end)) continue;
    const known = group.every((l) => l.params);
    const trainable = group.reduce((n, l) => n + (l.params?.trainable ?? 0), 0);
    const nonTrainable = group.reduce((n, l) => n + (l.params?.nonTrainable ?? 0), 0);
    const total = trainable + nonTrainable;
    const shape = formatShape(last.output);
    const label = known && total > 0 ? `${shape} · ${formatCount(total)}` : shape;
    const who = last.expandedFrom ? `${last.expandedFrom} (${group.length} layers, ${group[0].name} … ${last.name})` : `${last.name} (${last.spec.name})`;
    hints.push({
      position: at(end),
      label,
      tooltip: known
        ? `${who}: output ${shape}; ${formatCount(trainable)} trainable, ${formatCount(nonTrainable)} non-trainable parameters`
        : `${who}: output ${shape}`,
      paddingLeft: true,
    });
  }
  return hints;
}

/** Layers grouped by the source call they come from (an application expands to many). */
function byCall(layers: readonly LayerInfo[]): LayerInfo[][] {
  const groups: LayerInfo[][] = [];
  for (const layer of layers) {
    const current = groups[groups.length - 1];
    if (current && current[0].call === layer.call) current.push(layer);
    else groups.push([layer]);
  }
  return groups;
}

function compare(a: LineCharacter, b: LineCharacter): number {
  return a.line - b.line || a.character - b.character;
}

function at(p: Position): LineCharacter {
  return { line: p.line, character: p.character };
}
