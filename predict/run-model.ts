// What `modelspec predict` needs to know about a trained run, from its folder: the model's input
// shape, how training prepared x (rescale, the image geometry before any flattening, the CSV
// feature columns), the class names, and which model files exist (model.onnx, model.json).

import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { analyze } from '../language/analysis/analyze';
import { labelColumnIndices } from '../data/csv';
import { probeSource } from '../language/data/probe';
import { csvDelimiter } from '../language/data/source-args';
import type { SourceRef } from '../language/data/types';
import type { RunSpec } from '../training/protocol';
import { planData } from '../language/analysis/plan';
import { missingModelReason } from '../training/run-folder';

/** Bad input or a run that cannot predict: one line for the user (exit 1). */
export class PredictError extends Error {}

export interface PredictRun {
  runDir: string;
  spec: RunSpec;
  /** One sample's shape as the model takes it (batch axis left out). */
  inputShape: number[];
  /** Images are resized to [height, width, channels] (as the training data was) before flattening to inputShape. */
  imageShape?: [number, number, number];
  /** The feature columns training read, in order, when the training data was a CSV file. */
  csvColumns?: string[];
  csvDelimiter: string;
  /** Class names in output order; absent for regression. */
  classes?: string[];
  /** model.onnx, when the run has one (torch-engine runs, or `modelspec export RUN_DIR --to onnx`). */
  onnxFile?: string;
  modelJson: string;
}

const product = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

export function loadPredictRun(folder: string): PredictRun {
  let runDir = resolve(folder);
  if (basename(runDir) === 'model.json') runDir = dirname(runDir);
  const specFile = join(runDir, 'spec.json');
  if (!existsSync(specFile)) {
    throw new PredictError(
      `${folder} is not a run folder (it has no spec.json); give a folder that \`modelspec train\` made, such as runs/<model>/<time>`,
    );
  }
  let spec: RunSpec;
  try {
    spec = JSON.parse(readFileSync(specFile, 'utf8')) as RunSpec;
  } catch (e) {
    throw new PredictError(`${specFile} cannot be read as JSON (${(e as Error).message}); the run folder is damaged`);
  }
  const modelJson = join(runDir, 'model.json');
  if (!existsSync(modelJson)) throw new PredictError(`${runDir} has no model.json: ${missingModelReason(runDir)}`);
  const first = spec.model.config.layers[0]?.config as { batch_input_shape?: (number | null)[] } | undefined;
  const inputShape = first?.batch_input_shape?.slice(1);
  if (!inputShape || inputShape.some((d) => d === null)) {
    throw new PredictError(
      `the run's model has no fixed input shape (${JSON.stringify(inputShape ?? null)}); predict needs one`,
    );
  }
  if (spec.data.augment && (spec.data.augment.featurewise_center || spec.data.augment.featurewise_std_normalization)) {
    // The training statistics these need are not saved with the run.
    throw new PredictError(
      `the run standardises its inputs with featurewise_center / featurewise_std_normalization, which predict does not support yet`,
    );
  }
  const shape = inputShape as number[];
  const trainRef = trainSource(spec);
  const onnxFile = join(runDir, 'model.onnx');
  return {
    runDir,
    spec,
    inputShape: shape,
    imageShape: imageShapeOf(shape, spec, trainRef),
    csvColumns: trainRef?.name === 'csv' ? csvColumnsOf(trainRef, dirname(spec.sourceFile)) : undefined,
    csvDelimiter: trainRef?.name === 'csv' ? csvDelimiter(trainRef) : ',',
    classes: spec.data.classes && spec.data.classes.length > 0 ? spec.data.classes : undefined,
    onnxFile: existsSync(onnxFile) ? onnxFile : undefined,
    modelJson,
  };
}

/** The training source as the .model file names it, when the file is still there. */
function trainSource(spec: RunSpec): SourceRef | undefined {
  try {
    if (!existsSync(spec.sourceFile)) return undefined;
    const analysis = analyze(readFileSync(spec.sourceFile, 'utf8'), { baseDir: dirname(spec.sourceFile) });
    return planData(analysis, dirname(spec.sourceFile))?.train;
  } catch {
    return undefined;
  }
}

/**
 * The [H, W, C] images are resized to: the model's input when it is an image, else (a flattened
 * input such as Input(shape=(784,))) the training images' own shape, which the engine reshaped.
 */
function imageShapeOf(
  input: number[],
  spec: RunSpec,
  train: SourceRef | undefined,
): [number, number, number] | undefined {
  if (input.length === 3) return [input[0]!, input[1]!, input[2]!];
  if (input.length === 2) return [input[0]!, input[1]!, 1];
  if (!spec.data.isImage && train) {
    const info = probeSource(train, dirname(spec.sourceFile));
    if (info.ok && info.sampleShape.length >= 2 && product(info.sampleShape) === product(input)) {
      const [h, w, c = 1] = info.sampleShape;
      return [h!, w!, c];
    }
  }
  // Square grayscale or RGB (784 = 28×28×1, 3072 = 32×32×3): the only guess that can be made.
  const n = product(input);
  for (const c of [1, 3]) {
    const side = Math.round(Math.sqrt(n / c));
    if (side * side * c === n && side > 1) return [side, side, c];
  }
  return undefined;
}

function csvColumnsOf(ref: SourceRef, baseDir: string): string[] | undefined {
  const info = probeSource(ref, baseDir);
  if (!info.ok || !info.columns) return undefined;
  // label=[…] (multi-label, vector targets): every label column is left out of the features.
  const labels = labelColumnIndices(info.columns, ref.args.label, String(ref.args.path));
  return info.columns.filter((_, i) => !labels.includes(i));
}
