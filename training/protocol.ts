// The run protocol: what an engine process is given (RunSpec) and the typed JSON events it
// streams back, one per line on stdout and appended to <runDir>/events.jsonl as they happen.
// The CLI, the VS Code extension and the training panel all consume these events; both engines
// (TensorFlow.js in Node, PyTorch in Python) produce them. Keep this file and
// python/modelspec_torch/protocol.py in step.

import type { Task } from '../language/analysis/task';
import type { KerasLayerConfig } from '../language/catalog/types';

export type { Task } from '../language/analysis/task';

export type EngineName = 'tfjs' | 'torch';

/** A tensor stored as raw little-endian bytes in a file (row-major), read by both engines. */
/**
 * ImageDataGenerator's arguments, every one explicit (the plan applies the catalog's defaults):
 * numbers, booleans, and lists of numbers (zoom_range=[0.9, 1.2]).
 */
export type AugmentArgs = Record<string, number | boolean | number[]>;

export interface TensorFile {
  path: string;
  dtype: 'uint8' | 'float32' | 'int32';
  shape: number[];
  /** Where the tensor starts in the file, in bytes (weights read straight out of a weights.bin).
   *  Absent: the file holds exactly this tensor. */
  offset?: number;
}

/** Weights to start from, in Keras's get_weights() order (layer by layer). */
export interface InitialWeights {
  tensors: TensorFile[];
  /** The weights cover the model's first `layers` layers (Pretrained); absent: all of them. */
  layers?: number;
  /** Where they came from, for messages: a saved model.json. */
  source?: string;
}

/**
 * A layer-graph application's weights from a Keras weights file (`ResNet50(weights='x.h5')`):
 * the tensors of the top-level layer `layer`, in its Keras order (layer by layer inside it), read
 * by name from `source` (training/keras-weights-file.ts). Loaded before initialWeights.
 */
export interface LayerWeights {
  layer: string;
  tensors: TensorFile[];
  source: string;
}

/** A Normalization layer's adapt weights (Keras 3: mean, variance, count), by the layer's name. */
export interface AdaptedWeights {
  layer: string;
  /** The kept axes' sizes: the shape of mean and variance ([] for axis=None). */
  shape: number[];
  /** Row-major, float64 as computed; the engines store them as float32. */
  mean: number[];
  variance: number[];
  count: number;
}

/** One split of a prepared dataset. Labels are class indices (int32) or targets (float32). */
export interface PreparedSplit {
  x: TensorFile;
  y: TensorFile;
}

export interface PreparedData {
  /** Where the data came from, for messages: `digits`, `csv('houses.csv')`. */
  source: string;
  train: PreparedSplit;
  /** A separate validation source; otherwise validationSplit takes the last fraction of train (as Keras does). */
  validation?: PreparedSplit;
  test?: PreparedSplit;
  validationSplit: number;
  /** Multiply x by this (rescale=1/255; uint8 images default to 1/255). */
  rescale: number;
  /** Class names in index order for classification; for multi-label csv data, the label columns
   *  in target order; absent for regression. */
  classes?: string[];
  /** What is learned: 'binary' | 'multiclass' | 'multilabel' | 'regression' | 'image-to-image'
   *  (language/analysis/task.ts). Absent in runs made before it existed. */
  task?: Task;
  /** 'input': the targets are the inputs (Keras's class_mode for autoencoders). y holds the rescaled
   *  inputs in the model's output shape (for validation, test and evaluation); the engines take
   *  each training batch's targets from its inputs after augmentation, so both match. */
  classMode?: 'input';
  /** csv(text=…): the vocabulary the token ids index (0 padding '', 1 '[UNK]'), as Keras's
   *  TextVectorization.get_vocabulary() lists it, for turning new text into ids (predict). */
  vocabulary?: string[];
  /** How labels are fed to the loss: one-hot vectors or integer indices (sparse losses) or raw targets. */
  labelEncoding: 'onehot' | 'index' | 'raw';
  shuffle: boolean;
  /** Keras ImageDataGenerator arguments, applied per batch to training images only. */
  augment?: AugmentArgs;
  /** True when samples are images (x is N×H×W×C) so panels can show them. */
  isImage: boolean;
  /** A sample as an image [H, W, C] whenever the source holds images, also when the model reads
   *  them flattened (Input(shape=(784,)) on digits): the engines draw the sample thumbnails with it. */
  imageShape?: number[];
}

export interface CallbackSpec {
  /** EarlyStopping, ReduceLROnPlateau, ModelCheckpoint, CSVLogger. */
  name: string;
  /** Keras arguments with Keras defaults applied. */
  args: Record<string, unknown>;
}

/** The learning-rate range test's settings (mode 'lr-find'; training/lr-find.ts has the rule). */
export interface LrFindSettings {
  /** The learning rate of the first batch and of the last planned one; it grows exponentially between. */
  startLearningRate: number;
  endLearningRate: number;
  /** Planned batches (the training data are cycled through as often as needed). */
  steps: number;
  /** The exponential moving average's factor for the smoothed loss (0.98: about 50 batches). */
  smoothing: number;
  /** Stop once the smoothed loss exceeds this many times the best smoothed loss so far. */
  divergeFactor: number;
}

export interface RunSpec {
  /** The model in Keras's JSON format (`model.to_json()`), which TF.js's modelFromJSON also reads. */
  model: { class_name: 'Sequential'; config: { name: string; layers: KerasLayerConfig[] } };
  modelName: string;
  sourceFile: string;
  compile: {
    loss: string;
    optimizer: { name: string; args: Record<string, number | boolean> };
    metrics: string[];
  };
  data: PreparedData;
  fit: {
    epochs: number;
    batchSize: number;
    seed?: number;
    callbacks: CallbackSpec[];
    /** 'auto', an engine ('tfjs', 'torch'), or engine:device ('torch:cuda', 'tfjs:wasm'). */
    backend: string;
    /** Why the launcher chose this engine ('auto: no GPU; PyTorch is the fastest CPU engine here'). */
    engineReason?: string;
    mixedPrecision: boolean;
    /** A Keras mixed-precision policy asked for by name (fit.mixed_precision); absent: the engine's choice. */
    precisionPolicy?: 'mixed_float16' | 'mixed_bfloat16';
    /** Data-parallel replicas per machine (GPUs, or processes on a CPU); more than 1: the torch engine only. */
    devices: number;
    /** Machines of a data-parallel run (--nnodes; 1 otherwise), this machine's place (--node-rank)
     *  and the rendezvous of node rank 0 (--master HOST:PORT), both only for several machines. */
    nnodes: number;
    nodeRank?: number;
    master?: string;
  };
  /** The checker's Keras-style summary table, kept in spec.json so that summary.txt can be written
   *  from the run folder alone (a launcher killed before the run ended writes none). Engines ignore it. */
  summaryTable?: string;
  /** Parameter counts from the checker, which each engine must reproduce exactly. */
  expectedParams: { total: number; trainable: number; nonTrainable: number };
  runDir: string;
  /** 'train' (default), or 'evaluate': build the model, load initialWeights, evaluate it on the
   *  test split, emit `evaluated` and `finished` (epochs 0); nothing is trained or saved;
   *  'lr-find': the learning-rate range test (lrFind). */
  mode?: 'train' | 'evaluate' | 'lr-find';
  /** Mode 'lr-find': the range test from the model's initial weights; one `lr_point` per batch,
   *  then `finished` (epochs 0). Nothing is saved. */
  lrFind?: LrFindSettings;
  /** Weights to start from: a Pretrained model's first layers, a run to evaluate, parity tests. */
  initialWeights?: InitialWeights;
  /** Weights of single layers from Keras weights files (an application's weights='x.h5'), before initialWeights. */
  layerWeights?: LayerWeights[];
  /** Each Normalization without mean and variance, adapted on the training data before training
   *  (training/data/adapt.ts); the engines set these weights after initialWeights. */
  adapted?: AdaptedWeights[];
  /** A tune trial's run: its place in the search, for TensorBoard's HParams session
   *  (tensorboard.ts) and the runs view. Engines ignore it. */
  trial?: TrialSpec;
}

export interface TrialSpec {
  /** The trial's number in the study (0-based, as Optuna numbers them). */
  number: number;
  /** Which of the trial's executions this run is (1-based; executions_per_trial). */
  execution: number;
  /** The tune folder (runs/<model>/tune-<time>). */
  tuneDir: string;
  /** The trial's values, named as the file names its search spaces (dense_1.units). */
  hyperparameters: Record<string, number | string | boolean>;
}

export interface Metrics {
  [name: string]: number;
}

/** Bounds on what an `evaluated` event carries, the same in both engines (evaluate.ts, evaluate.py). */
export const EVALUATION_LIMITS = {
  /** Labels listed in a multi-label report (the first ones; labelCount says how many there are). */
  labels: 256,
  /** (true, predicted) pairs in a regression report, evenly spaced over the test split. */
  points: 500,
  /** Input/target/output triples in an image report, evenly spaced over the test split. */
  images: 8,
  /** Longest side of an image in a triple; larger images are subsampled (every k-th pixel). */
  imageSide: 64,
} as const;

/** One label of a multi-label evaluation; a label never predicted has precision 0 (sklearn's zero_division=0). */
export interface LabelScore {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** Test samples whose true label is 1. */
  support: number;
}

export interface MultiLabelReport {
  /** A label counts as predicted when its output is above this (Keras's Precision/Recall default). */
  threshold: number;
  /** The share of test samples whose every label is right. */
  exactMatch: number;
  /** How many labels the output has; `labels` lists at most EVALUATION_LIMITS.labels of them. */
  labelCount: number;
  labels: LabelScore[];
}

export interface RegressionReport {
  /** Over every output value of every test sample. */
  mae: number;
  rmse: number;
  /** The coefficient of determination, averaged over the outputs (Keras R2Score's 'uniform_average';
   *  an output whose targets are constant counts 1 if predicted exactly, else 0). */
  r2: number;
  /** Values each sample's output has (a vector regression: more than 1). */
  outputs: number;
  /** Which output the points are of (0: the first; the others are left out of the sample). */
  output: number;
  /** Test samples in all; the points are at most EVALUATION_LIMITS.points of them. */
  count: number;
  /** The sample: trueValues[i] and predicted[i] belong to the same test sample. */
  trueValues: number[];
  predicted: number[];
}

export interface ImageTriple {
  /** The test sample's row. */
  index: number;
  /** PNG base64. The input is absent when the model's input is not an image. */
  input?: string;
  target: string;
  output: string;
  /** This sample's mean squared error. */
  mse: number;
}

export interface ImageReport {
  /** Mean squared error over every value of every test sample. */
  mse: number;
  /** 10·log10(peak² / mse) in dB; absent when mse is 0. */
  psnr?: number;
  /** The value range PSNR is measured against: 1 for targets in [0, 1], else the targets' max - min. */
  peak: number;
  triples: ImageTriple[];
}

export type RunEvent =
  | {
      type: 'started';
      time: string;
      engine: EngineName;
      /** e.g. 'wasm', 'tensorflow', 'cpu', 'cuda', 'mps'. */
      backend: string;
      /** Human description: 'NVIDIA H100 80GB HBM3', 'CPU (2 threads, SIMD)'. */
      device: string;
      /** Why this engine/device was chosen, e.g. 'auto: CUDA GPU found'. */
      reason: string;
      params: { total: number; trainable: number; nonTrainable: number };
      samples: { train: number; validation: number; test: number };
      epochs: number;
      batchSize: number;
      stepsPerEpoch: number;
      runDir: string;
      model: string;
      /** Data-parallel runs: the number of replicas, machines, and this machine's devices. */
      worldSize?: number;
      nodes?: number;
      devices?: string[];
    }
  | {
      type: 'batch';
      epoch: number; // 1-based
      batch: number; // 1-based within the epoch
      batches: number;
      loss: number;
      metrics: Metrics;
      samplesPerSec: number;
      time: number; // seconds since start
    }
  | {
      type: 'epoch';
      epoch: number;
      epochs: number;
      loss: number;
      metrics: Metrics;
      valLoss?: number;
      /** Validation metrics under the same keys as `metrics` (accuracy, not val_accuracy). */
      valMetrics?: Metrics;
      learningRate: number;
      seconds: number;
      samplesPerSec: number;
    }
  | { type: 'checkpoint'; epoch: number; path: string; monitor?: string; value?: number; best: boolean }
  | {
      type: 'evaluated';
      loss: number;
      metrics: Metrics;
      /** rows = true class, columns = predicted class. */
      confusionMatrix?: number[][];
      classes?: string[];
      /** A few predictions, mistakes first; image holds the sample as PNG base64 when the data are images. */
      samples?: { index: number; label: string; predicted: string; confidence: number; image?: string }[];
      /** The run's task (data.task), which says which of the reports below there is. */
      task?: Task;
      /** 'multilabel': each label's precision, recall, F1 and support at the threshold. */
      multiLabel?: MultiLabelReport;
      /** 'regression': error measures and a bounded sample of (true, predicted) pairs. */
      regression?: RegressionReport;
      /** 'image-to-image': reconstruction error and a few input/target/output triples. */
      images?: ImageReport;
    }
  | { type: 'log'; level: 'info' | 'warning'; message: string }
  /** One batch of the learning-rate range test (mode 'lr-find'), step 1-based. */
  | { type: 'lr_point'; step: number; learningRate: number; loss: number; smoothedLoss: number }
  /** A callback acted: the facts only; training/callback-events.ts words them for
   *  the panel, the CLI and the Output channel, the same for both engines. */
  | {
      type: 'callback';
      callback: 'EarlyStopping' | 'ReduceLROnPlateau';
      /** stopTraining (EarlyStopping), reduceLearningRate (ReduceLROnPlateau). */
      action: 'stopTraining' | 'reduceLearningRate';
      /** The epoch (1-based) after which it acted. */
      epoch: number;
      monitor: string;
      /** Epochs without improvement when it acted. */
      wait: number;
      /** EarlyStopping: the best monitored value and its epoch (1-based). */
      best?: number;
      bestEpoch?: number;
      /** EarlyStopping with restore_best_weights: the epoch whose weights were restored. */
      restoredEpoch?: number;
      /** ReduceLROnPlateau: the learning rate before and after. */
      oldLearningRate?: number;
      newLearningRate?: number;
    }
  | { type: 'finished'; time: string; epochs: number; seconds: number; modelPath: string }
  | { type: 'stopped'; time: string; reason: string; epoch: number; modelPath?: string }
  | { type: 'failed'; time: string; message: string; epoch?: number; batch?: number };

export type RunEventType = RunEvent['type'];

/** The state of a tune trial (trials.csv's `state`). */
export type TrialStateName = 'running' | 'complete' | 'pruned' | 'failed';

/**
 * A tune's own events (training/tune/tune-session.ts): one JSON object per line in
 * <tune>/tune.jsonl, and on stdout with `modelspec tune --json`, where each trial's run events
 * follow, tagged with `trial` and `execution` (TrialRunEvent). Documented in ARCHITECTURE.md.
 */
export type TuneEvent =
  | {
      type: 'tune_started';
      time: string;
      tuneDir: string;
      model: string;
      /** Which sampler searches: Optuna, or the TypeScript fallback where Optuna is absent. */
      sampler: 'optuna' | 'typescript';
      /** 'Optuna 3.1.0 (TPESampler, MedianPruner) in /usr/bin/python3'. */
      samplerDetail: string;
      /** Why that sampler: 'Optuna not found (python3: No module named optuna)'. */
      samplerReason: string;
      algorithm: 'random' | 'grid' | 'bayesian' | 'hyperband';
      objective: string;
      direction: 'minimize' | 'maximize';
      /** Trials this search runs in all (a resumed search counts the earlier ones). */
      maxTrials: number;
      parallel: number;
      executionsPerTrial: number;
      /** The search's hyperparameters, named as in the file, in trials.csv's column order. */
      hyperparameters: string[];
      /** Trials the study held before this start (a resumed search); trial numbers continue after them. */
      previousTrials: number;
    }
  | {
      type: 'trial_started';
      time: string;
      trial: number;
      hyperparameters: Record<string, number | string | boolean>;
      /** The trial's (first execution's) run folder: <tune>/trial-<n>; '' when the trial could not
       *  start a run (its values do not plan: trial_finished says why). */
      runDir: string;
    }
  | {
      type: 'trial_finished';
      time: string;
      trial: number;
      state: Exclude<TrialStateName, 'running'>;
      hyperparameters: Record<string, number | string | boolean>;
      /** The mean over executions of each run's best epoch value (a pruned trial: what it reached). */
      objective?: number;
      /** Epochs trained, all executions together. */
      epochs: number;
      seconds: number;
      runDir?: string;
      /** Why the trial failed, or what pruned it. */
      message?: string;
    }
  | {
      type: 'tune_finished';
      time: string;
      seconds: number;
      /** Trials by state, the earlier ones of a resumed search included. */
      trials: { complete: number; pruned: number; failed: number };
      /** Ctrl+C (or the editor's Stop) ended the search before max_trials. */
      stopped: boolean;
      best?: {
        trial: number;
        objective: number;
        hyperparameters: Record<string, number | string | boolean>;
        runDir: string;
      };
    };

/** A trial's run event as `modelspec tune --json` streams it. */
export type TrialRunEvent = RunEvent & { trial: number; execution: number };

/**
 * Set in the environment of an engine started by the launcher (run-process.ts): its stdin is the
 * launcher's pipe, so the end of stdin means the launcher died, and the engine stops and saves
 * as on Ctrl+C. Engines started by hand, or with stdin closed at once, keep training.
 */
export const STOP_ON_EOF_ENV = 'MODELSPEC_STOP_ON_EOF';

/** The line a warm engine (`--warm`, training/warm-engine.ts) prints on stderr once it is loaded. */
export const WARM_READY = 'modelspec-warm-ready';
