// Checking every point of a file's search space: the checker runs once per point (every choice,
// each range's ends and a few values between, one space varied at a time, and every combination
// while there are few), and a problem that only some points have is reported once, naming the
// point that has it: "units=Choice(8, 16): with 8, …". Also the range of shapes and parameter
// counts over the points, for the inlay hints.

import { getLayer } from '../catalog';
import type { Shape } from '../catalog/types';
import { excerpt } from '../excerpt';
import type { ModelFile } from '../syntax/ast';
import type { FileCheck } from './analyze';
import { diagnostic, type Diagnostic } from './diagnostics';
import type { SpacePlace } from './search-places';
import { checkedPoints, formatHyperValue, isPointOf, type HyperValue, type SearchSpace } from './search-space';

/** Points checked as every combination while there are at most this many. */
const MAX_COMBINATIONS = 48;
/** The checker runs at most this many times per file (one space varied at a time beyond it is cut). */
const MAX_POINTS = 64;
/** Layers checked over all points, at most: a deep model (an application, hundreds of layers) gets fewer points, never fewer than 8. */
const LAYER_BUDGET = 3000;
/** Problems of points other than the defaults, at most (each names its point). */
const MAX_POINT_DIAGNOSTICS = 20;

export interface ValueRange {
  min: number;
  max: number;
}

/** Over the points checked: each layer's output shape (per axis; null where an axis is None) and parameter count. */
export interface SpaceRanges {
  /** By index into the default point's `model.layers`. */
  layers: { output?: (ValueRange | null)[]; params?: ValueRange }[];
  totals?: ValueRange;
}

interface PointRun {
  point: Record<string, HyperValue>;
  /** The spaces whose value is not their default here. */
  varied: string[];
  check: FileCheck;
  byKey: Map<string, Diagnostic>;
}

export function checkEveryPoint(args: {
  text: string;
  spaces: SearchSpace[];
  places: readonly SpacePlace[];
  base: FileCheck;
  atPoint: (point: Record<string, HyperValue>) => FileCheck;
}): { diagnostics: Diagnostic[]; ranges?: SpaceRanges } {
  const { spaces, places, base, atPoint } = args;
  const defaults: Record<string, HyperValue> = Object.fromEntries(spaces.map((s) => [s.name, s.default]));
  const pointsOf = new Map(
    spaces.map((s) => {
      const place = places.find((p) => p.name === s.name);
      return [s.name, place ? checkedPoints(place.definition) : [s.default]];
    }),
  );
  const runs: PointRun[] = [run(defaults, [], base)];
  const done = new Set([JSON.stringify(defaults)]);
  const depth = Math.max(1, base.model?.layers.length ?? 1);
  const maxPoints = Math.max(8, Math.min(MAX_POINTS, Math.floor(LAYER_BUDGET / depth)));
  const tryPoint = (point: Record<string, HyperValue>) => {
    const key = JSON.stringify(point);
    if (done.has(key) || runs.length >= maxPoints) return;
    done.add(key);
    const varied = spaces.filter((s) => point[s.name] !== s.default).map((s) => s.name);
    runs.push(run(point, varied, atPoint(point)));
  };
  // One space at a time first: they say which space a problem comes from.
  for (const s of spaces) for (const v of pointsOf.get(s.name) ?? []) tryPoint({ ...defaults, [s.name]: v });
  const combinations = spaces.reduce((n, s) => n * (pointsOf.get(s.name)?.length ?? 1), 1);
  if (combinations <= MAX_COMBINATIONS) for (const point of cartesian(spaces, pointsOf)) tryPoint(point);

  const diagnostics: Diagnostic[] = [];
  const keys = new Set(runs.flatMap((r) => [...r.byKey.keys()]));
  let extra = 0;
  for (const key of keys) {
    const withIt = runs.filter((r) => r.byKey.has(key));
    const baseDiag = runs[0].byKey.get(key);
    if (
      withIt.length === runs.length &&
      baseDiag &&
      withIt.every((r) => r.byKey.get(key)?.message === baseDiag.message)
    ) {
      diagnostics.push(baseDiag); // the same at every point: not the space's doing
      continue;
    }
    const first = withIt[0];
    if (first !== runs[0] && extra++ >= MAX_POINT_DIAGNOSTICS) continue;
    const d = first.byKey.get(key) as Diagnostic;
    const outcome = (r: PointRun) => r.byKey.get(key)?.message ?? '';
    // A space is behind the problem when varying it alone changes whether (or how) it appears.
    const behind = spaces
      .filter((s) =>
        runs.some((r) => r.varied.length === 1 && r.varied[0] === s.name && outcome(r) !== outcome(runs[0])),
      )
      .map((s) => s.name);
    let named = first.varied.filter((n) => behind.includes(n));
    if (!named.length) named = first.varied.length ? first.varied : behind.length ? behind : spaces.map((s) => s.name);
    diagnostics.push(namedAtPoint(d, named, first.point, places, args.text, first === runs[0]));
  }
  return { diagnostics, ranges: ranges(runs) };
}

function run(point: Record<string, HyperValue>, varied: string[], check: FileCheck): PointRun {
  const byKey = new Map<string, Diagnostic>();
  for (const d of check.diagnostics) {
    const key = `${d.code}@${d.range.start.offset}-${d.range.end.offset}`;
    if (!byKey.has(key)) byKey.set(key, d);
  }
  return { point, varied, check, byKey };
}

function* cartesian(
  spaces: readonly SearchSpace[],
  pointsOf: Map<string, HyperValue[]>,
): Generator<Record<string, HyperValue>> {
  const walk = function* (i: number, acc: Record<string, HyperValue>): Generator<Record<string, HyperValue>> {
    if (i === spaces.length) {
      yield { ...acc };
      return;
    }
    for (const v of pointsOf.get(spaces[i].name) ?? [spaces[i].default])
      yield* walk(i + 1, { ...acc, [spaces[i].name]: v });
  };
  yield* walk(0, {});
}

/** `units=Choice(8, 16): with 8, the model outputs …` (one space), `with dense.units=8, dropout.rate=0.9, …` (several). */
function namedAtPoint(
  d: Diagnostic,
  names: string[],
  point: Record<string, HyperValue>,
  places: readonly SpacePlace[],
  text: string,
  isBase: boolean,
): Diagnostic {
  const own = places.filter((p) => names.includes(p.name));
  const single = names.length === 1 ? own[0] : undefined;
  const prefix = single
    ? `${single.label}=${excerpt(text.slice(single.call.range.start.offset, single.call.range.end.offset), 48)}: with ${formatHyperValue(point[single.name])}`
    : `with ${names.map((n) => `${n}=${formatHyperValue(point[n])}`).join(', ')}`;
  const related = [
    ...(d.related ?? []),
    ...own.map((p) => ({
      range: p.call.range,
      message: `the search space '${p.name}' (here ${formatHyperValue(point[p.name])})`,
    })),
  ];
  // A fix computed at another point would edit the file for values it does not have.
  const { fixes, ...rest } = d;
  return { ...rest, ...(isBase && fixes && { fixes }), message: `${prefix}, ${lowerFirst(d.message)}`, related };
}

/** "The model …" → "the model …", but a class name ("Dense needs …") keeps its capital. */
function lowerFirst(message: string): string {
  const word = /^[A-Za-z_]\w*/.exec(message)?.[0] ?? '';
  if (!/^[A-Z][a-z]/.test(word) || getLayer(word)) return message;
  return message[0].toLowerCase() + message.slice(1);
}

function ranges(runs: PointRun[]): SpaceRanges | undefined {
  const baseLayers = runs[0].check.model?.layers;
  if (!baseLayers) return undefined;
  const layers: SpaceRanges['layers'] = baseLayers.map(() => ({}));
  let totals: ValueRange | undefined;
  const widen = (r: ValueRange | undefined, v: number): ValueRange =>
    r ? { min: Math.min(r.min, v), max: Math.max(r.max, v) } : { min: v, max: v };
  for (const r of runs) {
    const model = r.check.model;
    // Only points whose stack is the same layers (an application's depth may differ).
    if (
      !model ||
      model.layers.length !== baseLayers.length ||
      model.layers.some((l, i) => l.spec !== baseLayers[i].spec)
    )
      continue;
    model.layers.forEach((l, i) => {
      const at = layers[i];
      if (l.output) at.output = widenShape(at.output, l.output);
      if (l.params) at.params = widen(at.params, l.params.trainable + l.params.nonTrainable);
    });
    if (model.totals) totals = widen(totals, model.totals.total);
  }
  return { layers, ...(totals && { totals }) };

  function widenShape(acc: (ValueRange | null)[] | undefined, shape: Shape): (ValueRange | null)[] {
    if (acc && acc.length !== shape.length) return acc;
    return shape.map((dim, i) => {
      const before = acc ? acc[i] : undefined;
      if (dim === null || before === null) return null;
      return widen(before, dim);
    });
  }
}

/**
 * A trial's values checked against the spaces: each name must be a space and each value one of
 * its points. Returns the values to use (the others stay at their defaults).
 */
export function givenHyperparameters(
  given: Readonly<Record<string, HyperValue>>,
  spaces: readonly SearchSpace[],
  file: ModelFile,
  out: Diagnostic[],
): Record<string, HyperValue> {
  const values: Record<string, HyperValue> = {};
  // A name the file does not have points at the tune block (the search's settings), else the file's start.
  const at = file.blocks.find((b) => b.kind === 'tune')?.keyword ?? { start: file.range.start, end: file.range.start };
  for (const [name, value] of Object.entries(given)) {
    const space = spaces.find((s) => s.name === name);
    if (!space) {
      out.push(
        diagnostic(
          'hyperparameter-unknown',
          at,
          `The trial's hyperparameter '${excerpt(name)}' is not a search space of this file${spaces.length ? ` (it has ${spaces.map((s) => s.name).join(', ')})` : ' (it has none)'}; was the file changed since the search started?`,
        ),
      );
      continue;
    }
    if (!isPointOf(space, value)) {
      out.push(
        diagnostic(
          'hyperparameter-out-of-space',
          space.range,
          `The trial's value ${formatHyperValue(value)} for '${name}' is not in its search space; was the file changed since the search started?`,
        ),
      );
      continue;
    }
    values[name] = value;
  }
  return values;
}
