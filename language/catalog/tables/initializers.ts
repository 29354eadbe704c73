// Keras 3 initializers: snake_case names, class names (for the JSON config) and their arguments.

import { arg, float, oneOf, seed } from '../arg-types';
import type { RefEntry } from '../types';

const seedArg = arg('seed', seed, null, 'Seed for the random generator (None: a different draw each run).');
const scaled = (name: string, className: string, doc: string): RefEntry => ({ name, className, doc, args: [seedArg] });

export const INITIALIZERS: readonly RefEntry[] = [
  scaled(
    'glorot_uniform',
    'GlorotUniform',
    'Uniform in [-l, l] with l = sqrt(6 / (fan_in + fan_out)); the Keras default for kernels.',
  ),
  scaled('glorot_normal', 'GlorotNormal', 'Truncated normal with stddev sqrt(2 / (fan_in + fan_out)).'),
  scaled('he_normal', 'HeNormal', 'Truncated normal with stddev sqrt(2 / fan_in); suits relu.'),
  scaled('he_uniform', 'HeUniform', 'Uniform in [-l, l] with l = sqrt(6 / fan_in); suits relu.'),
  scaled('lecun_normal', 'LecunNormal', 'Truncated normal with stddev sqrt(1 / fan_in); suits selu.'),
  scaled('lecun_uniform', 'LecunUniform', 'Uniform in [-l, l] with l = sqrt(3 / fan_in).'),
  { name: 'zeros', className: 'Zeros', aliases: ['zero'], doc: 'All zeros; the Keras default for biases.', args: [] },
  { name: 'ones', className: 'Ones', aliases: ['one'], doc: 'All ones.', args: [] },
  {
    name: 'random_normal',
    className: 'RandomNormal',
    aliases: ['normal'],
    doc: 'Normal distribution with the given mean and stddev.',
    args: [
      arg('mean', float(), 0.0, 'Mean of the values.'),
      arg('stddev', float(0), 0.05, 'Standard deviation of the values.'),
      seedArg,
    ],
  },
  {
    name: 'random_uniform',
    className: 'RandomUniform',
    aliases: ['uniform'],
    doc: 'Uniform distribution in [minval, maxval).',
    args: [arg('minval', float(), -0.05, 'Lower bound.'), arg('maxval', float(), 0.05, 'Upper bound.'), seedArg],
  },
  {
    name: 'truncated_normal',
    className: 'TruncatedNormal',
    doc: 'Normal distribution with values beyond two stddevs redrawn.',
    args: [
      arg('mean', float(), 0.0, 'Mean of the values.'),
      arg('stddev', float(0), 0.05, 'Standard deviation before truncation.'),
      seedArg,
    ],
  },
  {
    name: 'orthogonal',
    className: 'Orthogonal',
    doc: 'A random orthogonal matrix; the Keras default for recurrent kernels.',
    args: [arg('gain', float(), 1.0, 'Multiplicative factor.'), seedArg],
  },
  {
    name: 'constant',
    className: 'Constant',
    doc: 'Every value set to `value`.',
    args: [arg('value', float(), 0.0, 'The constant.')],
  },
  {
    name: 'variance_scaling',
    className: 'VarianceScaling',
    doc: 'Scale-aware random values; the family Glorot, He and LeCun belong to.',
    args: [
      arg('scale', float(0, undefined, { minExclusive: true }), 1.0, 'Scaling factor.'),
      arg('mode', oneOf('fan_in', 'fan_out', 'fan_avg'), 'fan_in', 'Which fan the variance divides by.'),
      arg(
        'distribution',
        oneOf('truncated_normal', 'untruncated_normal', 'uniform'),
        'truncated_normal',
        'Distribution to draw from.',
      ),
      seedArg,
    ],
  },
];
