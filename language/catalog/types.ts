// The shape of the catalog: everything the language knows about layers, optimizers, losses,
// metrics, datasets and callbacks, as data. Checking, completion, hover, signature help,
// formatting and training all read these records; adding a layer means adding one record.

import type { FoldedGraph } from './graph/layer-graph';
import type { ArgSupport, LayerSupport } from './support';

/** A shape without the batch axis; `null` is an unknown dimension (Keras's None). */
export type Shape = (number | null)[];

/**
 * An argument value after evaluation: numbers, strings (a bare name like `relu` becomes its string),
 * booleans, None, tuples/lists as arrays, and nested calls (initializers, a wrapped layer).
 */
export type ArgValue = number | string | boolean | null | ArgValue[] | CallArg;

export interface CallArg {
  call: string;
  /** Arguments bound to their names (positional ones too), after defaults are applied. */
  args: Record<string, ArgValue>;
}

/** What an argument accepts. The analyzer checks values against this and completion offers from it. */
export type ArgType =
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'float'; min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean }
  | { kind: 'bool' }
  | { kind: 'string' }
  /**
   * A fixed set of names, written quoted (`'same'`) or bare (`same`). `anyCase`: Keras lowercases
   * the value first (padding, data_format), so 'SAME' is 'same'.
   */
  | { kind: 'enum'; values: readonly string[]; aliases?: Readonly<Record<string, string>>; anyCase?: boolean }
  /** An int tuple of a fixed length; a scalar expands to all axes when `scalar` is true (kernel_size=3). */
  | { kind: 'intTuple'; length: number; min?: number; scalar: boolean }
  /**
   * A shape tuple without the batch axis, e.g. input_shape=(28, 28, 1); items may be None.
   * `inferred`: one item may be -1 instead (Reshape's target_shape), and None is not allowed.
   */
  | { kind: 'shape'; inferred?: boolean }
  /** A tuple of tuples for ZeroPadding/Cropping: int, (a, b) or ((t, b), (l, r)). */
  | { kind: 'padding'; dims: number }
  /** A nested layer call: Bidirectional(LSTM(64)). */
  | { kind: 'layer' }
  /** A named catalog entry or a call of one: initializers, regularizers, constraints. */
  | { kind: 'ref'; table: RefTable }
  | { kind: 'list'; of: ArgType }
  | { kind: 'union'; of: readonly ArgType[] }
  | { kind: 'none' }
  | { kind: 'any' };

export type RefTable =
  | 'activation'
  | 'initializer'
  | 'regularizer'
  | 'constraint'
  | 'loss'
  | 'metric'
  | 'optimizer'
  | 'callback'
  | 'dataset';

export interface ArgSpec {
  name: string;
  type: ArgType;
  /** The Keras default. `undefined` with `required` means the user must write it. */
  default?: ArgValue;
  required?: boolean;
  /** One line, shown in completion and signature help. */
  doc: string;
  /** Keras 2 spelling that still works, with a hint (lr -> learning_rate). */
  deprecatedAliases?: readonly string[];
  /** Keyword-only in Keras (cannot be given by position). */
  keywordOnly?: boolean;
  /**
   * Keras 3 still takes it but ignores it with a deprecation warning (Embedding's input_length):
   * the checker warns, offers to remove it, and gives it no meaning. The text says what to do instead.
   */
  ignoredByKeras3?: string;
  /**
   * A hyperparameter a search varies (KerasTuner's usual spaces: units, filters, kernel_size,
   * rate, activation, …): TensorBoard's HParams and `modelspec runs` compare it between runs
   * (training/run-hyperparameters.ts); other arguments are left out so the comparison stays readable.
   */
  hyperparameter?: boolean;
}

/** Thrown by shape rules; the analyzer turns it into a diagnostic on the layer. */
export class ShapeError extends Error {
  constructor(
    readonly code: ShapeErrorCode,
    message: string,
    /** The argument value that fixes it, when one does (the checker offers it as a quick fix). */
    readonly setArg?: { name: string; value: string },
  ) {
    super(message);
  }
}

export type ShapeErrorCode =
  | 'shape-rank' // a layer given a rank it cannot take
  | 'shape-nonpositive' // a dimension goes to zero or below
  | 'shape-mismatch' // element counts differ (Reshape) or a dimension is incompatible
  | 'shape-unknown'; // a dimension the rule needs is None

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/** A layer call with its arguments bound and checked, as shape rules and lowering see it. */
export interface LayerContext {
  /** Arguments by name, defaults applied. */
  args: Record<string, ArgValue>;
  /** The input shape (no batch axis). */
  input: Shape;
  /** For wrappers (Bidirectional, TimeDistributed): the wrapped layer, bound. */
  inner?: { spec: LayerSpec; args: Record<string, ArgValue> };
}

/** A Keras layer config as `model.to_json()` writes it (and tf.models.modelFromJSON reads it). */
export interface KerasLayerConfig {
  class_name: string;
  config: Record<string, unknown>;
}

export type LayerCategory =
  | 'input'
  | 'core'
  | 'convolution'
  | 'pooling'
  | 'reshaping'
  | 'recurrent'
  | 'normalization'
  | 'regularization'
  | 'activation'
  | 'preprocessing'
  | 'application';

export interface LayerSpec {
  /** Keras class name, e.g. `Conv2D`. */
  name: string;
  /** Which engines and export targets run this layer (`support.ts`); the checker warns and the exports refuse from it. */
  support: LayerSupport;
  /** Argument values some supporting targets still cannot run (GRU reset_after=False on the torch engine). */
  argSupport?: readonly ArgSupport[];
  category: LayerCategory;
  /** One or two sentences, Keras's wording where it is clear. */
  doc: string;
  /** Arguments in Keras's positional order, then keyword-only ones. Base-layer arguments
   *  (name, input_shape, input_dim, trainable, dtype) are added by the catalog for every layer. */
  args: readonly ArgSpec[];
  /** Input ranks (without batch) the layer accepts, e.g. [3] for Conv2D; omitted = any rank >= 1. */
  inputRanks?: readonly number[];
  /** When `inputRanks` is omitted: the smallest rank accepted (default 1). TimeDistributed takes 2 or more. */
  minInputRank?: number;
  /** Output shape (no batch axis). Throws ShapeError. */
  outputShape(ctx: LayerContext): Shape;
  /** Trainable and non-trainable weights, exactly as Keras counts them. */
  params(ctx: LayerContext): ParamCount;
  /** Keras/TF.js layer config(s) for training and export. Applications expand to many. */
  toKeras(ctx: LayerContext, name: string): KerasLayerConfig;
  /**
   * Applications that are layer graphs (ResNet50, …: `graph/define-application.ts`): the graph
   * folded over this input, each node's shape and count. Throws ShapeError like outputShape.
   */
  graph?(ctx: LayerContext): FoldedGraph;
  /** Applications: Keras's default input with the top, e.g. (224, 224, 3). */
  defaultInput?: Shape;
  /** Layer-graph applications: Keras's ImageNet weights file names (`weights='imagenet'` looks for them). */
  weightsFiles?: { top: string; notop: string };
  /** Applications whose Keras model name depends on the arguments (MobileNet's `mobilenet_0.50_160`); else kerasName. */
  kerasNameFor?(args: Record<string, ArgValue>): string;
  /** Applications (VGG16/VGG19): the calls they stand for; each is checked as a layer of its own. */
  expand?(args: Record<string, ArgValue>): { layer: string; args: Record<string, ArgValue> }[];
  /** Keras's prefix for auto names: `conv2d` for Conv2D, `dense` for Dense. */
  kerasName: string;
  /** The argument that sets an activation, when the layer has one (for "Activation after activation"). */
  hasActivationArg?: boolean;
}

/** A named entry that is not a layer: an activation, loss, metric, initializer. */
export interface NamedEntry {
  name: string;
  doc: string;
  aliases?: readonly string[];
}

/** A callable entry that is not a layer: optimizers, callbacks, dataset sources, ImageDataGenerator. */
export interface CallableSpec {
  name: string;
  doc: string;
  args: readonly ArgSpec[];
}

/**
 * A callable catalog entry that Keras serialises by class: initializers, regularizers,
 * constraints, optimizers. Found by `name`, any alias, or the Keras class name.
 */
export interface RefEntry extends CallableSpec {
  /** Keras class name for the JSON config: `GlorotUniform`, `L2`, `MaxNorm`, `Adam`. */
  className: string;
  aliases?: readonly string[];
  /** Optimizers: values Keras 3 keeps per trainable weight (its slot variables), given all the arguments. */
  slots?: (args: Readonly<Record<string, ArgValue>>) => number;
}

/** What a loss expects as labels: decides one-hot vs integer encoding and checks against the model. */
export type LabelKind = 'one-hot' | 'integer' | 'binary' | 'regression';

export interface LossEntry extends NamedEntry {
  /** Keras class name (`CategoricalCrossentropy`). */
  className: string;
  labels: LabelKind;
}

export interface MetricEntry extends NamedEntry {
  className: string;
  /** Which way is better, as KerasTuner infers a tuning objective's direction from the metric. */
  direction: 'min' | 'max';
}

/** A built-in dataset or a file source for the data block. */
export interface DatasetSpec extends CallableSpec {
  /** Known per-sample shape of x, e.g. [28, 28, 1]; absent when it depends on the files. */
  sampleShape?: readonly number[];
  /** Short title for hovers and messages, for built-in sets. */
  title?: string;
  /** Class names in label order, for built-in classification sets. */
  classNames?: readonly string[];
  /** Sample counts per split, for built-in sets. */
  samples?: { train: number; test: number };
}
