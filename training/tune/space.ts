// The search space as values: a grid's points, a random point, a parameter's domain for
// TensorBoard's HParams config. Shared by the TypeScript sampler and the Optuna one (which is
// given the grid's points so both walk the same grid).

import type { Assignment, HyperValue, Sampling, SearchParam } from './types';

/** A search space as the language core describes it (language/analysis/search-space.ts, SearchSpace). */
export interface SpaceLike {
  name: string;
  kind: 'choice' | 'int' | 'float' | 'boolean';
  values?: HyperValue[];
  min?: number;
  max?: number;
  step?: number;
  sampling?: Sampling;
}

/**
 * The runner's parameters for the file's spaces. A log Int/Float with a step takes KerasTuner's
 * meaning of the step there, a factor (min, min·step, min·step², … up to max): a Choice of those.
 */
export function searchParams(spaces: readonly SpaceLike[]): SearchParam[] {
  return spaces.map((s): SearchParam => {
    if (s.kind === 'choice') return { name: s.name, kind: 'choice', values: s.values ?? [] };
    if (s.kind === 'boolean') return { name: s.name, kind: 'boolean' };
    const min = s.min ?? 0;
    const max = s.max ?? min;
    const sampling = s.sampling ?? 'linear';
    if (sampling !== 'linear' && s.step !== undefined && s.step > 1) {
      const values: number[] = [];
      for (let v = min; v <= max * (1 + 1e-12) && values.length < MAX_GRID_POINTS; v *= s.step)
        values.push(s.kind === 'int' ? Math.round(v) : v);
      return {
        name: s.name,
        kind: 'choice',
        values: sampling === 'reverse_log' ? values.map((v) => min + max - v) : values,
      };
    }
    return { name: s.name, kind: s.kind, min, max, sampling, ...(s.step !== undefined ? { step: s.step } : {}) };
  });
}

/** reverse_log: a log-spaced value mirrored into [min, max], so values crowd near max. */
export function mirror(p: { min: number; max: number; kind: 'int' | 'float' }, v: number): number {
  const m = p.min + p.max - v;
  return p.kind === 'int' ? Math.round(m) : m;
}

/** Points of a Float without step in a grid search (evenly spaced, on a log scale for sampling='log'). */
export const FLOAT_GRID_POINTS = 5;
/** A grid with more points than this is refused rather than listed. */
export const MAX_GRID_POINTS = 100_000;

/** The values a grid search tries for one parameter, in order. */
export function gridValues(p: SearchParam): HyperValue[] {
  switch (p.kind) {
    case 'choice':
      return p.values;
    case 'boolean':
      return [false, true];
    case 'int': {
      if (p.sampling === 'reverse_log')
        return gridValues({ ...p, sampling: 'log' })
          .map((v) => mirror(p, v as number))
          .reverse();
      if (p.sampling === 'log' && p.step === undefined) {
        // Powers-of-two style spacing: each point about the ratio (max/min)^(1/4) above the last.
        const out = new Set<number>();
        for (let i = 0; i < FLOAT_GRID_POINTS; i++)
          out.add(Math.round(p.min * (p.max / p.min) ** (i / (FLOAT_GRID_POINTS - 1))));
        return [...out];
      }
      const step = p.step ?? 1;
      const out: number[] = [];
      for (let v = p.min; v <= p.max && out.length <= MAX_GRID_POINTS; v += step) out.push(v);
      return out;
    }
    case 'float': {
      if (p.sampling === 'reverse_log')
        return gridValues({ ...p, sampling: 'log' })
          .map((v) => mirror(p, v as number))
          .reverse();
      if (p.step !== undefined) {
        const out: number[] = [];
        const n = Math.floor((p.max - p.min) / p.step + 1e-9);
        for (let i = 0; i <= n && out.length <= MAX_GRID_POINTS; i++) out.push(roundTo(p.min + i * p.step, p.step));
        return out;
      }
      const out: number[] = [];
      for (let i = 0; i < FLOAT_GRID_POINTS; i++) {
        const t = i / (FLOAT_GRID_POINTS - 1);
        out.push(p.sampling === 'log' ? p.min * (p.max / p.min) ** t : p.min + (p.max - p.min) * t);
      }
      return out;
    }
  }
}

/** How many points the grid has (the product of each parameter's values). */
export function gridSize(space: readonly SearchParam[]): number {
  return space.reduce((n, p) => n * gridValues(p).length, 1);
}

/** The grid's point number `index` (the last parameter varies fastest), or undefined past the end. */
export function gridPoint(space: readonly SearchParam[], index: number): Assignment | undefined {
  if (!Number.isInteger(index) || index < 0 || index >= gridSize(space)) return undefined;
  const out: Assignment = {};
  let rest = index;
  for (let i = space.length - 1; i >= 0; i--) {
    const values = gridValues(space[i]);
    out[space[i].name] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  return Object.fromEntries(space.map((p) => [p.name, out[p.name]]));
}

/** A point drawn uniformly (log-uniformly for sampling='log'); `uniform` gives numbers in [0, 1). */
export function randomPoint(space: readonly SearchParam[], uniform: () => number): Assignment {
  const out: Assignment = {};
  for (const p of space) out[p.name] = randomValue(p, uniform);
  return out;
}

function randomValue(p: SearchParam, uniform: () => number): HyperValue {
  switch (p.kind) {
    case 'choice':
      return p.values[Math.floor(uniform() * p.values.length)];
    case 'boolean':
      return uniform() < 0.5;
    case 'int': {
      if (p.sampling === 'reverse_log') return mirror(p, randomValue({ ...p, sampling: 'log' }, uniform) as number);
      const step = p.step ?? 1;
      if (p.sampling === 'log') {
        const v = Math.exp(Math.log(p.min) + uniform() * (Math.log(p.max + 1) - Math.log(p.min)));
        return Math.min(p.max, p.min + Math.floor((v - p.min) / step) * step);
      }
      const points = Math.floor((p.max - p.min) / step) + 1;
      return p.min + Math.floor(uniform() * points) * step;
    }
    case 'float': {
      if (p.sampling === 'reverse_log') return mirror(p, randomValue({ ...p, sampling: 'log' }, uniform) as number);
      const v =
        p.sampling === 'log'
          ? Math.exp(Math.log(p.min) + uniform() * (Math.log(p.max) - Math.log(p.min)))
          : p.min + uniform() * (p.max - p.min);
      if (p.step === undefined) return v;
      return Math.min(p.max, roundTo(p.min + Math.round((v - p.min) / p.step) * p.step, p.step));
    }
  }
}

/** v rounded to the decimals of `step` (0.1 + 0.2 prints as 0.3). */
function roundTo(v: number, step: number): number {
  const decimals = Math.min(15, Math.max(0, -Math.floor(Math.log10(step)) + 2));
  return Number(v.toFixed(decimals));
}
