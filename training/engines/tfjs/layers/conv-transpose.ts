// Keras's Conv1DTranspose, Conv2DTranspose and Conv3DTranspose (base_conv_transpose.py), channels_last.
// TF.js has no Conv1DTranspose, and its 2D/3D layers ignore output_padding and dilation_rate. Keras
// (TF backend) runs tf.nn.conv_transpose with the output size of conv_utils.deconv_output_length;
// that equals the full transposed convolution of the dilated kernel — (in-1)·stride + dilated
// kernel long — cropped by TF's padding before (its 'same' padding of the forward convolution, the
// odd one after) and zero-extended at the end where the output is longer (output_padding, or a
// kernel shorter than the stride). This layer computes exactly that with ops that have gradients
// on every backend: conv2dTranspose/conv3dTranspose with 'valid' padding, slice and pad.
// 1D runs as 2D on a height-1 image. Weights are Keras's: kernel (k1…kN, filters, channels), bias.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { deconvOutputLength, type ConvPadding } from '../../../../language/catalog/conv-utils';
import { dilateKernel } from './conv';
import { required } from './required';

type Kwargs = Record<string, unknown>;
interface ConvFields {
  rank: number;
  filters: number;
  kernelSize: number[];
  strides: number[];
  padding: string;
  dilationRate: number[] | number;
  kernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  useBias: boolean;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
  kernelInitializer: unknown;
  kernelRegularizer: unknown;
  kernelConstraint: unknown;
  biasInitializer: unknown;
  biasRegularizer: unknown;
  biasConstraint: unknown;
  dataFormat: string;
  addWeight(...args: unknown[]): tfl.LayerVariable;
}
type ConvClass = new (args: object) => tfl.layers.Layer;

/** Keras's int | tuple argument as one number per axis. */
function perAxis(value: unknown, rank: number): number[] {
  if (Array.isArray(value)) return value.length === 1 ? Array<number>(rank).fill(Number(value[0])) : value.map(Number);
  return Array<number>(rank).fill(Number(value));
}

function kerasConvTranspose(Base: ConvClass, className: string, rank: 1 | 2 | 3) {
  return class extends Base {
    static readonly className = className;
    private readonly outputPadding: number[] | null;
    private readonly rates: number[];

    constructor(args: Kwargs) {
      // TF.js's base checks padding and reads the kernel arguments; dilation is applied here.
      super({ ...args, dilationRate: 1 });
      const op = args['outputPadding'];
      this.outputPadding = op == null ? null : perAxis(op, rank);
      this.rates = perAxis(required(className, args, 'dilationRate'), rank);
    }

    private get f(): ConvFields {
      return this as unknown as ConvFields;
    }

    override build(inputShape: tfl.Shape | tfl.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
      const channels = shape[shape.length - 1];
      if (channels == null) throw new Error(`${className}: the channel axis of the input must be known`);
      const f = this.f;
      f.kernel = f.addWeight(
        'kernel',
        [...f.kernelSize, f.filters, channels],
        'float32',
        f.kernelInitializer,
        f.kernelRegularizer,
        true,
        f.kernelConstraint,
      );
      f.bias = f.useBias
        ? f.addWeight('bias', [f.filters], 'float32', f.biasInitializer, f.biasRegularizer, true, f.biasConstraint)
        : null;
      this.built = true;
    }

    private lengths(spatial: (number | null)[]): (number | null)[] {
      const f = this.f;
      return spatial.map((n, i) =>
        deconvOutputLength(
          n,
          f.kernelSize[i]!,
          f.padding as ConvPadding,
          this.outputPadding?.[i] ?? null,
          f.strides[i]!,
          this.rates[i]!,
        ),
      );
    }

    override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
      return [shape[0]!, ...this.lengths(shape.slice(1, 1 + rank)), this.f.filters];
    }

    override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
      return tf.tidy(() => {
        const f = this.f;
        const x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const spatial = x.shape.slice(1, 1 + rank);
        const kernel = dilateKernel(f.kernel.read(), this.rates);
        const eff = kernel.shape.slice(0, rank);
        const full = spatial.map((n, i) => (n - 1) * f.strides[i]! + eff[i]!);
        const batch = x.shape[0]!;
        let y: tf.Tensor;
        if (rank === 1) {
          y = tf.conv2dTranspose(
            tf.expandDims(x, 1) as tf.Tensor4D,
            tf.expandDims(kernel, 0) as tf.Tensor4D,
            [batch, 1, full[0]!, f.filters],
            [1, f.strides[0]!],
            'valid',
          );
          y = tf.squeeze(y, [1]);
        } else if (rank === 2) {
          y = tf.conv2dTranspose(
            x as tf.Tensor4D,
            kernel as tf.Tensor4D,
            [batch, full[0]!, full[1]!, f.filters],
            f.strides as [number, number],
            'valid',
          );
        } else {
          // On wasm this kernel runs on the cpu backend (engines/tfjs/kernels/index.ts).
          y = tf.conv3dTranspose(
            x as tf.Tensor5D,
            kernel as tf.Tensor5D,
            [batch, full[0]!, full[1]!, full[2]!, f.filters],
            f.strides as [number, number, number],
            'valid',
          );
        }
        // TF's crop of the full output: 'same' starts at its forward padding's before-half.
        const targets = this.lengths(spatial) as number[];
        const starts = targets.map((t, i) => (f.padding === 'same' ? Math.floor(Math.max(full[i]! - t, 0) / 2) : 0));
        const kept = targets.map((t, i) => Math.min(t, full[i]! - starts[i]!));
        y = tf.slice(y, [0, ...starts, 0], [batch, ...kept, f.filters]);
        if (kept.some((k, i) => k < targets[i]!)) {
          y = tf.pad(y, [[0, 0], ...kept.map((k, i): [number, number] => [0, targets[i]! - k]), [0, 0]]);
        }
        if (f.bias) y = tf.add(y, f.bias.read());
        return f.activation ? f.activation.apply(y) : y;
      });
    }

    override getConfig(): tf.serialization.ConfigDict {
      const config = super.getConfig();
      config['dilationRate'] = this.rates;
      config['outputPadding'] = this.outputPadding;
      return config;
    }
  };
}

/**
 * tfjs-core registers no gradient for Conv3DBackpropInputV2 (conv3dTranspose), so Conv3DTranspose
 * could not train. y = conv3dᵀ(a; W) is the adjoint of conv3d, so as for tfjs-core's
 * Conv2DBackpropInput gradient: da = conv3d(dy, W) and dW = Conv3DBackpropFilterV2(x=dy, dy=a).
 */
export function registerConv3DTransposeGradient(): void {
  if (tf.getGradient('Conv3DBackpropInputV2')) return;
  tf.registerGradient({
    kernelName: 'Conv3DBackpropInputV2',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (g, saved, attrs) => {
      const [a, filter] = saved as [tf.Tensor5D, tf.Tensor5D];
      const { strides, pad } = attrs as unknown as { strides: [number, number, number]; pad: 'valid' | 'same' };
      const dy = (Array.isArray(g) ? g[0]! : g) as tf.Tensor5D;
      return {
        dy: () => tf.conv3d(dy, filter, strides, pad),
        filter: () =>
          tf.engine().runKernel('Conv3DBackpropFilterV2', { x: dy, dy: a }, {
            strides,
            pad,
            filterShape: filter.shape,
          } as unknown as tf.NamedAttrMap) as tf.Tensor,
      };
    },
  });
}

// TF.js exports these layers only through their factories; each class is an instance's constructor.
const classOf = (layer: tfl.layers.Layer) => layer.constructor as ConvClass;

export const CONV_TRANSPOSE_LAYERS = [
  // Conv1D's base reads one kernel size, stride and rate; build() above makes the transposed kernel.
  kerasConvTranspose(classOf(tfl.layers.conv1d({ filters: 1, kernelSize: 1 })), 'Conv1DTranspose', 1),
  kerasConvTranspose(classOf(tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 1 })), 'Conv2DTranspose', 2),
  kerasConvTranspose(classOf(tfl.layers.conv3dTranspose({ filters: 1, kernelSize: 1 })), 'Conv3DTranspose', 3),
];
