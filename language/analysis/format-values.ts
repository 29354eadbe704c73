// How values and shapes are written in messages, hovers and hints: the way Keras prints them.

import { formatShape as withBatchAxis, formatTuple } from '../catalog/shapes';
import type { ArgValue, Shape } from '../catalog/types';
import type { Value } from '../syntax/ast';

/** `(None, 26, 26, 32)`: a shape with the batch axis, as Keras's summary prints it; `(28, 28, 1)` without. */
export function formatShape(shape: Shape, withBatch = true): string {
  return withBatch ? withBatchAxis(shape) : formatTuple(shape);
}

/** An argument value in Python/Keras syntax: `(3, 3)`, `'relu'`, `None`, `True`. */
export function formatArgValue(v: ArgValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length === 1 ? `(${formatArgValue(v[0])},)` : `(${v.map(formatArgValue).join(', ')})`;
  const args = Object.entries(v.args).map(([k, a]) => `${k}=${formatArgValue(a)}`);
  return `${v.call}(${args.join(', ')})`;
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const s = String(n);
  return s.length > 10 ? n.toPrecision(6).replace(/\.?0+(e|$)/, '$1') : s;
}

/** Thousands separators as Keras prints parameter counts: 1,199,882. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A short description of what the user wrote, for "got …" in messages. */
export function describeValue(node: Value): string {
  switch (node.kind) {
    case 'number':
      return node.text;
    case 'string':
      return `the string '${node.value}'`;
    case 'name':
      return `'${node.name}'`;
    case 'boolean':
      return node.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return `a tuple of ${node.items.length}`;
    case 'list':
      return `a list of ${node.items.length}`;
    case 'call':
      return `a call to ${node.callee.name}`;
    case 'error':
      return 'an invalid value';
  }
}
