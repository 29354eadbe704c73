// The one predict sequence, for `modelspec predict` and the editor's Predict… command and panel
// drop: the run folder read, the inputs prepared as training prepared them, the model run
// (ONNX Runtime or TF.js), and each sample's result — its top classes, its values, or (an
// image-to-image model) the PNG written for it. Callers only render the result.

import { runModel, type PredictEngine } from './engines';
import { readInputs } from './inputs';
import { encodeOutputPng, outputImageShape, outputPaths, pixelScale, writeOutputImages } from './output-images';
import { loadPredictRun, PredictError } from './run-model';

export interface PredictRequest {
  runDir: string;
  inputs: string[];
  /** How many classes to list per sample. */
  top: number;
  /** 'auto' | 'onnx' | 'tfjs'. */
  engine: string;
  /** Where output images go (image-to-image models); default beside each input. */
  outDir?: string;
}

export interface ClassScore {
  class: string;
  probability: number;
}

export interface SamplePrediction {
  input: string;
  top?: ClassScore[];
  values?: number[];
  /** The PNG written for this sample (image-to-image models). */
  output?: string;
}

export interface PredictResult {
  runDir: string;
  engine: PredictEngine;
  device: string;
  /** True when the run has a model.onnx (said when TF.js ran instead). */
  hasOnnx: boolean;
  /** How output values became pixels, for image-to-image models. */
  pixels?: string;
  predictions: SamplePrediction[];
}

export async function predictRun(req: PredictRequest): Promise<PredictResult> {
  const run = loadPredictRun(req.runDir);
  const inputs = readInputs(req.inputs, run);
  const out = await runModel(run, inputs.x, inputs.count, req.engine);
  const base = { runDir: run.runDir, engine: out.engine, device: out.device, hasOnnx: run.onnxFile !== undefined };
  const per = out.sampleShape.reduce((a, b) => a * b, 1);
  if (out.sampleShape.length > 1) {
    const shape = outputImageShape(out.sampleShape, run);
    if (!shape) {
      throw new PredictError(
        `the model outputs ${out.sampleShape.join('×')} values per sample, which is not an image (height × width × 1, 3 or 4 channels); predict prints one value or class list per sample`,
      );
    }
    const scale = pixelScale(run);
    const paths = outputPaths(inputs.sources, req.inputs, req.outDir);
    writeOutputImages(
      paths.map((path, n) => ({
        path,
        png: encodeOutputPng(out.values.subarray(n * per, (n + 1) * per), shape, scale),
      })),
    );
    return {
      ...base,
      pixels: scale.why,
      predictions: inputs.names.map((input, n) => ({ input, output: paths[n]! })),
    };
  }
  return {
    ...base,
    predictions: inputs.names.map((input, n): SamplePrediction => {
      const row = Array.from(out.values.subarray(n * per, (n + 1) * per));
      return run.classes ? { input, top: topClasses(row, run.classes, req.top) } : { input, values: row };
    }),
  };
}

/**
 * The K most likely classes. A softmax output is used as it is; a single sigmoid unit of a
 * two-class model is P(class 1); outputs that are not probabilities (logits) go through softmax.
 */
export function topClasses(row: number[], classes: string[], k: number): ClassScore[] {
  let probs: number[];
  if (row.length === 1 && classes.length === 2) probs = [1 - row[0]!, row[0]!];
  else if (row.length === classes.length) {
    const sum = row.reduce((a, b) => a + b, 0);
    const isProbability = row.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) < 1e-3;
    probs = isProbability ? row : softmax(row);
  } else {
    throw new PredictError(
      `the model outputs ${row.length} values per sample but the training data has ${classes.length} classes; predict cannot name them`,
    );
  }
  return probs
    .map((probability, i) => ({ class: classes[i]!, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}

function softmax(row: number[]): number[] {
  const max = Math.max(...row);
  const e = row.map((v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
