// The custom layers Keras Applications define in their own modules (language/catalog/graph/
// graph-ops.ts), which TF.js lacks: InceptionResNetV2's CustomScaleLayer and ConvNeXt's LayerScale.
// Add, Multiply (with its (1, 1, C) broadcast) and Concatenate are TF.js's own merge layers.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type BaseArgs = {
  name?: string;
  dtype?: string;
  trainable?: boolean;
};

/** keras/src/applications/inception_resnet_v2.py: `inputs[0] + inputs[1] * scale`. */
export class CustomScaleLayer extends tfl.layers.Layer {
  static readonly className = 'CustomScaleLayer';
  readonly scale: number;

  constructor(args: BaseArgs & { scale: number }) {
    const { name, dtype, trainable } = args;
    super({ name, dtype, trainable } as object);
    if (typeof args.scale !== 'number')
      throw new Error(`CustomScaleLayer '${name}': the config has no numeric 'scale'`);
    this.scale = args.scale;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2)
      throw new Error(`CustomScaleLayer '${this.name}' takes two inputs (the shortcut and the branch)`);
    return tf.tidy(() => tf.add(inputs[0]!, tf.mul(inputs[1]!, this.scale)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale };
  }
}

/** keras/src/applications/convnext.py: `x * gamma`, gamma trainable, Constant(init_values) per channel. */
export class LayerScale extends tfl.layers.Layer {
  static readonly className = 'LayerScale';
  readonly initValues: number;
  readonly projectionDim: number;
  private gamma?: tfl.LayerVariable;

  constructor(args: BaseArgs & { initValues: number; projectionDim: number }) {
    const { name, dtype, trainable } = args;
    super({ name, dtype, trainable } as object);
    if (typeof args.initValues !== 'number' || !Number.isInteger(args.projectionDim))
      throw new Error(`LayerScale '${name}': the config needs numeric 'init_values' and 'projection_dim'`);
    this.initValues = args.initValues;
    this.projectionDim = args.projectionDim;
  }

  override build(): void {
    this.gamma = this.addWeight(
      'gamma',
      [this.projectionDim],
      'float32',
      tfl.initializers.constant({ value: this.initValues }),
      undefined,
      true,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return inputShape as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tf.tidy(() => tf.mul(x, this.gamma!.read()));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), init_values: this.initValues, projection_dim: this.projectionDim };
  }
}

export const GRAPH_OP_LAYERS = [CustomScaleLayer, LayerScale];
