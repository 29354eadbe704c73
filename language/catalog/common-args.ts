// Argument specs many layers share, with Keras's wording and defaults.

import { arg, bool, oneOfAnyCase, optional, ref } from './arg-types';
import type { ArgSpec } from './types';

/** The flag of arguments a hyperparameter search varies (ArgSpec.hyperparameter). */
export const HYPERPARAMETER = { hyperparameter: true } as const;

export function activationArg(defaultValue: string | null = null): ArgSpec {
  return arg(
    'activation',
    optional(ref('activation')),
    defaultValue,
    'Activation function applied to the output (None: linear).',
    HYPERPARAMETER,
  );
}

export const useBiasArg: ArgSpec = arg('use_bias', bool, true, 'Whether the layer adds a bias vector.');

/**
 * Only channels_last is supported (TensorFlow.js on CPU and this language's shapes assume it).
 * Keras's standardize_data_format lowercases the value, so 'CHANNELS_LAST' is accepted too.
 */
export const dataFormatArg: ArgSpec = arg(
  'data_format',
  optional(oneOfAnyCase('channels_last')),
  null,
  "Axis order: only 'channels_last' (height, width, channels) is supported; None means channels_last.",
);

export function initializerArg(name: string, defaultValue: string, what: string): ArgSpec {
  return arg(name, ref('initializer'), defaultValue, `Initializer for the ${what}.`);
}

export function regularizerArg(name: string, what: string): ArgSpec {
  return arg(name, optional(ref('regularizer')), null, `Regularizer applied to the ${what}.`);
}

export function constraintArg(name: string, what: string): ArgSpec {
  return arg(name, optional(ref('constraint')), null, `Constraint applied to the ${what} after each update.`);
}

export const activityRegularizerArg: ArgSpec = regularizerArg('activity_regularizer', 'layer output');

/**
 * The weight arguments of Dense and the convolutions, in Keras's order:
 * kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
 * activity_regularizer, kernel_constraint, bias_constraint.
 */
export function kernelBiasArgs(kernel = 'kernel'): ArgSpec[] {
  return [
    initializerArg(`${kernel}_initializer`, 'glorot_uniform', `${kernel} weights matrix`),
    initializerArg('bias_initializer', 'zeros', 'bias vector'),
    regularizerArg(`${kernel}_regularizer`, `${kernel} weights matrix`),
    regularizerArg('bias_regularizer', 'bias vector'),
    activityRegularizerArg,
    constraintArg(`${kernel}_constraint`, `${kernel} weights matrix`),
    constraintArg('bias_constraint', 'bias vector'),
  ];
}
