// Turning syntax values into checked argument values: `kernel_size=3` becomes [3, 3],
// `activation=relu` becomes 'relu', and a value of the wrong kind becomes a diagnostic that says
// what was expected, with the numbers.

import { unqualifiedRef } from '../catalog';
import { suggest } from '../catalog/suggest';
import type { ArgType, ArgValue, CallArg, RefTable } from '../catalog/types';
import type { CallValue, Value } from '../syntax/ast';
import { excerpt } from '../excerpt';
import { diagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics';
import { describeValue } from './format-values';

/** What `checkValue` needs from its caller: name tables and how to bind nested calls. */
export interface ValueContext {
  /** Canonical name for a ref-table entry (resolving aliases), or undefined when unknown. */
  resolveRef(table: RefTable, name: string): string | undefined;
  /** Names to suggest for an unknown entry. */
  suggestRef(table: RefTable, name: string): string[];
  /** Binds a nested call (a wrapped layer, an initializer call) and reports into `out`. */
  bindCall(call: CallValue, table: RefTable | 'layer' | 'any', out: Diagnostic[]): CallArg | undefined;
}

export interface Checked {
  value?: ArgValue;
  diagnostics: Diagnostic[];
}

const UNKNOWN_CODE: Record<RefTable, DiagnosticCode> = {
  activation: 'unknown-activation',
  loss: 'unknown-loss',
  metric: 'unknown-metric',
  optimizer: 'unknown-optimizer',
  callback: 'unknown-callback',
  dataset: 'unknown-dataset',
  initializer: 'unknown-name',
  regularizer: 'unknown-name',
  constraint: 'unknown-name',
};

const TABLE_NOUN: Record<RefTable, string> = {
  activation: 'activation',
  loss: 'loss',
  metric: 'metric',
  optimizer: 'optimizer',
  callback: 'callback',
  dataset: 'dataset',
  initializer: 'initializer',
  regularizer: 'regularizer',
  constraint: 'constraint',
};

/** Checks `node` against `type` for the argument or setting called `what`. */
export function checkValue(node: Value, type: ArgType, what: string, ctx: ValueContext): Checked {
  const out: Diagnostic[] = [];
  const value = check(node, type, what, ctx, out);
  return { value, diagnostics: out };
}

function check(node: Value, type: ArgType, what: string, ctx: ValueContext, out: Diagnostic[]): ArgValue | undefined {
  if (node.kind === 'error') return undefined; // the parser already reported it
  switch (type.kind) {
    case 'any':
      return plainValue(node, ctx, out);
    case 'none':
      if (node.kind === 'none') return null;
      return wrong(node, what, 'None', out);
    case 'int':
    case 'float':
      return checkNumber(node, type, what, out);
    case 'bool':
      if (node.kind === 'boolean') return node.value;
      return wrong(node, what, 'True or False', out);
    case 'string':
      if (node.kind === 'string') return node.value;
      if (node.kind === 'name') return node.name;
      return wrong(node, what, 'a string', out);
    case 'enum':
      return checkEnum(node, type, what, out);
    case 'intTuple':
      return checkIntTuple(node, type, what, out);
    case 'shape':
      return checkShape(node, what, out, type.inferred === true);
    case 'padding':
      return checkPadding(node, type.dims, what, out);
    case 'layer':
      if (node.kind === 'call') return ctx.bindCall(node, 'layer', out);
      return wrong(node, what, 'a layer, such as LSTM(64)', out);
    case 'ref':
      return checkRef(node, type.table, what, ctx, out);
    case 'list': {
      if (node.kind !== 'list' && node.kind !== 'tuple') {
        // Keras accepts a single metric where it takes a list; so do we, but keep it a list.
        const single = check(node, type.of, what, ctx, out);
        return single === undefined ? undefined : [single];
      }
      const items: ArgValue[] = [];
      for (const item of node.items) {
        const v = check(item, type.of, what, ctx, out);
        if (v !== undefined) items.push(v);
      }
      return items;
    }
    case 'union':
      return checkUnion(node, type.of, what, ctx, out);
  }
}

function checkNumber(
  node: Value,
  type: Extract<ArgType, { kind: 'int' | 'float' }>,
  what: string,
  out: Diagnostic[],
): ArgValue | undefined {
  if (node.kind !== 'number') {
    return wrong(node, what, type.kind === 'int' ? 'a whole number' : 'a number', out);
  }
  const v = node.value;
  if (!Number.isFinite(v)) {
    out.push(diagnostic('out-of-range', node.range, `${what} must be a finite number, got ${node.text}`));
    return undefined;
  }
  if (type.kind === 'int' && !Number.isInteger(v)) {
    out.push(diagnostic('wrong-type', node.range, `${what} must be a whole number, got ${node.text}`));
    return undefined;
  }
  if (type.kind === 'int' && !Number.isSafeInteger(v)) {
    out.push(diagnostic('out-of-range', node.range, `${what} ${TOO_LARGE}, got ${excerpt(node.text)}`));
    return undefined;
  }
  const problem = rangeProblem(v, type);
  if (problem) {
    out.push(diagnostic('out-of-range', node.range, `${what} ${problem}, got ${node.text}`));
    return undefined;
  }
  return v;
}

/** Describes why `v` is outside the type's range, or undefined when it is inside. */
export function rangeProblem(v: number, type: Extract<ArgType, { kind: 'int' | 'float' }>): string | undefined {
  const { min, max } = type;
  const minEx = type.kind === 'float' && type.minExclusive;
  const maxEx = type.kind === 'float' && type.maxExclusive;
  const below = min !== undefined && (minEx ? v <= min : v < min);
  const above = max !== undefined && (maxEx ? v >= max : v > max);
  if (!below && !above) return undefined;
  if (min !== undefined && max !== undefined) {
    return `must be in ${minEx ? '(' : '['}${min}, ${max}${maxEx ? ')' : ']'}`;
  }
  if (min !== undefined) return minEx ? `must be greater than ${min}` : `must be at least ${min}`;
  return maxEx ? `must be less than ${max}` : `must be at most ${max}`;
}

function checkEnum(
  node: Value,
  type: Extract<ArgType, { kind: 'enum' }>,
  what: string,
  out: Diagnostic[],
): ArgValue | undefined {
  const { values, aliases } = type;
  if (node.kind === 'none' && values.includes('None')) return null;
  const name = node.kind === 'string' ? node.value : node.kind === 'name' ? node.name : undefined;
  if (name === undefined) return wrong(node, what, `one of ${quoteList(values)}`, out);
  if (values.includes(name)) return name;
  const alias = aliases?.[name];
  if (alias) return alias;
  const lower = values.find((v) => v.toLowerCase() === name.toLowerCase());
  if (lower !== undefined && type.anyCase) return lower; // Keras lowercases it; the lowered value is the canonical one
  const suggestion = lower ?? closest(name, values);
  out.push(
    diagnostic(
      'out-of-range',
      node.range,
      `${what} must be one of ${quoteList(values)}, got '${excerpt(name)}'` +
        (suggestion ? `. Did you mean '${suggestion}'?` : ''),
      suggestion ? { fixes: [replaceWithString(node, suggestion)] } : {},
    ),
  );
  return undefined;
}

function checkIntTuple(
  node: Value,
  type: Extract<ArgType, { kind: 'intTuple' }>,
  what: string,
  out: Diagnostic[],
): ArgValue | undefined {
  const min = type.min ?? 1;
  if (node.kind === 'number' && type.scalar) {
    if (!Number.isSafeInteger(node.value) || node.value < min) {
      out.push(
        diagnostic(
          'out-of-range',
          node.range,
          `${what} must be a whole number of at least ${min}${Number.isInteger(node.value) && node.value >= min ? ` that ${TOO_LARGE.replace('must be', 'is')}` : ''}, got ${node.text}`,
        ),
      );
      return undefined;
    }
    return new Array<number>(type.length).fill(node.value);
  }
  if (node.kind !== 'tuple' && node.kind !== 'list') {
    const example = `(${new Array(type.length).fill(3).join(', ')}${type.length === 1 ? ',' : ''})`;
    return wrong(
      node,
      what,
      type.scalar ? `a whole number or a tuple like ${example}` : `a tuple like ${example}`,
      out,
    );
  }
  if (node.items.length !== type.length) {
    out.push(
      diagnostic(
        'wrong-type',
        node.range,
        `${what} needs ${type.length} value${type.length === 1 ? '' : 's'} (one per spatial axis), got ${node.items.length}`,
      ),
    );
    return undefined;
  }
  const result: number[] = [];
  for (const item of node.items) {
    if (item.kind !== 'number' || !Number.isSafeInteger(item.value) || item.value < min) {
      out.push(
        diagnostic(
          'out-of-range',
          item.range,
          `each value of ${what} must be a whole number of at least ${min}, got ${describeValue(item)}`,
        ),
      );
      return undefined;
    }
    result.push(item.value);
  }
  return result;
}

function checkShape(node: Value, what: string, out: Diagnostic[], inferred: boolean): ArgValue | undefined {
  if (node.kind === 'number' && Number.isInteger(node.value)) {
    // Keras's `input_shape=784` is a mistake for `(784,)`; accept it but say so? Keras rejects it.
    out.push(
      diagnostic(
        'wrong-type',
        node.range,
        `${what} must be a tuple, like (${node.value},); a single number needs a trailing comma`,
        {
          fixes: [{ kind: 'replace', range: node.range, text: `(${node.text},)`, title: `Write (${node.text},)` }],
        },
      ),
    );
    return undefined;
  }
  if (node.kind !== 'tuple' && node.kind !== 'list') return wrong(node, what, 'a shape tuple such as (28, 28, 1)', out);
  const dims: (number | null)[] = [];
  for (const item of node.items) {
    if (item.kind === 'none' && !inferred) dims.push(null);
    else if (
      item.kind === 'number' &&
      Number.isSafeInteger(item.value) &&
      (item.value >= 1 || (inferred && item.value === -1))
    )
      dims.push(item.value);
    else if (item.kind === 'number' && Number.isInteger(item.value) && item.value >= 1) {
      out.push(
        diagnostic('out-of-range', item.range, `each dimension of ${what} ${TOO_LARGE}, got ${excerpt(item.text)}`),
      );
      return undefined;
    } else {
      const allowed = inferred ? 'at least 1, or -1 for the one size to infer' : 'at least 1 or None';
      out.push(
        diagnostic(
          'out-of-range',
          item.range,
          `each dimension of ${what} must be a whole number of ${allowed}, got ${describeValue(item)}`,
        ),
      );
      return undefined;
    }
  }
  if (dims.length === 0) {
    out.push(diagnostic('wrong-type', node.range, `${what} must have at least one dimension, such as (784,)`));
    return undefined;
  }
  return dims;
}

function checkPadding(node: Value, dims: number, what: string, out: Diagnostic[]): ArgValue | undefined {
  const isCount = (v: Value): v is Extract<Value, { kind: 'number' }> =>
    v.kind === 'number' && Number.isSafeInteger(v.value) && v.value >= 0;
  if (isCount(node)) return node.value;
  if (node.kind === 'tuple' || node.kind === 'list') {
    const items: ArgValue[] = [];
    for (const item of node.items) {
      if (isCount(item)) items.push(item.value);
      else if (
        (item.kind === 'tuple' || item.kind === 'list') &&
        item.items.length === 2 &&
        item.items.every(isCount)
      ) {
        items.push(item.items.map((i) => (i as Extract<Value, { kind: 'number' }>).value));
      } else {
        out.push(
          diagnostic(
            'wrong-type',
            item.range,
            `each entry of ${what} must be a whole number >= 0 or a pair (before, after)`,
          ),
        );
        return undefined;
      }
    }
    if (dims > 1 && items.length !== dims && !(dims === 1 && items.length === 2)) {
      out.push(
        diagnostic(
          'wrong-type',
          node.range,
          `${what} needs ${dims} entries (one per spatial axis), got ${items.length}`,
        ),
      );
      return undefined;
    }
    return items;
  }
  return wrong(node, what, 'a whole number or a tuple of them', out);
}

function checkRef(
  node: Value,
  table: RefTable,
  what: string,
  ctx: ValueContext,
  out: Diagnostic[],
): ArgValue | undefined {
  if (node.kind === 'none') return null;
  if (node.kind === 'call') return ctx.bindCall(node, table, out);
  const written = node.kind === 'string' ? node.value : node.kind === 'name' ? node.name : undefined;
  if (written === undefined)
    return wrong(node, what, `the name of ${article(TABLE_NOUN[table])} ${TABLE_NOUN[table]}`, out);
  // A bare dotted name is a pasted Python callable (`tf.nn.relu`): it means its module's entry.
  const name = node.kind === 'name' && written.includes('.') ? unqualifiedRef(table, written) : written;
  if (name === undefined) {
    // A module this table's entries do not come from (or a table with no dotted spelling).
    const short = ctx.resolveRef(table, written.slice(written.lastIndexOf('.') + 1));
    out.push(
      diagnostic(
        UNKNOWN_CODE[table],
        node.range,
        `Unknown ${TABLE_NOUN[table]} '${excerpt(written)}': write the ${TABLE_NOUN[table]}'s name as a string` +
          (short ? `, e.g. '${short}'` : ''),
        short ? { fixes: [replaceWithString(node, short)] } : {},
      ),
    );
    return undefined;
  }
  const canonical = ctx.resolveRef(table, name);
  if (canonical !== undefined) return canonical;
  const suggestions = ctx.suggestRef(table, name);
  out.push(
    diagnostic(
      UNKNOWN_CODE[table],
      node.range,
      `Unknown ${TABLE_NOUN[table]} '${excerpt(written)}'` +
        (suggestions.length ? `. Did you mean ${quoteList(suggestions)}?` : ''),
      { fixes: suggestions.slice(0, 3).map((s) => replaceWithString(node, s)) },
    ),
  );
  return undefined;
}

function checkUnion(
  node: Value,
  types: readonly ArgType[],
  what: string,
  ctx: ValueContext,
  out: Diagnostic[],
): ArgValue | undefined {
  let firstFailure: Diagnostic[] | undefined;
  for (const t of types) {
    const attempt: Diagnostic[] = [];
    const v = check(node, t, what, ctx, attempt);
    if (attempt.length === 0) return v;
    // Prefer the member whose kind matches the written value (its messages are the most specific).
    if (!firstFailure || matchesKind(node, t)) firstFailure = attempt;
  }
  out.push(...(firstFailure ?? []));
  return undefined;
}

function matchesKind(node: Value, t: ArgType): boolean {
  switch (t.kind) {
    case 'int':
    case 'float':
      return node.kind === 'number';
    case 'intTuple':
    case 'shape':
    case 'padding':
      return node.kind === 'tuple' || node.kind === 'list';
    case 'enum':
    case 'string':
    case 'ref':
      return node.kind === 'string' || node.kind === 'name' || node.kind === 'call';
    case 'bool':
      return node.kind === 'boolean';
    case 'list':
      return node.kind === 'list';
    case 'layer':
      return node.kind === 'call';
    default:
      return false;
  }
}

/** A value with no declared type, converted as written (used for `any` and unknown calls). */
export function plainValue(node: Value, ctx: ValueContext, out: Diagnostic[]): ArgValue | undefined {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'string':
      return node.value;
    case 'name':
      return node.name;
    case 'boolean':
      return node.value;
    case 'none':
      return null;
    case 'tuple':
    case 'list':
      return node.items.map((i) => plainValue(i, ctx, out)).filter((v): v is ArgValue => v !== undefined);
    case 'call':
      return ctx.bindCall(node, 'any', out);
    case 'error':
      return undefined;
  }
}

/** Whole numbers beyond 2^53 − 1 lose exactness (1e308 would print as Infinity once multiplied). */
const TOO_LARGE = `must be at most ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')} (2^53 − 1)`;

function wrong(node: Value, what: string, expected: string, out: Diagnostic[]): undefined {
  out.push(diagnostic('wrong-type', node.range, `${what} must be ${expected}, got ${describeValue(node)}`));
  return undefined;
}

function replaceWithString(node: Value, text: string) {
  return { kind: 'replace' as const, range: node.range, text: `'${text}'`, title: `Change to '${text}'` };
}

function quoteList(values: readonly string[]): string {
  const quoted = values.map((v) => (v === 'None' ? 'None' : `'${v}'`));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? 'an' : 'a';
}

/** The closest candidate, when it is close enough to be a likely typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  return suggest(name, candidates, 1)[0];
}
