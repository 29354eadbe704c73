// Fits a source's sample shape to the model's input shape: any shape with the same number of
// values works (MNIST's 28×28×1 feeds Input(shape=(784,)) as well as (28, 28, 1)), as a reshape.

import { DataError } from '../../language/data/errors';
import type { Shape } from '../../language/catalog/types';

const show = (shape: readonly (number | null)[]) =>
  `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The sample shape to store x under, equal to the model's input with any None filled in. */
export function fitToInput(sampleShape: number[], inputShape: Shape, source: string): number[] {
  const values = product(sampleShape);
  const unknown = inputShape.filter((d) => d === null).length;
  const known = product(inputShape.filter((d): d is number => d !== null));
  if (unknown === 0 && known === values) return inputShape as number[];
  if (unknown === 1 && values % known === 0) return inputShape.map((d) => (d === null ? values / known : d));
  if (
    unknown > 1 &&
    inputShape.length === sampleShape.length &&
    inputShape.every((d, i) => d === null || d === sampleShape[i])
  ) {
    return sampleShape;
  }
  throw new DataError(
    'data-format',
    `${source} gives samples of shape ${show(sampleShape)} (${values} values) but the model's input is ` +
      `${show(inputShape)}${unknown === 0 ? ` (${known} values)` : ''}; ` +
      `change the input to Input(shape=${show(sampleShape)}) or another shape with ${values} values`,
  );
}
