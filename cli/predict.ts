// `modelspec predict RUN_DIR INPUT... [--top K] [--engine auto|onnx|tfjs] [--json]`: the trained
// model on images, CSV rows or .npy arrays; the top classes with probabilities, or the values.

import { runModel, type ModelOutput } from '../predict/engines';
import { readInputs } from '../predict/inputs';
import { loadPredictRun, PredictError } from '../predict/run-model';
import { printable, printableJson } from '../language/printable';

export interface PredictOptions {
  runDir: string;
  inputs: string[];
  top: number;
  engine: string;
  json: boolean;
}

interface ClassScore {
  class: string;
  probability: number;
}

interface SamplePrediction {
  input: string;
  top?: ClassScore[];
  values?: number[];
}

export async function predict(opts: PredictOptions): Promise<number> {
  try {
    const run = loadPredictRun(opts.runDir);
    const inputs = readInputs(opts.inputs, run);
    const out = await runModel(run, inputs.x, inputs.count, opts.engine);
    if (out.sampleShape.length > 1) {
      throw new PredictError(
        `the model outputs ${out.sampleShape.join('×')} per sample (an image-to-image model); predict does not write output images yet`,
      );
    }
    const per = out.sampleShape[0] ?? 1;
    const predictions = inputs.names.map((input, n): SamplePrediction => {
      const row = Array.from(out.values.subarray(n * per, (n + 1) * per));
      return run.classes ? { input, top: topClasses(row, run.classes, opts.top) } : { input, values: row };
    });
    if (opts.json) {
      process.stdout.write(
        printableJson({ runDir: run.runDir, engine: out.engine, device: out.device, predictions }, 2) + '\n',
      );
    } else {
      process.stderr.write(
        `Predicting with ${printable(out.device)} (${engineWhy(out, run.onnxFile !== undefined)})\n`,
      );
      for (const p of predictions) process.stdout.write(formatPrediction(p) + '\n');
    }
    return 0;
  } catch (e) {
    if (e instanceof PredictError) {
      process.stderr.write(`modelspec: ${printable(e.message)}\n`);
      return 1;
    }
    throw e;
  }
}

function engineWhy(out: ModelOutput, hasOnnx: boolean): string {
  if (out.engine === 'onnx') return "the run's model.onnx";
  return hasOnnx ? "the run's model.json" : "the run's model.json; no model.onnx in the run";
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

function formatPrediction(p: SamplePrediction): string {
  const name = printable(p.input);
  if (p.top)
    return `${name}: ${p.top.map((c) => `${printable(c.class)} ${(c.probability * 100).toFixed(1)}%`).join(', ')}`;
  return `${name}: ${p.values!.map((v) => Number(v.toPrecision(6))).join(', ')}`;
}
