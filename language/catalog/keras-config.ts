// Turning bound argument values into Keras JSON config values, as `model.to_json()` writes them:
// initializers/regularizers/constraints as {class_name, config}, activations as a name ('linear'
// for None), int tuples as arrays, data_format resolved to 'channels_last'.

import { findEntry } from './tables/ref-lookup';
import { ACTIVATIONS } from './tables/activations';
import { INITIALIZERS } from './tables/initializers';
import { REGULARIZERS } from './tables/regularizers';
import { CONSTRAINTS } from './tables/constraints';
import { isCallArg, toPairs, type Args } from './values';
import type { ArgSpec, ArgType, ArgValue, RefEntry, RefTable } from './types';

export interface KerasObject {
  class_name: string;
  config: Record<string, unknown>;
}

const SERIALIZED_TABLES: Partial<Record<RefTable, readonly RefEntry[]>> = {
  initializer: INITIALIZERS,
  regularizer: REGULARIZERS,
  constraint: CONSTRAINTS,
};

/** `'he_normal'` or `HeNormal(seed=1)` → {class_name: 'HeNormal', config: {seed: 1}}. */
export function serializeRef(entries: readonly RefEntry[], value: ArgValue): KerasObject | null {
  if (value === null) return null;
  const name = typeof value === 'string' ? value : isCallArg(value) ? value.call : undefined;
  const entry = name === undefined ? undefined : findEntry(entries, name);
  if (!entry) throw new TypeError(`cannot serialise ${JSON.stringify(value)}`);
  const given = isCallArg(value) ? value.args : {};
  const config: Record<string, unknown> = {};
  for (const a of entry.args) config[a.name] = given[a.name] ?? a.default ?? null;
  return { class_name: entry.className, config };
}

/** An activation's config value: its canonical name; None is 'linear' as Keras writes it. */
export function serializeActivation(value: ArgValue): string {
  if (value === null || value === undefined) return 'linear';
  if (typeof value !== 'string') throw new TypeError(`activation should be a name, got ${JSON.stringify(value)}`);
  return findEntry(ACTIVATIONS, value)?.name ?? value;
}

/** The kinds of type inside a (possibly optional) union. */
function kindsOf(type: ArgType): ArgType[] {
  return type.kind === 'union' ? type.of.flatMap(kindsOf) : [type];
}

/** One argument's config value. */
export function serializeArg(spec: ArgSpec, value: ArgValue): unknown {
  if (spec.name === 'data_format') return value ?? 'channels_last';
  for (const t of kindsOf(spec.type)) {
    if (t.kind === 'ref' && t.table === 'activation') return serializeActivation(value);
    if (value === null) continue;
    if (t.kind === 'ref' && SERIALIZED_TABLES[t.table]) return serializeRef(SERIALIZED_TABLES[t.table]!, value);
    if (t.kind === 'intTuple' && (typeof value === 'number' || Array.isArray(value))) {
      return typeof value === 'number' ? Array<number>(t.length).fill(value) : value;
    }
    if (t.kind === 'padding') return t.dims === 1 ? toPairs(value, 1)[0] : toPairs(value, t.dims);
  }
  return value;
}

/** name, trainable and dtype: the base-layer keys every Keras layer config carries. */
export function baseConfig(args: Args, name: string): Record<string, unknown> {
  return {
    name,
    trainable: typeof args.trainable === 'boolean' ? args.trainable : true,
    dtype: typeof args.dtype === 'string' ? args.dtype : 'float32',
  };
}
