// What a call in the source refers to: a layer, an optimizer, a callback, a data source,
// ImageDataGenerator, an initializer… Completion, hover and signature help all need the callee's
// arguments and documentation, and where it stands decides which table to look in.

import {
  findRef,
  getAugmentation,
  getLayer,
  getSearchSpace,
  type ArgSpec,
  type ArgType,
  type LayerSpec,
  type RefTable,
} from '../catalog';
import { formatArgValue } from '../analysis/format-values';
import { count } from '../catalog/phrases';

export type CallableKind = 'layer' | RefTable | 'augmentation' | 'search-space';

export interface Callable {
  name: string;
  kind: CallableKind;
  doc: string;
  args: readonly ArgSpec[];
  layer?: LayerSpec;
}

/** The ref tables a type points into, in the order they are tried (a union may name several). */
export function refTablesOf(type: ArgType | undefined): RefTable[] {
  if (!type) return [];
  if (type.kind === 'ref') return [type.table];
  if (type.kind === 'list') return refTablesOf(type.of);
  if (type.kind === 'union') return type.of.flatMap(refTablesOf);
  return [];
}

/** True when a value of this type may be a layer call (Bidirectional(LSTM(64))). */
export function acceptsLayer(type: ArgType | undefined): boolean {
  if (!type) return false;
  if (type.kind === 'layer') return true;
  if (type.kind === 'union' || type.kind === 'list')
    return (type.kind === 'union' ? type.of : [type.of]).some(acceptsLayer);
  return false;
}

const EVERY_TABLE: RefTable[] = ['optimizer', 'callback', 'dataset', 'initializer', 'regularizer', 'constraint'];

/**
 * Resolves `name` written as a call. `expected` is the type of the slot the call fills (undefined
 * for a layer line in the model body); the tables it names are tried first, then every table.
 */
export function resolveCallable(
  name: string,
  expected: ArgType | undefined,
  inModelBody = false,
): Callable | undefined {
  // Choice/Int/Float/Boolean stand for a value wherever one goes (never a layer line).
  const space = inModelBody ? undefined : getSearchSpace(name);
  if (space) return { name: space.name, kind: 'search-space', doc: space.doc, args: space.args };
  if (inModelBody || acceptsLayer(expected)) {
    const layer = getLayer(name);
    if (layer) return fromLayer(layer);
  }
  const tables = [...refTablesOf(expected), ...EVERY_TABLE];
  for (const table of tables) {
    const entry = findRef(table, name);
    // Keep the spelling written (RandomNormal, not random_normal): signatures echo the source.
    if (entry?.args) return { name, kind: table, doc: entry.doc, args: entry.args };
  }
  const augmentation = getAugmentation(name);
  if (augmentation)
    return { name: augmentation.name, kind: 'augmentation', doc: augmentation.doc, args: augmentation.args };
  const layer = getLayer(name);
  return layer ? fromLayer(layer) : undefined;
}

function fromLayer(layer: LayerSpec): Callable {
  return { name: layer.name, kind: 'layer', doc: layer.doc, args: layer.args, layer };
}

/**
 * `Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', …)` and each shown parameter's
 * [start, end) span. `show` picks parameters (default: all); `maxOptional` caps the optional ones
 * shown. Left-out parameters become `…`.
 */
export function signatureOf(
  callable: Callable,
  options: { maxOptional?: number; show?: (arg: ArgSpec) => boolean } = {},
): { label: string; spans: [number, number][]; shown: ArgSpec[] } {
  const spans: [number, number][] = [];
  const shown: ArgSpec[] = [];
  let label = `${callable.name}(`;
  let optionalLeft = options.maxOptional ?? Infinity;
  for (const arg of callable.args) {
    if (options.show && !options.show(arg)) continue;
    if (!arg.required && optionalLeft-- <= 0) continue;
    if (shown.length > 0) label += ', ';
    const text = parameterText(arg);
    spans.push([label.length, label.length + text.length]);
    shown.push(arg);
    label += text;
  }
  if (shown.length < callable.args.length) label += shown.length > 0 ? ', …' : '…';
  return { label: `${label})`, spans, shown };
}

/** `units` for a required parameter, `padding='valid'` for one with a default. */
export function parameterText(arg: ArgSpec): string {
  if (arg.required || arg.default === undefined) return arg.name;
  return `${arg.name}=${formatArgValue(arg.default)}`;
}

/** A short description of a type for completion details: `int >= 1`, `'valid' | 'same'`. */
export function describeType(type: ArgType): string {
  switch (type.kind) {
    case 'int':
    case 'float':
      return type.min !== undefined && type.max !== undefined
        ? `${type.kind} in [${type.min}, ${type.max}]`
        : type.min !== undefined
          ? `${type.kind} >= ${type.min}`
          : type.kind;
    case 'bool':
      return 'bool';
    case 'string':
      return 'str';
    case 'enum':
      return type.values.map((v) => (v === 'None' ? v : `'${v}'`)).join(' | ');
    case 'intTuple':
      return type.scalar ? `int or tuple of ${count(type.length, 'int')}` : `tuple of ${count(type.length, 'int')}`;
    case 'shape':
      return 'shape tuple';
    case 'padding':
      return 'int or tuple';
    case 'layer':
      return 'layer';
    case 'ref':
      return type.table;
    case 'list':
      return `list of ${describeType(type.of)}`;
    case 'union':
      return type.of.map(describeType).join(' | ');
    case 'none':
      return 'None';
    case 'any':
      return 'any';
  }
}
