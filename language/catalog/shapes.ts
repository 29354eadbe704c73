// Shape helpers shared by the layer rules: printing shapes the way Keras prints them, and the
// rank check every layer runs before its own rule.

import { ShapeError, type Shape } from './types';

/** `(None, 26, 26, 32)`: a shape with Keras's batch axis in front. */
export function formatShape(shape: Shape): string {
  return formatTuple([null, ...shape]);
}

/** `(5, 5)`, `(3,)`, `(None, 7)`: a tuple as Python prints it. */
export function formatTuple(values: readonly (number | null)[]): string {
  const items = values.map((v) => (v === null ? 'None' : String(v)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** `5×5`, `3×3×3`, `28`: spatial sizes in messages. */
export function formatSizes(values: readonly (number | null)[]): string {
  return values.map((v) => (v === null ? 'None' : String(v))).join('×');
}

/** The element count of a shape, or null when any dimension is unknown. */
export function product(shape: readonly (number | null)[]): number | null {
  let n = 1;
  for (const d of shape) {
    if (d === null) return null;
    n *= d;
  }
  return n;
}

/** A dimension a rule needs to know (for weights), or a 'shape-unknown' error naming it. */
export function knownDim(layer: string, input: Shape, axis: number, what: string): number {
  const d = input[axis < 0 ? input.length + axis : axis];
  if (d === null || d === undefined) {
    throw new ShapeError(
      'shape-unknown',
      `${layer} needs to know the ${what} of its input to create its weights, but the input ${formatShape(input)} leaves it as None; give the input shape a fixed size there`,
    );
  }
  return d;
}

/** What each accepted rank means, for rank messages. */
const AXIS_NAMES: Record<number, string> = {
  1: '(features)',
  2: '(steps, features)',
  3: '(height, width, channels)',
  4: '(depth, height, width, channels)',
};

/**
 * Throws 'shape-rank' unless the input's rank (without batch) is accepted. `ranks` lists exact
 * ranks; `minRank` accepts any rank from there up.
 */
export function checkRank(layer: string, input: Shape, ranks?: readonly number[], minRank = 1): void {
  const rank = input.length;
  if (ranks ? ranks.includes(rank) : rank >= minRank) return;
  let expected: string;
  if (ranks && ranks.length === 1) {
    const axes = AXIS_NAMES[ranks[0]];
    expected = `a rank-${ranks[0]} input${axes ? ` ${axes}` : ''} after the batch axis`;
  } else if (ranks) {
    expected = `an input of rank ${ranks.join(' or ')} after the batch axis`;
  } else {
    expected = `an input of rank ${minRank} or more after the batch axis`;
  }
  const wanted = ranks ? Math.max(...ranks) : minRank;
  const fix =
    rank < wanted
      ? `Add ${reshapeHint(input, wanted)}`
      : wanted === 1
        ? 'Insert Flatten()'
        : `Add a Reshape to rank ${wanted}`;
  // The fix leads: the Problems panel and a narrow hover cut a message at its end.
  throw new ShapeError(
    'shape-rank',
    `${fix} before ${layer}: it expects ${expected}, but gets ${formatShape(input)} of rank ${rank}`,
  );
}

/** A Reshape that raises the rank: (784,) to (28, 28, 1) for images, else trailing 1s. */
function reshapeHint(input: Shape, wanted: number): string {
  const n = input.length === 1 ? input[0] : null;
  const side = n === null ? 0 : Math.round(Math.sqrt(n));
  if (n !== null && wanted === 3 && side * side === n) return `Reshape((${side}, ${side}, 1))`;
  if (input.every((d) => d !== null))
    return `Reshape(${formatTuple([...(input as number[]), ...Array<number>(wanted - input.length).fill(1)])})`;
  return `a Reshape to rank ${wanted}`;
}

/** Python-style axis normalisation for axes that count the batch axis (axis=-1 is the last). */
export function normalizeAxis(layer: string, axis: number, input: Shape): number {
  const full = input.length + 1; // with batch
  const a = axis < 0 ? axis + full : axis;
  if (a < 1 || a >= full) {
    throw new ShapeError(
      'shape-rank',
      `${layer} axis ${axis} is out of range for the input ${formatShape(input)}; use an axis from 1 to ${full - 1} or -1 for the last`,
    );
  }
  return a - 1; // index into the shape without batch
}
