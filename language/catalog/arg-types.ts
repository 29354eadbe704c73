// Small builders for ArgTypes and ArgSpecs, so the tables read like Keras signatures.

import type { ArgSpec, ArgType, ArgValue, RefTable } from './types';

export const int = (min?: number, max?: number): ArgType => ({ kind: 'int', min, max });
export const float = (
  min?: number,
  max?: number,
  opts: { minExclusive?: boolean; maxExclusive?: boolean } = {},
): ArgType => ({
  kind: 'float',
  min,
  max,
  ...opts,
});
export const bool: ArgType = { kind: 'bool' };
export const string: ArgType = { kind: 'string' };
export const none: ArgType = { kind: 'none' };
export const shape: ArgType = { kind: 'shape' };
/** Reshape's target_shape: sizes of at least 1, one of them may be -1 (inferred). */
export const targetShape: ArgType = { kind: 'shape', inferred: true };
export const layer: ArgType = { kind: 'layer' };
export const any: ArgType = { kind: 'any' };
export const oneOf = (...values: string[]): ArgType => ({ kind: 'enum', values });
/** An enum Keras lowercases before checking ('SAME' is 'same'). */
export const oneOfAnyCase = (...values: string[]): ArgType => ({ kind: 'enum', values, anyCase: true });
export const ref = (table: RefTable): ArgType => ({ kind: 'ref', table });
export const listOf = (of: ArgType): ArgType => ({ kind: 'list', of });
export const union = (...of: ArgType[]): ArgType => ({ kind: 'union', of });
/** The type, or None. */
export const optional = (type: ArgType): ArgType => union(type, none);
/** An int tuple of `length` items >= min; a scalar means all axes. */
export const intTuple = (length: number, min = 1): ArgType => ({ kind: 'intTuple', length, min, scalar: true });
/** A fraction such as a dropout rate: 0 <= x < 1. */
export const fraction: ArgType = float(0, 1, { maxExclusive: true });
export const seed: ArgType = optional(int(0));

/** An argument with a default (optional in the call). */
export function arg(
  name: string,
  type: ArgType,
  defaultValue: ArgValue,
  doc: string,
  extra: Partial<ArgSpec> = {},
): ArgSpec {
  return { name, type, default: defaultValue, doc, ...extra };
}

/** An argument the user must write. */
export function required(name: string, type: ArgType, doc: string, extra: Partial<ArgSpec> = {}): ArgSpec {
  return { name, type, required: true, doc, ...extra };
}
