// Keras convolutions where TF.js's layers fall short:
// - dilation_rate > 1: TF.js has no gradients for dilated convolutions, and its DepthwiseConv2D
//   and Conv2DTranspose ignore the rate. Keras's dilated kernel equals the kernel with rate-1
//   zeros between its taps, so the layer runs that kernel (built from the weights on each call,
//   with ops that have gradients) with rate 1.
// - Conv1D padding='causal' (pad dilation·(kernel-1) steps on the left, then 'valid'): TF.js
//   accepts the setting, computes a 'valid' output shape and throws NotImplementedError on call.
// - Conv2D groups: TF.js ignores it and builds a full convolution (KerasConv2D below).
// The layer's fields are swapped for the duration of TF.js's own computeOutputShape and call,
// so the weights, their names and the saved model stay TF.js's own.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Kwargs = Record<string, unknown>;
type Readable = { read(): tf.Tensor };
interface ConvFields {
  padding: string;
  kernelSize: number[];
  dilationRate: number[] | number;
  [kernel: string]: unknown;
}
type ConvLayer = tfl.layers.Layer & { call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] };
type ConvClass = new (args: object) => ConvLayer;

/** `kernel` with rate-1 zeros between its taps along its first rates.length axes. */
export function dilateKernel(kernel: tf.Tensor, rates: readonly number[]): tf.Tensor {
  return rates.reduce((k, rate, axis) => {
    if (rate === 1) return k;
    const taps = k.shape[axis]!;
    // (…, taps, …) -> (…, taps, rate, …) with rate-1 zeros after each tap -> (…, taps·rate, …), cut to (taps-1)·rate+1.
    const expanded = tf.expandDims(k, axis + 1);
    const spaced = tf.pad(
      expanded,
      expanded.shape.map((_, i): [number, number] => (i === axis + 1 ? [0, rate - 1] : [0, 0])),
    );
    const flat = tf.reshape(
      spaced,
      k.shape.map((d, i) => (i === axis ? taps * rate : d)),
    );
    return tf.slice(
      flat,
      k.shape.map(() => 0),
      k.shape.map((d, i) => (i === axis ? (taps - 1) * rate + 1 : d)),
    );
  }, kernel);
}

/** A TF.js convolution class with Keras's dilation and causal padding; `kernels`: its dilated weights' fields. */
function kerasConv(Base: ConvClass, className: string, kernels: readonly string[]) {
  return class extends Base {
    static readonly className = className;

    private get fields(): ConvFields {
      return this as unknown as ConvFields;
    }

    private rates(): number[] {
      const d = this.fields.dilationRate;
      return Array.isArray(d) ? d : this.fields.kernelSize.map(() => d);
    }

    /** Runs `fn` with the effective (dilated) kernel size, rate 1 and the padding given. */
    private swapped<T>(padding: string, dilated: Map<string, Readable> | undefined, fn: () => T): T {
      const f = this.fields;
      const saved = {
        padding: f.padding,
        kernelSize: f.kernelSize,
        dilationRate: f.dilationRate,
        kernels: kernels.map((k) => f[k]),
      };
      const rates = this.rates();
      f.padding = padding;
      f.kernelSize = f.kernelSize.map((k, i) => (k - 1) * rates[i]! + 1);
      f.dilationRate = Array.isArray(f.dilationRate) ? rates.map(() => 1) : 1;
      for (const [name, value] of dilated ?? []) f[name] = value;
      try {
        return fn();
      } finally {
        f.padding = saved.padding;
        f.kernelSize = saved.kernelSize;
        f.dilationRate = saved.dilationRate;
        kernels.forEach((k, i) => (f[k] = saved.kernels[i]));
      }
    }

    private needed(): boolean {
      return this.fields.padding === 'causal' || this.rates().some((r) => r !== 1);
    }

    override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
      if (!this.needed()) return super.computeOutputShape(inputShape);
      // Causal keeps the length before striding, as 'same' does.
      const padding = this.fields.padding === 'causal' ? 'same' : this.fields.padding;
      return this.swapped(padding, undefined, () => super.computeOutputShape(inputShape));
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
      if (!this.needed()) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        let x = Array.isArray(inputs) ? inputs[0]! : inputs;
        const rates = this.rates();
        const causal = this.fields.padding === 'causal';
        if (causal)
          x = tf.pad(x, [
            [0, 0],
            [rates[0]! * (this.fields.kernelSize[0]! - 1), 0],
            [0, 0],
          ]);
        const dilated = new Map<string, Readable>();
        for (const name of kernels) {
          const kernel = dilateKernel((this.fields[name] as Readable).read(), rates);
          dilated.set(name, { read: () => kernel });
        }
        return this.swapped(causal ? 'valid' : this.fields.padding, dilated, () => super.call(x, kwargs));
      });
    }
  };
}

// TF.js exports these layers only through their factories; each class is an instance's constructor.
const classOf = (layer: tfl.layers.Layer) => layer.constructor as ConvClass;

interface GroupedFields {
  kernel: Readable;
  bias: Readable | null;
  strides: number[];
  padding: 'same' | 'valid';
  kernelSize: number[];
  dilationRate: number[] | number;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

const Conv2DBase = kerasConv(classOf(tfl.layers.conv2d({ filters: 1, kernelSize: 1 })), 'Conv2D', ['kernel']);

/**
 * Keras's Conv2D `groups`, which TF.js lacks (ConvNeXt's 7×7 Conv2D(groups=channels)). The kernel
 * is Keras's (kh, kw, C/groups, filters): group i convolves its C/groups channels with its
 * filters/groups filters, and the outputs are concatenated in group order. One channel per group
 * runs as one depthwise convolution (its output channels come in the same order).
 */
export class KerasConv2D extends Conv2DBase {
  static override readonly className = 'Conv2D';
  /** Keras's groups when above one; undefined for an ungrouped convolution (also a config TF.js saved, which has no groups). */
  private readonly groups: number | undefined;

  constructor(args: object & { groups?: number }) {
    super(args);
    this.groups = typeof args.groups === 'number' && args.groups > 1 ? args.groups : undefined;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (this.groups === undefined) return super.build(inputShape);
    const shape = inputShape as number[];
    const channels = shape[shape.length - 1]!;
    // TF.js sizes the kernel by the input's channels: build it for one group's, then take the whole input.
    super.build([...shape.slice(0, -1), channels / this.groups]);
    this.inputSpec = [{ ndim: 4, axes: { [-1]: channels } }];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const groups = this.groups;
    if (groups === undefined) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      const f = this as unknown as GroupedFields;
      const d = f.dilationRate;
      const kernel = dilateKernel(f.kernel.read(), Array.isArray(d) ? d : f.kernelSize.map(() => d)) as tf.Tensor4D;
      const [kh, kw, perGroup, filters] = kernel.shape;
      const strides = f.strides as [number, number];
      let y: tf.Tensor;
      if (perGroup === 1) {
        const depthwise = tf.reshape(kernel, [kh, kw, groups, filters / groups]) as tf.Tensor4D;
        y = tf.depthwiseConv2d(x, depthwise, strides, f.padding);
      } else {
        const xs = tf.split(x, groups, 3) as tf.Tensor4D[];
        const ks = tf.split(kernel, groups, 3) as tf.Tensor4D[];
        y = tf.concat(
          xs.map((xi, i) => tf.conv2d(xi, ks[i]!, strides, f.padding)),
          3,
        );
      }
      if (f.bias) y = tf.add(y, f.bias.read());
      return f.activation ? f.activation.apply(y) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return this.groups === undefined ? super.getConfig() : { ...super.getConfig(), groups: this.groups };
  }
}

export const CONV_LAYERS = [
  kerasConv(classOf(tfl.layers.conv1d({ filters: 1, kernelSize: 1 })), 'Conv1D', ['kernel']),
  KerasConv2D,
  kerasConv(classOf(tfl.layers.conv3d({ filters: 1, kernelSize: 1 })), 'Conv3D', ['kernel']),
  kerasConv(classOf(tfl.layers.depthwiseConv2d({ kernelSize: 1 })), 'DepthwiseConv2D', ['depthwiseKernel']),
  kerasConv(classOf(tfl.layers.separableConv2d({ filters: 1, kernelSize: 1 })), 'SeparableConv2D', ['depthwiseKernel']),
];

interface SeparableFields {
  kernelSize: number[];
  strides: number[];
  dilationRate: number[] | number;
  padding: 'same' | 'valid';
  depthwiseKernel: tfl.LayerVariable;
  pointwiseKernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}
type SeparableBase = new (rank: number, args: object) => ConvLayer;
// TF.js's SeparableConv (SeparableConv2D's parent) builds Keras's weights for any rank
// (depthwise (k, C, multiplier), pointwise (1, C·multiplier, filters), bias) but throws
// NotImplementedError when rank 1 is called. Keras's SeparableConv1D is the 2D one on a height-1
// image; the depthwise kernel is dilated into rate-1 taps, as above, for the gradients.
const SeparableConv = Object.getPrototypeOf(
  classOf(tfl.layers.separableConv2d({ filters: 1, kernelSize: 1 })),
) as SeparableBase;

export class KerasSeparableConv1D extends SeparableConv {
  static readonly className = 'SeparableConv1D';
  constructor(args: object) {
    super(1, args);
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const f = this as unknown as SeparableFields;
      const x = tf.expandDims(Array.isArray(inputs) ? inputs[0]! : inputs, 1) as tf.Tensor4D;
      const rate = Array.isArray(f.dilationRate) ? f.dilationRate[0]! : f.dilationRate;
      const depthwise = tf.expandDims(dilateKernel(f.depthwiseKernel.read(), [rate]), 0) as tf.Tensor4D;
      const pointwise = tf.expandDims(f.pointwiseKernel.read(), 0) as tf.Tensor4D;
      let y: tf.Tensor = tf.squeeze(
        tf.separableConv2d(x, depthwise, pointwise, [1, f.strides[0]!], f.padding, 1, 'NHWC'),
        [1],
      );
      if (f.bias) y = tf.add(y, f.bias.read());
      return f.activation ? f.activation.apply(y) : y;
    });
  }
}
