// Keras 3 weight regularizers (a penalty added to the loss).

import { arg, float } from '../arg-types';
import type { RefEntry } from '../types';

export const REGULARIZERS: readonly RefEntry[] = [
  {
    name: 'l1',
    className: 'L1',
    doc: 'Adds l1 · sum(|w|) to the loss.',
    args: [arg('l1', float(0), 0.01, 'The L1 factor.')],
  },
  {
    name: 'l2',
    className: 'L2',
    doc: 'Adds l2 · sum(w²) to the loss (weight decay).',
    args: [arg('l2', float(0), 0.01, 'The L2 factor.')],
  },
  {
    name: 'l1_l2',
    className: 'L1L2',
    doc: 'Adds both penalties: l1 · sum(|w|) + l2 · sum(w²).',
    args: [arg('l1', float(0), 0.0, 'The L1 factor.'), arg('l2', float(0), 0.0, 'The L2 factor.')],
  },
];
