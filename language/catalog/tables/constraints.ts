// Keras 3 weight constraints (a projection applied after each update).

import { arg, float, int } from '../arg-types';
import type { RefEntry } from '../types';

const axisArg = arg('axis', int(), 0, "Axis along which norms are computed (0 for a Dense kernel's input axis).");

export const CONSTRAINTS: readonly RefEntry[] = [
  {
    name: 'max_norm',
    className: 'MaxNorm',
    doc: 'Rescales weights whose norm exceeds max_value.',
    args: [arg('max_value', float(0), 2, 'The largest norm allowed.'), axisArg],
  },
  { name: 'non_neg', className: 'NonNeg', doc: 'Sets negative weights to zero.', args: [] },
  { name: 'unit_norm', className: 'UnitNorm', doc: 'Rescales weights to unit norm.', args: [axisArg] },
  {
    name: 'min_max_norm',
    className: 'MinMaxNorm',
    doc: 'Keeps weight norms between min_value and max_value.',
    args: [
      arg('min_value', float(0), 0.0, 'The smallest norm allowed.'),
      arg('max_value', float(0), 1.0, 'The largest norm allowed.'),
      arg('rate', float(0, 1), 1.0, 'How far to move toward the range per step (1.0: all the way).'),
      axisArg,
    ],
  },
];
