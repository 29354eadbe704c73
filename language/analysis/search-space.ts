// Search spaces (LANGUAGE.md, "Search spaces and the tune block"): KerasTuner's `Choice`, `Int`,
// `Float` and `Boolean` written where a value goes. This module is the public vocabulary the tune
// runner and the editor share: what a space is, what a tune block asks for, and the values a trial
// was made with. Pure data; no LSP or VS Code types.

import { getSearchSpace } from '../catalog';
import { excerpt } from '../excerpt';
import type { Argument, CallValue, Range, Value } from '../syntax/ast';
import { diagnostic, type Diagnostic } from './diagnostics';
import { describeValue, formatNumber } from './format-values';

/** A value a search space can take: KerasTuner's Choice holds numbers, strings or booleans. */
export type HyperValue = number | string | boolean;

export type SearchSpaceKind = 'choice' | 'int' | 'float' | 'boolean';
export type Sampling = 'linear' | 'log' | 'reverse_log';

export interface SearchSpace {
  /** The explicit name= or the default from where it stands: 'dense_1.units', 'optimizer.learning_rate', 'fit.batch_size'. */
  name: string;
  kind: SearchSpaceKind;
  /** choice: the values, in the order written. */
  values?: HyperValue[];
  /** int/float: the bounds (both inclusive, as in KerasTuner). */
  min?: number;
  max?: number;
  /** int: the step between values (1 unless written); float: a grid step when written. With log sampling, a factor. */
  step?: number;
  /** int/float: how the runner samples between the bounds. */
  sampling?: Sampling;
  /** What the file trains when it is not searched: default=, else the first choice, the lower bound, False. */
  default: HyperValue;
  /** The call's source range (the first occurrence when several calls share an explicit name). */
  range: Range;
}

export type TuneAlgorithm = 'random' | 'grid' | 'bayesian' | 'hyperband';

/** The tune block with every setting explicit (the catalog's defaults filled in). */
export interface TunePlan {
  /** The metric to optimise, as the run reports it: 'val_loss', 'val_accuracy', 'loss'… */
  objective: string;
  /** Inferred from the objective as KerasTuner does: losses and errors down, accuracies and AUC up. */
  direction: 'min' | 'max';
  maxTrials: number;
  algorithm: TuneAlgorithm;
  executionsPerTrial: number;
  /** Stop a trial early when its objective is worse than the median of earlier trials at the same epoch. */
  pruning: boolean;
  /** Trials at once. */
  parallel: number;
  /** undefined: None (a different search each time). */
  seed?: number;
}

// ---- reading one call ----

/** The callees that write a search space. */
export const SEARCH_SPACE_CALLEES: readonly string[] = ['Choice', 'Int', 'Float', 'Boolean'];

/** The call, when `value` is a search space (not a type guard: a call that is not a space is still a call). */
export function spaceCall(value: Value): CallValue | undefined {
  return value.kind === 'call' && !value.pasted && SEARCH_SPACE_CALLEES.includes(value.callee.name) ? value : undefined;
}

export function isSearchSpaceCall(value: Value): boolean {
  return spaceCall(value) !== undefined;
}

/** What one call defines, before it has a name and a place. */
export interface SpaceDefinition {
  kind: SearchSpaceKind;
  values?: HyperValue[];
  /** choice: the literal each value was written as (the substitution reuses it, so `1.0` stays a float). */
  valueNodes?: Value[];
  min?: number;
  max?: number;
  step?: number;
  sampling?: Sampling;
  default: HyperValue;
  /** name= as written. */
  explicitName?: string;
}

const MAX_CHOICES = 256;

/**
 * Reads a Choice/Int/Float/Boolean call. Problems (min_value >= max_value, step <= 0, log
 * sampling from 0, an empty Choice, a default outside the space) go to `out`; the call still
 * defines a space (its first value or lower bound) so the rest of the file is checked.
 */
export function readSpaceCall(call: CallValue, out: Diagnostic[]): SpaceDefinition {
  const kind = call.callee.name.toLowerCase() as SearchSpaceKind;
  const spec = getSearchSpace(call.callee.name);
  const problem = (range: Range, message: string) => out.push(diagnostic('search-space-argument', range, message));
  const keyword = new Map<string, Argument>();
  const positional: Argument[] = [];
  const known = new Set((spec?.args ?? []).map((a) => a.name));
  for (const a of call.args) {
    if (!a.name) {
      if (keyword.size)
        problem(
          a.range,
          `${call.callee.name}: a value by position cannot follow a name=value argument; move it before them`,
        );
      else positional.push(a);
      continue;
    }
    const n = a.name.name;
    if (!known.has(n) || (kind === 'choice' && n === 'values' && positional.length)) {
      problem(
        a.name.range,
        kind === 'choice' && n === 'values'
          ? 'Choice takes its values either one after another or as values=[...], not both'
          : `${call.callee.name} has no argument '${excerpt(n)}'; it takes ${(spec?.args ?? []).map((s) => s.name).join(', ')}`,
      );
      continue;
    }
    if (keyword.has(n)) {
      problem(a.name.range, `${call.callee.name}: '${n}' is given twice; keep one`);
      continue;
    }
    keyword.set(n, a);
  }

  const nameArg = keyword.get('name');
  let explicitName: string | undefined;
  if (nameArg) {
    const v = nameArg.value;
    if (v.kind === 'string' && /^[A-Za-z_][\w.]*$/.test(v.value)) explicitName = v.value;
    else if (v.kind !== 'none')
      problem(
        v.range,
        `name= takes a name such as 'units' or 'dense.units' (letters, digits, _ and .), got ${describeValue(v)}`,
      );
  }

  const def: SpaceDefinition = { kind, default: false, ...(explicitName !== undefined && { explicitName }) };
  if (kind === 'boolean') {
    for (const a of positional)
      problem(a.range, "Boolean() takes no values: it is True or False; name it with name='…'");
  } else if (kind === 'choice') {
    readChoice(call, positional, keyword.get('values'), def, problem);
  } else {
    readRange(call, kind, positional, keyword, def, problem);
  }

  const defaultArg = keyword.get('default');
  if (defaultArg && defaultArg.value.kind !== 'none') {
    const v = literalOf(defaultArg.value);
    if (v === undefined)
      problem(
        defaultArg.value.range,
        `default= takes a number, a string, True or False, got ${describeValue(defaultArg.value)}`,
      );
    else if (!isPointOf(def, v))
      problem(
        defaultArg.value.range,
        `default=${formatHyperValue(v)} is not a value of ${call.callee.name}(…)${kind === 'choice' ? `: it takes ${(def.values ?? []).map(formatHyperValue).join(', ')}` : def.min !== undefined ? ` from ${formatHyperValue(def.min)} to ${formatHyperValue(def.max ?? def.min)}` : ''}`,
      );
    else def.default = v;
  }
  return def;
}

function readChoice(
  call: CallValue,
  positional: Argument[],
  valuesArg: Argument | undefined,
  def: SpaceDefinition,
  problem: (range: Range, message: string) => void,
): void {
  let nodes: Value[] = positional.map((a) => a.value);
  if (valuesArg) {
    const v = valuesArg.value;
    if (v.kind === 'list' || v.kind === 'tuple') nodes = v.items;
    else problem(v.range, `values= takes a list, e.g. values=[32, 64], got ${describeValue(v)}`);
  }
  const values: HyperValue[] = [];
  const valueNodes: Value[] = [];
  for (const node of nodes) {
    const v = literalOf(node);
    if (v === undefined) {
      // A space inside a space is reported where spaces are found (search-places.ts).
      if (node.kind !== 'error' && !isSearchSpaceCall(node))
        problem(node.range, `Choice takes numbers, strings, True or False, got ${describeValue(node)}`);
      continue;
    }
    if (values.length && typeof v !== typeof values[0]) {
      problem(
        node.range,
        `Choice's values must be of one kind: ${formatHyperValue(values[0])} is a ${typeName(values[0])}, ${formatHyperValue(v)} a ${typeName(v)}`,
      );
      continue;
    }
    if (values.some((x) => x === v)) {
      problem(node.range, `${formatHyperValue(v)} is already a choice; remove the repeat`);
      continue;
    }
    if (values.length >= MAX_CHOICES) {
      problem(node.range, `Choice holds at most ${MAX_CHOICES} values; use Int(...) or Float(...) for a range`);
      break;
    }
    values.push(v);
    valueNodes.push(node);
  }
  if (!values.length && !nodes.some((n) => n.kind === 'error'))
    problem(call.range, 'Choice needs at least one value, e.g. Choice(32, 64, 128)');
  def.values = values;
  def.valueNodes = valueNodes;
  def.default = values[0] ?? 0;
}

function readRange(
  call: CallValue,
  kind: 'int' | 'float',
  positional: Argument[],
  keyword: Map<string, Argument>,
  def: SpaceDefinition,
  problem: (range: Range, message: string) => void,
): void {
  const callee = call.callee.name;
  const order = ['min_value', 'max_value', 'step', 'sampling'];
  const given = new Map<string, Argument>();
  positional.forEach((a, i) => {
    if (i < order.length) given.set(order[i], a);
    else
      problem(
        a.range,
        `${callee} takes at most ${order.length} values by position (min_value, max_value, step, sampling)`,
      );
  });
  for (const [n, a] of keyword) {
    if (!order.includes(n)) continue;
    if (given.has(n)) problem(a.range, `${callee}: '${n}' is given by position and by name; keep one`);
    else given.set(n, a);
  }
  const number = (n: string): number | undefined => {
    const a = given.get(n);
    if (!a || a.value.kind === 'none') return undefined;
    if (a.value.kind === 'number' && Number.isFinite(a.value.value)) {
      if (kind === 'int' && n !== 'step' && !Number.isInteger(a.value.value)) {
        problem(
          a.value.range,
          `${callee}'s ${n} must be a whole number, got ${a.value.text}; use Float(...) for decimals`,
        );
        return undefined;
      }
      return a.value.value;
    }
    problem(a.value.range, `${callee}'s ${n} must be a number, got ${describeValue(a.value)}`);
    return undefined;
  };
  const min = number('min_value');
  const max = number('max_value');
  if (!given.has('min_value') || !given.has('max_value'))
    problem(
      call.range,
      `${callee} needs min_value and max_value, e.g. ${kind === 'int' ? 'Int(32, 256, step=32)' : "Float(1e-4, 1e-2, sampling='log')"}`,
    );
  const samplingArg = given.get('sampling');
  let sampling: Sampling = 'linear';
  if (samplingArg) {
    const v = samplingArg.value;
    if (v.kind === 'string' && (v.value === 'linear' || v.value === 'log' || v.value === 'reverse_log'))
      sampling = v.value;
    else problem(v.range, `sampling must be 'linear', 'log' or 'reverse_log', got ${describeValue(v)}`);
  }
  let step = number('step');
  if (step !== undefined && step <= 0) {
    problem(given.get('step')!.value.range, `${callee}'s step must be above 0, got ${formatHyperValue(step)}`);
    step = undefined;
  }
  if (step !== undefined && sampling !== 'linear' && step <= 1) {
    problem(
      given.get('step')!.value.range,
      `With sampling='${sampling}' the step is the factor between values and must be above 1, got ${formatHyperValue(step)}`,
    );
    step = undefined;
  }
  if (step !== undefined && kind === 'int' && sampling === 'linear' && !Number.isInteger(step)) {
    problem(given.get('step')!.value.range, `Int's step must be a whole number, got ${formatHyperValue(step)}`);
    step = undefined;
  }
  if (kind === 'int' && sampling === 'linear' && step === undefined) step = 1;
  def.sampling = sampling;
  if (step !== undefined) def.step = step;
  if (min === undefined || max === undefined) {
    def.min = def.max = min ?? max ?? 0;
    def.default = def.min;
    return;
  }
  if (min >= max) {
    problem(
      given.get('max_value')!.value.range,
      `${callee}'s max_value must be above min_value (${formatHyperValue(min)}), got ${formatHyperValue(max)}; for one value write the value itself`,
    );
    def.min = def.max = min;
    def.default = min;
    return;
  }
  if (sampling !== 'linear' && min <= 0) {
    problem(
      given.get('min_value')!.value.range,
      `sampling='${sampling}' needs min_value above 0 (a logarithm of ${formatHyperValue(min)} does not exist), e.g. ${kind === 'int' ? `Int(1, ${formatHyperValue(max)}, sampling='log')` : `Float(1e-4, ${formatHyperValue(max)}, sampling='log')`}`,
    );
    def.sampling = 'linear';
    if (kind === 'int') def.step ??= 1;
    else delete def.step;
  }
  def.min = min;
  def.max = max;
  def.default = min;
}

/** The literal a value node writes, when it is a number, string or boolean. */
function literalOf(node: Value): HyperValue | undefined {
  if (node.kind === 'number' && Number.isFinite(node.value)) return node.value;
  if (node.kind === 'string') return node.value;
  if (node.kind === 'boolean') return node.value;
  return undefined;
}

function typeName(v: HyperValue): string {
  return typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'boolean';
}

/** A value as Python writes it: 8, 0.001, 'relu', True. */
export function formatHyperValue(v: HyperValue): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'string') return `'${excerpt(v)}'`;
  return formatNumber(v);
}

// ---- points of a space ----

const EPSILON = 1e-9;

/** The largest value a stepped range reaches (max_value when a step lands on it). */
function lastOnGrid(def: Pick<SpaceDefinition, 'min' | 'max' | 'step' | 'sampling'>): number {
  const { min = 0, max = 0, step } = def;
  if (step === undefined) return max;
  if (def.sampling && def.sampling !== 'linear') {
    const k = Math.floor(Math.log(max / min) / Math.log(step) + EPSILON);
    return min * step ** k;
  }
  return min + Math.floor((max - min) / step + EPSILON) * step;
}

/** True when `v` is a value the space can take. */
export function isPointOf(
  def: Pick<SpaceDefinition, 'kind' | 'values' | 'min' | 'max' | 'step' | 'sampling'>,
  v: HyperValue,
): boolean {
  switch (def.kind) {
    case 'boolean':
      return typeof v === 'boolean';
    case 'choice':
      return (def.values ?? []).some((x) => x === v);
    case 'int':
    case 'float': {
      if (typeof v !== 'number' || def.min === undefined || def.max === undefined) return false;
      if (def.kind === 'int' && !Number.isInteger(v)) return false;
      const tol = EPSILON * Math.max(1, Math.abs(def.max), Math.abs(def.min));
      if (v < def.min - tol || v > def.max + tol) return false;
      if (def.step === undefined) return true;
      const k =
        def.sampling && def.sampling !== 'linear'
          ? Math.log(v / def.min) / Math.log(def.step)
          : (v - def.min) / def.step;
      return Math.abs(k - Math.round(k)) < 1e-6;
    }
  }
}

/**
 * The points the checker tries: every choice, both booleans, and for a range its ends with a few
 * values between (a stepped Int's grid thinned to at most `MAX_RANGE_POINTS`); the default first.
 */
export function checkedPoints(def: SpaceDefinition): HyperValue[] {
  let points: HyperValue[];
  switch (def.kind) {
    case 'boolean':
      points = [false, true];
      break;
    case 'choice':
      points = [...(def.values ?? [])];
      break;
    case 'int':
    case 'float': {
      const min = def.min ?? 0;
      const last = lastOnGrid(def);
      const step = def.step;
      if (step !== undefined) {
        // On the grid: min + k·step, or min·step^k with log sampling; thinned to its ends and a few between.
        const log = (def.sampling ?? 'linear') !== 'linear';
        const n = Math.round(log ? Math.log(last / min) / Math.log(step) : (last - min) / step);
        const ks =
          n + 1 <= MAX_RANGE_POINTS
            ? [...Array(n + 1).keys()]
            : [0, Math.round(n / 4), Math.round(n / 2), Math.round((3 * n) / 4), n];
        points = ks
          .map((k) => (log ? min * step ** k : min + k * step))
          .map((v) => (def.kind === 'int' ? Math.round(v) : v));
      } else if (def.kind === 'int') points = [min, Math.round(Math.sqrt(min * last)), Math.round(last)];
      else points = [min, last];
      break;
    }
  }
  const unique = [def.default, ...points.filter((p) => p !== def.default)];
  return unique.filter((p, i) => unique.indexOf(p) === i);
}

const MAX_RANGE_POINTS = 5;

/** In words, for hovers and listings: "one of 32, 64, 128", "an integer from 32 to 256 in steps of 32". */
export function describeSpace(
  space: Pick<SearchSpace, 'kind' | 'values' | 'min' | 'max' | 'step' | 'sampling'>,
): string {
  const sampling =
    space.sampling === 'log'
      ? ', sampled in log scale'
      : space.sampling === 'reverse_log'
        ? ', sampled densely near the top'
        : '';
  const from = `from ${formatHyperValue(space.min ?? 0)} to ${formatHyperValue(space.max ?? 0)}`;
  switch (space.kind) {
    case 'boolean':
      return 'True or False';
    case 'choice':
      return `one of ${(space.values ?? []).map(formatHyperValue).join(', ')}`;
    case 'int': {
      const steps =
        space.step === undefined || (space.step === 1 && space.sampling === 'linear')
          ? ''
          : space.sampling === 'linear'
            ? ` in steps of ${formatHyperValue(space.step)}`
            : `, each ${formatHyperValue(space.step)} times the last`;
      return `an integer ${from}${steps}${sampling}`;
    }
    case 'float': {
      const steps =
        space.step === undefined
          ? ''
          : space.sampling === 'linear'
            ? ` in steps of ${formatHyperValue(space.step)}`
            : `, each ${formatHyperValue(space.step)} times the last`;
      return `a number ${from}${steps}${sampling}`;
    }
  }
}
