// "Apply best": the edits that write chosen values into the file in place of its search spaces
// (each Choice/Int/Float/Boolean call becomes the literal), one edit per call, so an editor applies
// them as one change (one undo). Spaces without a value in `values` keep their call.

import { analyze, type Analysis } from '../analysis/analyze';
import type { HyperValue } from '../analysis/search-space';
import type { TextEdit } from './types';

export function applyHyperparametersEdits(
  source: Analysis | string,
  values: Readonly<Record<string, HyperValue>>,
): TextEdit[] {
  // Names only need the file's own text: data files are not read (they do not name anything).
  const analysis =
    typeof source === 'string'
      ? analyze(source, { probe: () => ({ ok: false, code: 'data-slow', message: 'not read' }), hyperparameters: {} })
      : source;
  const edits: TextEdit[] = [];
  for (const place of analysis.searchSpacePlaces) {
    if (!Object.hasOwn(values, place.name)) continue;
    const value = values[place.name];
    const written = place.literals?.find((l) => l.value === value);
    edits.push({ range: place.range, newText: written?.text ?? pythonLiteral(value) });
  }
  return edits;
}

/** The value as a .model literal: numbers round-trip exactly (shortest form), strings single-quoted. */
function pythonLiteral(value: HyperValue): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
