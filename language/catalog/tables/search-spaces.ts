// KerasTuner's search spaces (keras_tuner.HyperParameters.Choice/Int/Float/Boolean), as written in
// a .model file where a value goes. KerasTuner takes the name first; here it is the keyword name=
// (the default name comes from where the call stands), so the first positional arguments are the
// values or the bounds. The checker (analysis/search-space.ts), completion, hover and signature
// help read these records.

import { any, arg, bool, float, oneOf, optional, string } from '../arg-types';
import type { ArgSpec, CallableSpec } from '../types';

const name = arg(
  'name',
  optional(string),
  null,
  "The hyperparameter's name in trials.csv and best.json; None: where it stands, e.g. 'dense_1.units'. Spaces with the same name share one value.",
  { keywordOnly: true },
);
const sampling = arg(
  'sampling',
  oneOf('linear', 'log', 'reverse_log'),
  'linear',
  "How values are drawn between the bounds: 'linear' evenly, 'log' evenly in log scale (for learning rates; needs min_value > 0), 'reverse_log' dense near max_value.",
);
const defaultOf = (what: string): ArgSpec =>
  arg('default', any, null, `The value the file trains when it is not searched; None: ${what}.`, {
    keywordOnly: true,
  });

export const SEARCH_SPACES: readonly CallableSpec[] = [
  {
    name: 'Choice',
    doc: "One of the values written, e.g. Choice(32, 64, 128) or Choice('relu', 'tanh'): numbers, strings or booleans, all of one kind.",
    // The values are variadic (Choice(8, 16, 32)); `values=[...]` is KerasTuner's keyword form.
    args: [
      arg('values', any, null, 'The values to choose from (written one after another, or values=[...]).'),
      name,
      arg('ordered', optional(bool), null, 'Whether the values are ordered (numbers are, by default).', {
        keywordOnly: true,
      }),
      defaultOf('the first value'),
    ],
  },
  {
    name: 'Int',
    doc: 'An integer from min_value to max_value, both included, in steps of step, e.g. Int(32, 256, step=32).',
    args: [
      { name: 'min_value', type: float(), required: true, doc: 'The smallest value (included).' },
      {
        name: 'max_value',
        type: float(),
        required: true,
        doc: 'The largest value (included when a step lands on it).',
      },
      arg(
        'step',
        optional(float()),
        null,
        'The distance between values (None: 1); with log sampling, the factor between them.',
      ),
      sampling,
      name,
      defaultOf('min_value'),
    ],
  },
  {
    name: 'Float',
    doc: "A number from min_value to max_value, e.g. Float(1e-4, 1e-2, sampling='log') for a learning rate.",
    args: [
      { name: 'min_value', type: float(), required: true, doc: 'The smallest value.' },
      { name: 'max_value', type: float(), required: true, doc: 'The largest value.' },
      arg(
        'step',
        optional(float()),
        null,
        'A grid step (None: any value in between); with log sampling, the factor between values.',
      ),
      sampling,
      name,
      defaultOf('min_value'),
    ],
  },
  {
    name: 'Boolean',
    doc: 'True or False, e.g. use_bias=Boolean().',
    args: [name, defaultOf('False')],
  },
];
