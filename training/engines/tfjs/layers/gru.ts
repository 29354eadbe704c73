// GRU with Keras's default reset_after=True, which TF.js's GRUCell refuses: the reset gate
// multiplies the recurrent projection *after* the matmul, and input and recurrent biases are
// separate (bias shape (2, 3*units)). reset_after=False keeps TF.js's own cell.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Args = Record<string, unknown> & { units: number; resetAfter?: boolean };

/** TF.js's GRUCell and GRU classes, which tfjs-layers does not export by name. */
// `any`: TF.js does not export these classes' types, so the constructor arguments are untyped.
// biome-ignore lint/suspicious/noExplicitAny: a mixin's base: TypeScript requires `any[]`-style constructor args here
type AnyClass = new (args: any) => any;
const GRUCellBase = Object.getPrototypeOf(tfl.layers.gruCell({ units: 1 })).constructor as AnyClass;
const GRUBase = Object.getPrototypeOf(tfl.layers.gru({ units: 1 })).constructor as AnyClass;

/** The fields of TF.js's GRUCell this subclass reads (set by its constructor). */
interface CellFields {
  units: number;
  useBias: boolean;
  kernel: tfl.LayerVariable;
  recurrentKernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor };
  recurrentActivation: { apply(x: tf.Tensor): tf.Tensor };
  kernelInitializer: unknown;
  kernelRegularizer: unknown;
  kernelConstraint: unknown;
  recurrentInitializer: unknown;
  recurrentRegularizer: unknown;
  recurrentConstraint: unknown;
  biasInitializer: unknown;
  biasRegularizer: unknown;
  biasConstraint: unknown;
  built: boolean;
  addWeight(
    name: string,
    shape: number[],
    dtype: null,
    init: unknown,
    reg: unknown,
    trainable: boolean,
    constraint: unknown,
  ): tfl.LayerVariable;
}

export class KerasGRUCell extends GRUCellBase {
  static readonly className = 'GRUCell';
  readonly resetAfter: boolean;

  constructor(args: Args) {
    super({ ...args, resetAfter: false });
    // The lowering writes reset_after, and saved configs get it at load (saved-config.ts).
    if (typeof args.resetAfter !== 'boolean') {
      throw new Error(
        `GRU layer '${String(args['name'] ?? '')}': its config has no reset_after (a run spec carries every argument; a saved model.json gets the catalog's default when loaded)`,
      );
    }
    this.resetAfter = args.resetAfter;
  }

  build(inputShape: tfl.Shape | tfl.Shape[]): void {
    if (!this.resetAfter) return super.build(inputShape);
    const self = this as unknown as CellFields;
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const inputDim = shape[shape.length - 1]!;
    const u = self.units;
    self.kernel = self.addWeight(
      'kernel',
      [inputDim, 3 * u],
      null,
      self.kernelInitializer,
      self.kernelRegularizer,
      true,
      self.kernelConstraint,
    );
    self.recurrentKernel = self.addWeight(
      'recurrent_kernel',
      [u, 3 * u],
      null,
      self.recurrentInitializer,
      self.recurrentRegularizer,
      true,
      self.recurrentConstraint,
    );
    // Keras's (2, 3*units) bias: row 0 is added to the input projection, row 1 to the recurrent one.
    self.bias = self.useBias
      ? self.addWeight('bias', [2, 3 * u], null, self.biasInitializer, self.biasRegularizer, true, self.biasConstraint)
      : null;
    self.built = true;
  }

  call(inputs: tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor[] {
    if (!this.resetAfter) return super.call(inputs, kwargs);
    const self = this as unknown as CellFields;
    return tf.tidy(() => {
      const [x, hPrev] = inputs as [tf.Tensor2D, tf.Tensor2D];
      let matrixX: tf.Tensor = tf.matMul(x, self.kernel.read() as tf.Tensor2D);
      let matrixInner: tf.Tensor = tf.matMul(hPrev, self.recurrentKernel.read() as tf.Tensor2D);
      if (self.useBias && self.bias) {
        const [inputBias, recurrentBias] = tf.unstack(self.bias.read());
        matrixX = tf.add(matrixX, inputBias!);
        matrixInner = tf.add(matrixInner, recurrentBias!);
      }
      const [xZ, xR, xH] = tf.split(matrixX, 3, -1);
      const [rZ, rR, rH] = tf.split(matrixInner, 3, -1);
      const z = self.recurrentActivation.apply(tf.add(xZ!, rZ!));
      const r = self.recurrentActivation.apply(tf.add(xR!, rR!));
      const hh = self.activation.apply(tf.add(xH!, tf.mul(r, rH!)));
      const h = tf.add(tf.mul(z, hPrev), tf.mul(tf.sub(1, z), hh));
      return [h, h];
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}

export class KerasGRU extends GRUBase {
  static readonly className = 'GRU';

  constructor(args: Args) {
    super({ ...args, resetAfter: false });
    // TF.js's GRU built its own cell; use ours, which knows reset_after.
    (this as unknown as { cell: unknown }).cell = new KerasGRUCell(args);
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: (this as unknown as { cell: KerasGRUCell }).cell.resetAfter };
  }

  static fromConfig(cls: AnyClass, config: Record<string, unknown>) {
    return new cls(config);
  }
}
