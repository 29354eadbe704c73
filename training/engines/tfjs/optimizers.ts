// Keras 3 optimizers, written out so the update rules are Keras's exactly (TF.js's differ in
// where epsilon goes, has no Nadam, and hides the learning rate). Every argument comes from the
// RunSpec, filled from the catalog (`optimizerArgs`): no Keras default lives here.
// `learningRate` is a plain number that ReduceLROnPlateau may change between steps.
import * as tf from '@tensorflow/tfjs-core';
import { getOptimizer } from '../../../language/catalog';

type Args = Record<string, number | boolean>;

/** An argument the RunSpec must carry (Keras 2's `lr` is `learning_rate`); a missing one is a bug upstream, named here. */
function need(optimizer: string, args: Args, key: string): number {
  const value = key === 'learning_rate' ? (args['learning_rate'] ?? args['lr']) : args[key];
  if (value === undefined)
    throw new Error(
      `optimizer ${optimizer}: the run spec has no '${key}'; every optimizer argument comes from the catalog (optimizerArgs)`,
    );
  return Number(value);
}

export abstract class KerasOptimizer {
  learningRate: number;
  /** Steps taken so far (Keras's `iterations`). */
  iterations = 0;
  private readonly slots = new Map<string, tf.Variable[]>();
  /** Per-variable slot tensors (momentum, velocity, ...), as many as Keras keeps: the catalog's `slots`. */
  private readonly slotCount: number;

  constructor(
    readonly name: string,
    args: Args,
  ) {
    this.learningRate = need(name, args, 'learning_rate');
    const slots = getOptimizer(name)?.slots;
    if (!slots) throw new Error(`internal error: the catalog has no slot count for the optimizer ${name}`);
    this.slotCount = slots(args);
  }

  /** Per-variable slots' initial value. */
  protected slotInit(_index: number): number {
    return 0;
  }
  /** Computes the new value of `w` and updates `slots`; runs inside tf.tidy. */
  protected abstract update(w: tf.Variable, g: tf.Tensor, slots: tf.Variable[], lr: tf.Scalar, t: number): tf.Tensor;

  private slotsFor(w: tf.Variable): tf.Variable[] {
    let s = this.slots.get(w.name);
    if (!s) {
      s = [];
      for (let i = 0; i < this.slotCount; i++) s.push(tf.variable(tf.fill(w.shape, this.slotInit(i)), false));
      this.slots.set(w.name, s);
    }
    return s;
  }

  applyGradients(variables: tf.Variable[], grads: tf.Tensor[]): void {
    this.iterations++;
    const t = this.iterations;
    tf.tidy(() => {
      const lr = tf.scalar(this.learningRate);
      variables.forEach((w, i) => {
        const g = grads[i];
        if (!g) return;
        w.assign(this.update(w, g, this.slotsFor(w), lr, t));
      });
    });
  }

  dispose(): void {
    for (const s of this.slots.values()) s.forEach((v) => v.dispose());
    this.slots.clear();
  }
}

class SGD extends KerasOptimizer {
  private readonly momentum: number;
  private readonly nesterov: boolean;
  constructor(args: Args) {
    super('SGD', args);
    this.momentum = need(this.name, args, 'momentum');
    this.nesterov = Boolean(need(this.name, args, 'nesterov'));
  }
  protected update(w: tf.Variable, g: tf.Tensor, [m]: tf.Variable[], lr: tf.Scalar) {
    if (!m) return tf.sub(w, tf.mul(lr, g));
    const mNew = tf.sub(tf.mul(this.momentum, m), tf.mul(lr, g));
    m.assign(mNew);
    return this.nesterov ? tf.add(w, tf.sub(tf.mul(this.momentum, mNew), tf.mul(lr, g))) : tf.add(w, mNew);
  }
}

/** Adam, Adamax and Nadam: the same moment-estimate arguments, read once. */
abstract class AdamFamily extends KerasOptimizer {
  protected readonly b1: number;
  protected readonly b2: number;
  protected readonly eps: number;
  constructor(name: string, args: Args) {
    super(name, args);
    this.b1 = need(name, args, 'beta_1');
    this.b2 = need(name, args, 'beta_2');
    this.eps = need(name, args, 'epsilon');
  }
}

class Adam extends AdamFamily {
  constructor(args: Args) {
    super('Adam', args);
  }
  protected update(w: tf.Variable, g: tf.Tensor, [m, v]: tf.Variable[], lr: tf.Scalar, t: number) {
    const alpha = tf.mul(lr, Math.sqrt(1 - this.b2 ** t) / (1 - this.b1 ** t));
    const mNew = tf.add(m!, tf.mul(tf.sub(g, m!), 1 - this.b1));
    const vNew = tf.add(v!, tf.mul(tf.sub(tf.square(g), v!), 1 - this.b2));
    m!.assign(mNew);
    v!.assign(vNew);
    return tf.sub(w, tf.div(tf.mul(alpha, mNew), tf.add(tf.sqrt(vNew), this.eps)));
  }
}

class Adamax extends AdamFamily {
  constructor(args: Args) {
    super('Adamax', args);
  }
  protected update(w: tf.Variable, g: tf.Tensor, [m, u]: tf.Variable[], lr: tf.Scalar, t: number) {
    const mNew = tf.add(m!, tf.mul(tf.sub(g, m!), 1 - this.b1));
    const uNew = tf.maximum(tf.mul(this.b2, u!), tf.abs(g));
    m!.assign(mNew);
    u!.assign(uNew);
    return tf.sub(w, tf.div(tf.mul(lr, mNew), tf.mul(1 - this.b1 ** t, tf.add(uNew, this.eps))));
  }
}

class Nadam extends AdamFamily {
  /** Keras's u_product: the running product of the momentum schedule. */
  private uProduct = 1;
  private uProductStep = 0;
  constructor(args: Args) {
    super('Nadam', args);
  }
  protected update(w: tf.Variable, g: tf.Tensor, [m, v]: tf.Variable[], lr: tf.Scalar, t: number) {
    const uT = this.b1 * (1 - 0.5 * 0.96 ** (t * 0.004));
    const uT1 = this.b1 * (1 - 0.5 * 0.96 ** ((t + 1) * 0.004));
    if (this.uProductStep !== t) {
      // Once per step, shared by all variables.
      this.uProduct *= uT;
      this.uProductStep = t;
    }
    const uProductT = this.uProduct;
    const uProductT1 = uProductT * uT1;
    const mNew = tf.add(m!, tf.mul(tf.sub(g, m!), 1 - this.b1));
    const vNew = tf.add(v!, tf.mul(tf.sub(tf.square(g), v!), 1 - this.b2));
    m!.assign(mNew);
    v!.assign(vNew);
    const mHat = tf.add(tf.mul(mNew, uT1 / (1 - uProductT1)), tf.mul(g, (1 - uT) / (1 - uProductT)));
    const vHat = tf.div(vNew, 1 - this.b2 ** t);
    return tf.sub(w, tf.div(tf.mul(lr, mHat), tf.add(tf.sqrt(vHat), this.eps)));
  }
}

class RMSprop extends KerasOptimizer {
  private readonly rho: number;
  private readonly momentum: number;
  private readonly eps: number;
  private readonly centered: boolean;
  constructor(args: Args) {
    super('RMSprop', args);
    this.rho = need(this.name, args, 'rho');
    this.momentum = need(this.name, args, 'momentum');
    this.eps = need(this.name, args, 'epsilon');
    this.centered = Boolean(need(this.name, args, 'centered'));
  }
  protected update(w: tf.Variable, g: tf.Tensor, slots: tf.Variable[], lr: tf.Scalar) {
    // Keras's order: velocities, then average gradients (centered only), then momentums (momentum > 0 only).
    const [vel, ...rest] = slots;
    const avg = this.centered ? rest.shift() : undefined;
    const mom = rest.shift();
    const velNew = tf.add(tf.mul(this.rho, vel!), tf.mul(1 - this.rho, tf.square(g)));
    vel!.assign(velNew);
    let denom = tf.add(velNew, this.eps);
    if (this.centered) {
      const avgNew = tf.add(tf.mul(this.rho, avg!), tf.mul(1 - this.rho, g));
      avg!.assign(avgNew);
      denom = tf.sub(denom, tf.square(avgNew));
    }
    const increment = tf.div(tf.mul(lr, g), tf.sqrt(denom));
    if (this.momentum > 0) {
      const momNew = tf.add(tf.mul(this.momentum, mom!), increment);
      mom!.assign(momNew);
      return tf.sub(w, momNew);
    }
    return tf.sub(w, increment);
  }
}

class Adagrad extends KerasOptimizer {
  private readonly initial: number;
  private readonly eps: number;
  constructor(args: Args) {
    super('Adagrad', args);
    this.initial = need(this.name, args, 'initial_accumulator_value');
    this.eps = need(this.name, args, 'epsilon');
  }
  protected override slotInit() {
    return this.initial;
  }
  protected update(w: tf.Variable, g: tf.Tensor, [acc]: tf.Variable[], lr: tf.Scalar) {
    const accNew = tf.add(acc!, tf.square(g));
    acc!.assign(accNew);
    return tf.sub(w, tf.div(tf.mul(lr, g), tf.sqrt(tf.add(accNew, this.eps))));
  }
}

class Adadelta extends KerasOptimizer {
  private readonly rho: number;
  private readonly eps: number;
  constructor(args: Args) {
    super('Adadelta', args);
    this.rho = need(this.name, args, 'rho');
    this.eps = need(this.name, args, 'epsilon');
  }
  protected update(w: tf.Variable, g: tf.Tensor, [accG, accD]: tf.Variable[], lr: tf.Scalar) {
    const accGNew = tf.add(tf.mul(this.rho, accG!), tf.mul(1 - this.rho, tf.square(g)));
    accG!.assign(accGNew);
    const delta = tf.mul(tf.neg(tf.div(tf.sqrt(tf.add(accD!, this.eps)), tf.sqrt(tf.add(accGNew, this.eps)))), g);
    accD!.assign(tf.add(tf.mul(this.rho, accD!), tf.mul(1 - this.rho, tf.square(delta))));
    return tf.add(w, tf.mul(lr, delta));
  }
}

const OPTIMIZERS: Record<string, new (args: Args) => KerasOptimizer> = {
  sgd: SGD,
  adam: Adam,
  adamax: Adamax,
  nadam: Nadam,
  rmsprop: RMSprop,
  adagrad: Adagrad,
  adadelta: Adadelta,
};

/** Builds an optimizer from its Keras name ('adam', 'Adam', 'SGD') and Keras arguments. */
export function createOptimizer(name: string, args: Args = {}): KerasOptimizer {
  const ctor = OPTIMIZERS[name.toLowerCase()];
  if (!ctor)
    throw new Error(`unknown optimizer '${name}'; known: SGD, Adam, Adamax, Nadam, RMSprop, Adagrad, Adadelta`);
  return new ctor(args);
}
