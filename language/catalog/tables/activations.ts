// Activation functions by Keras name (for `activation=` and Activation()).

import type { NamedEntry } from '../types';

/**
 * Modules whose functions Keras code passes as `activation=` callables (`tf.nn.relu`,
 * `keras.activations.relu`): a bare dotted name under one of these means the activation of the
 * same name, as the callable computes the same function with Keras's defaults.
 */
export const ACTIVATION_MODULES: readonly string[] = [
  'keras.activations',
  'tf.keras.activations',
  'keras.src.activations',
  'activations',
  'tf.nn',
  'tf.math',
  'tf',
];

export const ACTIVATIONS: readonly NamedEntry[] = [
  { name: 'linear', doc: 'Identity: f(x) = x. What activation=None means.' },
  { name: 'relu', doc: 'Rectified linear unit: max(x, 0).' },
  { name: 'relu6', doc: 'relu capped at 6: min(max(x, 0), 6).' },
  { name: 'sigmoid', doc: '1 / (1 + exp(-x)), in (0, 1); the output for binary classification.' },
  { name: 'hard_sigmoid', doc: 'Piecewise-linear sigmoid: 0 below -3, 1 above 3, x/6 + 0.5 between.' },
  { name: 'softmax', doc: 'Exponentials normalised to sum to 1 over the last axis; the output for one-of-N classes.' },
  { name: 'softplus', doc: 'log(exp(x) + 1), a smooth relu.' },
  { name: 'softsign', doc: 'x / (|x| + 1).' },
  { name: 'tanh', doc: 'Hyperbolic tangent, in (-1, 1).' },
  { name: 'elu', doc: 'Exponential linear unit: x if x > 0 else exp(x) - 1.' },
  { name: 'selu', doc: 'Scaled elu (self-normalising); pair with lecun_normal.' },
  { name: 'swish', aliases: ['silu'], doc: 'x · sigmoid(x) (also called silu).' },
  { name: 'gelu', doc: 'Gaussian error linear unit: x · Φ(x).' },
  { name: 'mish', doc: 'x · tanh(softplus(x)).' },
  { name: 'exponential', doc: 'exp(x).' },
  // keras.activations.leaky_relu(x, negative_slope=0.2): the function's default, not the LeakyReLU layer's 0.3.
  {
    name: 'leaky_relu',
    doc: "Leaky relu with Keras's default negative_slope=0.2: x if x > 0 else 0.2·x. (The LeakyReLU layer defaults to 0.3.)",
  },
  // keras.activations.log_softmax(x, axis=-1).
  { name: 'log_softmax', doc: 'log(softmax(x)) over the last axis, computed stably as x - logsumexp(x).' },
];
