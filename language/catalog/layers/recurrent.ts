// Recurrent layers on (timesteps, features) inputs: SimpleRNN, LSTM, GRU; and ConvLSTM2D on
// sequences of images.
// Weights per layer, with F input features and u units (Keras's kernel, recurrent kernel, bias):
//   SimpleRNN: u·F + u·u + u        = u(u + F + 1)
//   LSTM:      4 gates of the same   = 4u(u + F + 1)
//   GRU:       3 gates; with reset_after=True (Keras's default) two biases per gate = 3u(u + F + 2)

import { arg, bool, fraction, int, intTuple, oneOfAnyCase, ref, required, seed } from '../arg-types';
import {
  activityRegularizerArg,
  constraintArg,
  dataFormatArg,
  HYPERPARAMETER,
  initializerArg,
  regularizerArg,
  useBiasArg,
} from '../common-args';
import type { ConvPadding } from '../conv-utils';
import { defineLayer } from '../define-layer';
import { knownDim } from '../shapes';
import { ShapeError, type ArgSpec, type LayerContext, type LayerSpec, type ParamCount } from '../types';
import { argBool, argNumber, argString, argTuple } from '../values';
import { slideWindow } from './windows';

const unitsArg = required(
  'units',
  int(1),
  'Dimensionality of the output space (size of the hidden state).',
  HYPERPARAMETER,
);

function activation(name: string, defaultValue: string, doc: string): ArgSpec {
  // Keras's recurrent activations may be None (linear); the union keeps that legal.
  return arg(name, { kind: 'union', of: [ref('activation'), { kind: 'none' }] }, defaultValue, doc);
}

function weightArgs(extra: ArgSpec[]): ArgSpec[] {
  return [
    useBiasArg,
    initializerArg('kernel_initializer', 'glorot_uniform', 'input kernel'),
    initializerArg('recurrent_initializer', 'orthogonal', 'recurrent kernel'),
    initializerArg('bias_initializer', 'zeros', 'bias vector'),
    ...extra,
    regularizerArg('kernel_regularizer', 'input kernel'),
    regularizerArg('recurrent_regularizer', 'recurrent kernel'),
    regularizerArg('bias_regularizer', 'bias vector'),
    activityRegularizerArg,
    constraintArg('kernel_constraint', 'input kernel'),
    constraintArg('recurrent_constraint', 'recurrent kernel'),
    constraintArg('bias_constraint', 'bias vector'),
    arg('dropout', fraction, 0.0, 'Fraction of the input units to drop, in [0, 1).'),
    arg('recurrent_dropout', fraction, 0.0, 'Fraction of the recurrent units to drop, in [0, 1).'),
  ];
}

const sequenceArgs: ArgSpec[] = [
  arg(
    'return_sequences',
    bool,
    false,
    'Return the output of every step (None, steps, units) instead of the last one (None, units).',
    HYPERPARAMETER,
  ),
  arg(
    'return_state',
    bool,
    false,
    'Also return the final state; a Sequential model cannot pass several tensors on, so only False works here.',
  ),
  arg('go_backwards', bool, false, 'Process the sequence backwards and return the reversed sequence.'),
  arg('stateful', bool, false, 'Carry the state from one batch to the next (needs a fixed batch_size).'),
  arg('unroll', bool, false, 'Unroll the loop: faster for short sequences, more memory.'),
];

/** (steps, units) with return_sequences, else (units). */
const recurrentOutput = (layer: string) => (ctx: LayerContext) => {
  const units = argNumber(ctx.args, 'units');
  if (ctx.args.return_state === true) {
    throw new ShapeError(
      'shape-mismatch',
      `${layer} with return_state=True returns its output and its states, which a Sequential model cannot pass on; remove return_state`,
    );
  }
  return argBool(ctx.args, 'return_sequences') ? [ctx.input[0], units] : [units];
};

/** gates · (u·F + u·u + biases·u), the shape of every Keras recurrent cell's weights. */
function gatedParams(layer: string, ctx: LayerContext, gates: number, biasesPerGate: number): ParamCount {
  const features = knownDim(layer, ctx.input, -1, 'feature axis');
  const u = argNumber(ctx.args, 'units');
  const bias = argBool(ctx.args, 'use_bias') ? biasesPerGate * u : 0;
  return { trainable: gates * (u * features + u * u + bias), nonTrainable: 0 };
}

export const SimpleRNN: LayerSpec = defineLayer({
  name: 'SimpleRNN',
  category: 'recurrent',
  doc: 'Fully-connected RNN: the output of each step is fed back as input to the next. Input (timesteps, features).',
  inputRanks: [2],
  args: [
    unitsArg,
    activation('activation', 'tanh', 'Activation of the output (default tanh).'),
    ...weightArgs([]),
    ...sequenceArgs,
    arg('seed', seed, null, 'Random seed for dropout.'),
  ],
  outputShape: recurrentOutput('SimpleRNN'),
  params: (ctx) => gatedParams('SimpleRNN', ctx, 1, 1),
});

export const LSTM: LayerSpec = defineLayer({
  name: 'LSTM',
  category: 'recurrent',
  doc: 'Long Short-Term Memory layer (Hochreiter 1997): four gates and a cell state. Input (timesteps, features).',
  inputRanks: [2],
  args: [
    unitsArg,
    activation('activation', 'tanh', 'Activation of the cell output (default tanh).'),
    activation('recurrent_activation', 'sigmoid', 'Activation of the gates (default sigmoid).'),
    ...weightArgs([arg('unit_forget_bias', bool, true, "Add 1 to the forget gate's bias at initialisation.")]),
    arg('seed', seed, null, 'Random seed for dropout.'),
    ...sequenceArgs,
  ],
  outputShape: recurrentOutput('LSTM'),
  params: (ctx) => gatedParams('LSTM', ctx, 4, 1),
});

export const GRU: LayerSpec = defineLayer({
  name: 'GRU',
  category: 'recurrent',
  // The PyTorch engine builds Keras 3's cuDNN variant only; modelspec_torch/layers_recurrent.py.
  argSupport: [{ arg: 'reset_after', only: true, targets: ['torch', 'onnx'] }],
  doc: "Gated Recurrent Unit (Cho et al. 2014): update and reset gates. Keras's default reset_after=True applies the reset gate after the matrix product (the cuDNN variant). Input (timesteps, features).",
  inputRanks: [2],
  args: [
    unitsArg,
    activation('activation', 'tanh', 'Activation of the candidate state (default tanh).'),
    activation('recurrent_activation', 'sigmoid', 'Activation of the gates (default sigmoid).'),
    ...weightArgs([]),
    arg('seed', seed, null, 'Random seed for dropout.'),
    ...sequenceArgs,
    arg(
      'reset_after',
      bool,
      true,
      "Apply the reset gate after the matrix product (True, Keras's default, with a second bias per gate).",
    ),
  ],
  outputShape: recurrentOutput('GRU'),
  params: (ctx) => gatedParams('GRU', ctx, 3, argBool(ctx.args, 'reset_after') ? 2 : 1),
});

/**
 * ConvLSTM2D (keras/src/layers/rnn/conv_lstm.py, conv_lstm2d.py): an LSTM whose input and
 * recurrent transformations are convolutions. Input (timesteps, rows, cols, channels); each step's
 * input convolution has the layer's strides, padding and dilation, the recurrent one stride 1 and
 * 'same'. Weights: kernel kh·kw·C·4f, recurrent kernel kh·kw·f·4f, bias 4f (gates i, f, c, o):
 * 4·(kh·kw·C·f + kh·kw·f·f + f).
 */
export const ConvLSTM2D: LayerSpec = defineLayer({
  name: 'ConvLSTM2D',
  category: 'recurrent',
  // The PyTorch script has no ConvLSTM module.
  unsupported: ['pytorch'],
  doc: 'Convolutional LSTM: an LSTM whose input and recurrent transformations are 2D convolutions, over a sequence of images. Input (timesteps, rows, cols, channels); output (rows, cols, filters), or every step with return_sequences.',
  inputRanks: [4],
  args: [
    required('filters', int(1), 'Number of output channels (filters) of each convolution.', HYPERPARAMETER),
    required(
      'kernel_size',
      intTuple(2),
      'Size of the convolution window: an integer or a tuple of 2 integers.',
      HYPERPARAMETER,
    ),
    arg('strides', intTuple(2), [1, 1], 'Step of the input convolution along rows and cols.'),
    arg(
      'padding',
      oneOfAnyCase('valid', 'same'),
      'valid',
      "Of the input convolution: 'valid' (no padding) or 'same' (output ceil(input / stride)); the recurrent one is always 'same'.",
    ),
    dataFormatArg,
    arg('dilation_rate', intTuple(2), [1, 1], 'Spacing between the kernel elements of the input convolution.'),
    activation('activation', 'tanh', 'Activation of the cell output (default tanh).'),
    activation('recurrent_activation', 'sigmoid', 'Activation of the gates (default sigmoid).'),
    ...weightArgs([arg('unit_forget_bias', bool, true, "Add 1 to the forget gate's bias at initialisation.")]),
    arg('seed', seed, null, 'Random seed for dropout.'),
    ...sequenceArgs.filter((a) => a.name !== 'unroll'),
  ],
  outputShape(ctx) {
    if (ctx.args.return_state === true) {
      throw new ShapeError(
        'shape-mismatch',
        'ConvLSTM2D with return_state=True returns its output and its states, which a Sequential model cannot pass on; remove return_state',
      );
    }
    const spatial = slideWindow(ctx.input.slice(1, 3), {
      layer: 'ConvLSTM2D',
      windowName: 'kernel_size',
      window: argTuple(ctx.args, 'kernel_size', 2),
      strides: argTuple(ctx.args, 'strides', 2),
      padding: argString(ctx.args, 'padding').toLowerCase() as ConvPadding,
      dilation: argTuple(ctx.args, 'dilation_rate', 2),
    });
    const out = [...spatial, argNumber(ctx.args, 'filters')];
    return argBool(ctx.args, 'return_sequences') ? [ctx.input[0], ...out] : out;
  },
  params(ctx) {
    const channels = knownDim('ConvLSTM2D', ctx.input, -1, 'channel axis');
    const f = argNumber(ctx.args, 'filters');
    const k = argTuple(ctx.args, 'kernel_size', 2).reduce((a, b) => a * b, 1);
    const bias = argBool(ctx.args, 'use_bias') ? f : 0;
    return { trainable: 4 * (k * channels * f + k * f * f + bias), nonTrainable: 0 };
  },
});

export const RECURRENT_LAYERS: readonly LayerSpec[] = [SimpleRNN, LSTM, GRU, ConvLSTM2D];
