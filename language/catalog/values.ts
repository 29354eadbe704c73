// Reading bound argument values inside layer rules, and checking a value against an ArgType.
// Rules trust the analyzer to have checked types; the readers still fail loudly (TypeError) on a
// missing value so a catalog bug cannot turn into a silently wrong shape.

import { intOrTuplePhrase } from './phrases';
import type { ArgType, ArgValue, CallArg } from './types';

export type Args = Record<string, ArgValue>;

export function isCallArg(value: ArgValue | undefined): value is CallArg {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function argNumber(args: Args, name: string): number {
  const v = args[name];
  if (typeof v !== 'number') throw new TypeError(`argument '${name}' should be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function argOptionalNumber(args: Args, name: string): number | null {
  const v = args[name];
  return v === null || v === undefined ? null : argNumber(args, name);
}

export function argBool(args: Args, name: string): boolean {
  const v = args[name];
  if (typeof v !== 'boolean')
    throw new TypeError(`argument '${name}' should be True or False, got ${JSON.stringify(v)}`);
  return v;
}

export function argString(args: Args, name: string): string {
  const v = args[name];
  if (typeof v !== 'string') throw new TypeError(`argument '${name}' should be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function argOptionalString(args: Args, name: string): string | null {
  const v = args[name];
  return v === null || v === undefined ? null : argString(args, name);
}

/** An int tuple of `length` items; a scalar means the same value on every axis, as in Keras. */
export function toIntTuple(value: ArgValue | undefined, length: number, name = 'value'): number[] {
  if (typeof value === 'number') return Array<number>(length).fill(value);
  if (Array.isArray(value) && value.length === length && value.every((x) => typeof x === 'number')) {
    return value as number[];
  }
  throw new TypeError(`argument '${name}' should be ${intOrTuplePhrase(length)}, got ${JSON.stringify(value)}`);
}

export function argTuple(args: Args, name: string, length: number): number[] {
  return toIntTuple(args[name], length, name);
}

export function argOptionalTuple(args: Args, name: string, length: number): number[] | null {
  const v = args[name];
  return v === null || v === undefined ? null : toIntTuple(v, length, name);
}

/** A list of ints (Permute dims, shared_axes); a scalar is a one-item list. */
export function argIntList(args: Args, name: string): number[] | null {
  const v = args[name];
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  throw new TypeError(`argument '${name}' should be an int or a tuple of ints, got ${JSON.stringify(v)}`);
}

/** A shape tuple (Input shape, Reshape target): a scalar is a one-item shape; None stays null. */
export function toShape(value: ArgValue | undefined, name = 'shape'): (number | null)[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value) && value.every((x) => typeof x === 'number' || x === null)) {
    return value as (number | null)[];
  }
  throw new TypeError(`argument '${name}' should be a shape tuple, got ${JSON.stringify(value)}`);
}

/**
 * ZeroPadding/Cropping amounts as (before, after) pairs per spatial axis, Keras's rules:
 * an int pads every side; for 1D a pair is (left, right); for 2D/3D a tuple of ints is symmetric
 * per axis and a tuple of pairs is explicit.
 */
export function toPairs(value: ArgValue | undefined, dims: number, name = 'padding'): [number, number][] {
  const bad = () =>
    new TypeError(`argument '${name}' should be an int, ${dims} ints or ${dims} pairs, got ${JSON.stringify(value)}`);
  if (typeof value === 'number') return Array.from({ length: dims }, () => [value, value] as [number, number]);
  if (!Array.isArray(value)) throw bad();
  if (dims === 1) {
    if (value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number')
      return [[value[0], value[1]]];
    throw bad();
  }
  if (value.length !== dims) throw bad();
  return value.map((item) => {
    if (typeof item === 'number') return [item, item] as [number, number];
    if (Array.isArray(item) && item.length === 2 && typeof item[0] === 'number' && typeof item[1] === 'number') {
      return [item[0], item[1]] as [number, number];
    }
    throw bad();
  });
}

/** Finds a named entry for 'ref' types; given by the catalog index so this file imports no tables. */
export type RefLookup = (table: string, name: string) => boolean;

/**
 * Whether `value` fits `type`. Used by tests (every default passes its own type) and available to
 * the analyzer. Tuples and lists are both arrays here.
 */
export function matchesType(type: ArgType, value: ArgValue, lookup?: RefLookup): boolean {
  switch (type.kind) {
    case 'int':
      return (
        typeof value === 'number' && Number.isSafeInteger(value) && inRange(value, type.min, type.max, false, false)
      );
    case 'float':
      return (
        typeof value === 'number' &&
        inRange(value, type.min, type.max, type.minExclusive ?? false, type.maxExclusive ?? false)
      );
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'enum':
      return (
        typeof value === 'string' &&
        (type.values.includes(value) ||
          type.aliases?.[value] !== undefined ||
          (type.anyCase === true && type.values.includes(value.toLowerCase())))
      );
    case 'intTuple': {
      const isOk = (x: ArgValue) =>
        typeof x === 'number' && Number.isSafeInteger(x) && (type.min === undefined || x >= type.min);
      if (typeof value === 'number') return type.scalar && isOk(value);
      return Array.isArray(value) && value.length === type.length && value.every(isOk);
    }
    case 'shape':
      if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 1;
      return (
        Array.isArray(value) && value.every((x) => x === null || (typeof x === 'number' && Number.isSafeInteger(x)))
      );
    case 'padding': {
      try {
        return toPairs(value, type.dims).every(
          ([a, b]) => Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= 0 && b >= 0,
        );
      } catch {
        return false;
      }
    }
    case 'layer':
      return isCallArg(value);
    case 'ref': {
      const name = typeof value === 'string' ? value : isCallArg(value) ? value.call : undefined;
      if (name === undefined) return false;
      return lookup ? lookup(type.table, name) : true;
    }
    case 'list':
      return Array.isArray(value) && value.every((x) => matchesType(type.of, x, lookup));
    case 'union':
      return type.of.some((t) => matchesType(t, value, lookup));
    case 'none':
      return value === null;
    case 'any':
      return true;
  }
}

function inRange(v: number, min: number | undefined, max: number | undefined, minEx: boolean, maxEx: boolean): boolean {
  if (min !== undefined && (minEx ? v <= min : v < min)) return false;
  if (max !== undefined && (maxEx ? v >= max : v > max)) return false;
  return true;
}
