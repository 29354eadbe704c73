// The outline: the model with one child per layer (named as Keras names them), and the compile,
// data, fit and tune blocks with their settings.

import type { Analysis } from '../analysis/analyze';
import { formatCount, formatShape } from '../analysis/format-values';
import type { SettingsBlock } from '../syntax';
import { groupByCall } from './layer-groups';
import type { SymbolEntry } from './types';

export function documentSymbols(analysis: Analysis): SymbolEntry[] {
  const symbols: SymbolEntry[] = [];
  for (const block of analysis.parse.file.blocks) {
    if (block.kind === 'model') {
      // Compared by place: the checked model's nodes are copies where a search space stands.
      const model = analysis.model?.block.range.start.offset === block.range.start.offset ? analysis.model : undefined;
      const layers: SymbolEntry[] = groupByCall(model?.layers ?? []).map((group) => {
        // An application (VGG16) is one line in the source: one entry, under its own name.
        const first = group[0];
        const last = group[group.length - 1];
        const className = first.expandedFrom ?? first.spec.name;
        return {
          name: first.expandedFrom ?? first.name,
          detail: last.output ? `${className} → ${formatShape(last.output)}` : className,
          kind: 'layer' as const,
          range: first.call.range,
          selectionRange: first.call.callee.range,
          children: [],
        };
      });
      const totals = model?.totals;
      symbols.push({
        name: block.name?.name ?? 'model',
        detail: totals ? `${formatCount(totals.total)} params` : undefined,
        kind: 'model',
        range: block.range,
        selectionRange: block.name?.range ?? block.keyword,
        children: layers,
      });
    } else {
      symbols.push(settingsSymbol(block, analysis.text));
    }
  }
  return symbols;
}

function settingsSymbol(block: SettingsBlock, text: string): SymbolEntry {
  return {
    name: block.kind,
    kind: 'block',
    range: block.range,
    selectionRange: block.keyword,
    children: block.settings.map((s) => ({
      name: s.key.name,
      detail: valueText(text, s.value.range.start.offset, s.value.range.end.offset),
      kind: 'setting' as const,
      range: s.range,
      selectionRange: s.key.range,
      children: [],
    })),
  };
}

/** The value as written, on one line and shortened: the outline's detail for a setting. */
function valueText(text: string, start: number, end: number): string | undefined {
  const written = text.slice(start, end).replace(/\s+/g, ' ').trim();
  if (!written) return undefined;
  return written.length > 60 ? `${written.slice(0, 59)}…` : written;
}
