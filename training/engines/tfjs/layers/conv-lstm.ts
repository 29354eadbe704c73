// Keras's ConvLSTM2D on TF.js's: the same cell, weights and gates, but TF.js has no gradient for
// a dilated conv2d, so with dilation_rate > 1 the cell's input convolution runs the dilated
// kernel (rate-1 zeros between its taps, conv.ts's dilateKernel) with rate 1, as conv.ts does
// for the convolution layers.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { dilateKernel } from './conv';

interface CellFields {
  strides: [number, number];
  dilationRate: [number, number];
  inputConv(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, padding: string): tf.Tensor;
}
type ConvLSTMClass = new (args: object) => tfl.layers.Layer;
// TF.js exports the layer only through its factory; its class is the instance's constructor.
const TfjsConvLSTM2D = tfl.layers.convLstm2d({ filters: 1, kernelSize: 1 }).constructor as ConvLSTMClass;

export class KerasConvLSTM2D extends TfjsConvLSTM2D {
  static readonly className = 'ConvLSTM2D';

  constructor(args: object) {
    super(args);
    const cell = (this as unknown as { cell: CellFields }).cell;
    const rates = cell.dilationRate;
    if (rates.every((r) => r === 1)) return;
    cell.inputConv = (x, w, b, padding) => {
      const out = tf.conv2d(
        x as tf.Tensor4D,
        dilateKernel(w, rates) as tf.Tensor4D,
        cell.strides,
        (padding || 'valid') as 'valid' | 'same',
        'NHWC',
        1,
      );
      return b ? tf.add(out, b) : out;
    };
  }
}
