// Keras 3 optimizers with their defaults. Keras 2's `lr` is accepted for learning_rate.
// Written as a call (Adam(learning_rate=1e-3)) or as a name ('adam', any case).

import { arg, bool, float } from '../arg-types';
import type { ArgSpec, ArgValue, RefEntry } from '../types';

const on = (v: ArgValue | undefined): boolean => (typeof v === 'number' ? v > 0 : v === true);

const positive = float(0, undefined, { minExclusive: true });
const learningRate = (value: number): ArgSpec =>
  arg('learning_rate', positive, value, 'Step size of each update.', { deprecatedAliases: ['lr'] });
const epsilon = arg('epsilon', positive, 1e-7, 'Small constant for numerical stability.');
const beta1 = arg(
  'beta_1',
  float(0, 1, { maxExclusive: true }),
  0.9,
  'Decay rate of the first-moment (mean) estimates.',
);
const beta2 = arg(
  'beta_2',
  float(0, 1, { maxExclusive: true }),
  0.999,
  'Decay rate of the second-moment (variance) estimates.',
);

export const OPTIMIZERS: readonly RefEntry[] = [
  {
    name: 'SGD',
    className: 'SGD',
    slots: (a) => (on(a.momentum) ? 1 : 0),
    aliases: ['sgd'],
    doc: 'Stochastic gradient descent, with optional momentum and Nesterov momentum.',
    args: [
      learningRate(0.01),
      arg('momentum', float(0), 0.0, 'Accelerates descent in the relevant direction and dampens oscillations.'),
      arg('nesterov', bool, false, 'Use Nesterov momentum.'),
    ],
  },
  {
    name: 'RMSprop',
    className: 'RMSprop',
    slots: (a) => 1 + (on(a.momentum) ? 1 : 0) + (on(a.centered) ? 1 : 0),
    aliases: ['rmsprop'],
    doc: 'Divides the gradient by a moving average of its recent magnitude.',
    args: [
      learningRate(0.001),
      arg('rho', float(0, 1), 0.9, 'Discount factor of the moving average of squared gradients.'),
      arg('momentum', float(0), 0.0, 'Momentum.'),
      epsilon,
      arg('centered', bool, false, 'Normalise by the estimated variance of the gradient instead of its second moment.'),
    ],
  },
  {
    name: 'Adam',
    className: 'Adam',
    slots: (a) => (on(a.amsgrad) ? 3 : 2),
    aliases: ['adam'],
    doc: 'Adaptive moment estimation: per-weight step sizes from running means of the gradient and its square.',
    args: [learningRate(0.001), beta1, beta2, epsilon, arg('amsgrad', bool, false, 'Use the AMSGrad variant.')],
  },
  {
    name: 'Adadelta',
    className: 'Adadelta',
    slots: () => 2,
    aliases: ['adadelta'],
    doc: 'Adapts step sizes from a moving window of updates. Keras 3 defaults learning_rate to 0.001; the classic setting is 1.0.',
    args: [learningRate(0.001), arg('rho', float(0, 1), 0.95, 'Decay rate.'), epsilon],
  },
  {
    name: 'Adagrad',
    className: 'Adagrad',
    slots: () => 1,
    aliases: ['adagrad'],
    doc: 'Per-weight step sizes that shrink with how often a weight is updated.',
    args: [
      learningRate(0.001),
      arg('initial_accumulator_value', float(0), 0.1, 'Starting value of the accumulators.'),
      epsilon,
    ],
  },
  {
    name: 'Adamax',
    className: 'Adamax',
    slots: () => 2,
    aliases: ['adamax'],
    doc: 'A variant of Adam based on the infinity norm.',
    args: [learningRate(0.001), beta1, beta2, epsilon],
  },
  {
    name: 'Nadam',
    className: 'Nadam',
    slots: () => 2,
    aliases: ['nadam'],
    doc: 'Adam with Nesterov momentum.',
    args: [learningRate(0.001), beta1, beta2, epsilon],
  },
];
