// Data sources as the data block writes them (`digits`, `csv('houses.csv', label='price')`),
// turned into the SourceRef that probes and training read.

import { getDataset } from '../catalog';
import type { ArgValue } from '../catalog/types';
import { isBuiltinSource, type SourceName, type SourceRef } from '../data/types';
import type { Argument, CallValue } from '../syntax';
import { argumentNode } from './bind';

/** The SourceRef for a checked `train:`/`test:`/`validation:` value, or undefined when it did not check. */
export function sourceRefOf(value: ArgValue | undefined): SourceRef | undefined {
  if (typeof value === 'string') {
    const spec = getDataset(value);
    if (!spec) return undefined;
    const args: Record<string, ArgValue> = {};
    for (const a of spec.args) if (a.default !== undefined) args[a.name] = a.default;
    return { name: spec.name as SourceName, args };
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return getDataset(value.call) ? { name: value.call as SourceName, args: value.args } : undefined;
  }
  return undefined;
}

/** The argument of a source call that sets `argName`, by keyword or by position. */
export function sourceArgNode(call: CallValue, argName: string): Argument | undefined {
  return argumentNode(call, getDataset(call.callee.name)?.args ?? [], argName);
}

/** `mnist`, `csv('houses.csv')`: how messages and hovers name a source. */
export function sourceLabel(ref: SourceRef): string {
  const first = Object.values(ref.args)[0];
  const builtin = isBuiltinSource(ref.name);
  return builtin || typeof first !== 'string' ? ref.name : `${ref.name}('${first}')`;
}
