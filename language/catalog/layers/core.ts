// Core layers: Input, Dense, Activation, Dropout, Embedding, Masking.

import { arg, bool, float, fraction, int, oneOf, optional, ref, required, seed, shape, string } from '../arg-types';
import {
  activationArg,
  activityRegularizerArg,
  constraintArg,
  HYPERPARAMETER,
  initializerArg,
  kernelBiasArgs,
  regularizerArg,
  useBiasArg,
} from '../common-args';
import { defineLayer } from '../define-layer';
import { knownDim } from '../shapes';
import { argBool, argNumber, toShape } from '../values';
import type { LayerSpec } from '../types';

/** The dtypes Keras's Input takes that a sample of numbers can carry (keras.backend's int and float names). */
const INPUT_DTYPES = [
  'float32',
  'float16',
  'bfloat16',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
];

export const Input: LayerSpec = defineLayer({
  name: 'Input',
  category: 'input',
  doc: 'Declares the model input: its shape per sample, without the batch axis, e.g. Input(shape=(28, 28, 1)).',
  baseArgs: false,
  minInputRank: 0, // Input has no input of its own
  kerasName: 'input_layer',
  args: [
    required('shape', shape, 'Shape of one sample without the batch axis, e.g. (28, 28, 1) or (784,).'),
    arg('batch_size', optional(int(1)), null, 'A fixed batch size (None: any).'),
    arg(
      'dtype',
      optional(oneOf(...INPUT_DTYPES)),
      null,
      "The input dtype (default float32), e.g. 'int64' for token ids as in keras.io's text examples. TensorFlow.js has no int64 or float64: it feeds integer inputs as int32 and float inputs as float32.",
    ),
    arg('sparse', optional(bool), null, 'Whether the input is a sparse tensor (not supported for training).'),
    arg('name', optional(string), null, "The input's name."),
  ],
  outputShape: (ctx) => toShape(ctx.args.shape),
  toKeras: (ctx, name) => ({
    class_name: 'InputLayer',
    config: {
      batch_input_shape: [ctx.args.batch_size ?? null, ...toShape(ctx.args.shape)],
      dtype: typeof ctx.args.dtype === 'string' ? ctx.args.dtype : 'float32',
      sparse: ctx.args.sparse === true,
      name,
    },
  }),
});

export const Dense: LayerSpec = defineLayer({
  name: 'Dense',
  category: 'core',
  doc: 'Densely-connected layer: output = activation(dot(input, kernel) + bias). On inputs of rank above 1 it applies to the last axis.',
  args: [
    required('units', int(1), 'Dimensionality of the output space (number of neurons).', HYPERPARAMETER),
    activationArg(),
    useBiasArg,
    ...kernelBiasArgs(),
  ],
  // Keras applies Dense to the last axis: (None, 26, 26, 1) -> (None, 26, 26, units).
  outputShape: (ctx) => [...ctx.input.slice(0, -1), argNumber(ctx.args, 'units')],
  params(ctx) {
    const features = knownDim('Dense', ctx.input, -1, 'last axis');
    const units = argNumber(ctx.args, 'units');
    return { trainable: features * units + (argBool(ctx.args, 'use_bias') ? units : 0), nonTrainable: 0 };
  },
});

export const Activation: LayerSpec = defineLayer({
  name: 'Activation',
  category: 'core',
  doc: "Applies an activation function to its input: Activation('relu').",
  args: [
    required('activation', ref('activation'), "The activation function, e.g. 'relu' or 'softmax'.", HYPERPARAMETER),
  ],
  outputShape: (ctx) => ctx.input,
});

export const Dropout: LayerSpec = defineLayer({
  name: 'Dropout',
  category: 'regularization',
  doc: 'Sets a fraction `rate` of inputs to 0 during training and scales the rest by 1/(1 - rate); does nothing at inference.',
  args: [
    required('rate', fraction, 'Fraction of the inputs to drop, in [0, 1).', HYPERPARAMETER),
    arg(
      'noise_shape',
      optional(shape),
      null,
      "Shape of the binary dropout mask (to share it across axes); None: the input's shape.",
    ),
    arg('seed', seed, null, 'Random seed.'),
  ],
  outputShape: (ctx) => ctx.input,
});

export const Embedding: LayerSpec = defineLayer({
  name: 'Embedding',
  category: 'core',
  doc: 'Turns integer indices in [0, input_dim) into dense vectors of size output_dim; the usual first layer for text.',
  args: [
    required('input_dim', int(1), 'Size of the vocabulary: the largest index plus one.'),
    required('output_dim', int(1), 'Size of each embedding vector.', HYPERPARAMETER),
    initializerArg('embeddings_initializer', 'uniform', 'embeddings matrix'),
    regularizerArg('embeddings_regularizer', 'embeddings matrix'),
    constraintArg('embeddings_constraint', 'embeddings matrix'),
    arg('mask_zero', bool, false, 'Whether index 0 is padding to be masked out for later layers.'),
    { ...activityRegularizerArg, keywordOnly: true },
    // Keras 3's Embedding.__init__ pops input_length and warns "Argument `input_length` is deprecated. Just remove it."
    arg(
      'input_length',
      optional(int(1)),
      null,
      'Keras 2 only: the sequence length. Keras 3 ignores it; give the input shape with Input(shape=(length,)).',
      {
        keywordOnly: true,
        ignoredByKeras3:
          'give the sequence length as the model input instead, e.g. Input(shape=(LENGTH,)) as the first line',
      },
    ),
  ],
  configOmits: ['input_length'], // Keras 3 no longer writes it; the input shape carries it
  outputShape: (ctx) => [...ctx.input, argNumber(ctx.args, 'output_dim')],
  params: (ctx) => ({
    trainable: argNumber(ctx.args, 'input_dim') * argNumber(ctx.args, 'output_dim'),
    nonTrainable: 0,
  }),
});

// keras/src/layers/core/masking.py: a timestep (a position along every axis but the last) whose
// values all equal mask_value is masked: its output is zeros, and the recurrent layers after it
// skip it (their state and output stay those of the previous step). Both engines carry the mask
// through the layers Keras lets it through (Dense, activations, dropout, noise, LayerNormalization,
// GroupNormalization, ActivityRegularization) to SimpleRNN, LSTM, GRU and Bidirectional.
export const Masking: LayerSpec = defineLayer({
  name: 'Masking',
  category: 'core',
  // The PyTorch script has no masks: its recurrent layers would read the padding.
  unsupported: ['pytorch'],
  doc: 'Masks the timesteps whose features all equal mask_value (e.g. zero padding): they become zeros, and the recurrent layers after it skip them, keeping their state and output from the previous step. Input (timesteps, features).',
  minInputRank: 2,
  args: [arg('mask_value', float(), 0.0, 'The value that marks a padded timestep (all its features equal it).')],
  outputShape: (ctx) => ctx.input,
});

export const CORE_LAYERS: readonly LayerSpec[] = [Input, Dense, Activation, Dropout, Embedding, Masking];
