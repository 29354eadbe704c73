// `modelspec predict RUN_DIR INPUT... [--best] [--top K] [--engine auto|onnx|tfjs] [--out DIR] [--json]`:
// the trained model on images, CSV rows or .npy arrays (predict/predict.ts); prints the top
// classes with probabilities, the values, or the paths of the output images it wrote.

import { pickBestRun, type PickedRun } from '../predict/best-run';
import { predictRun, type PredictResult, type SamplePrediction } from '../predict/predict';
import { PredictError } from '../predict/run-model';
import { printable, printableJson } from '../language/printable';

export interface PredictOptions {
  /** A run folder, or with `best` a model's runs folder. */
  runDir: string;
  /** Pick the best run below runDir (`modelspec runs`' best validation metric). */
  best?: boolean;
  inputs: string[];
  top: number;
  engine: string;
  outDir?: string;
  json: boolean;
}

export async function predict(opts: PredictOptions): Promise<number> {
  try {
    let picked: PickedRun | undefined;
    if (opts.best) {
      picked = pickBestRun(opts.runDir);
      if (!opts.json) process.stderr.write(`Run ${printable(picked.runDir)}: ${printable(picked.reason)}\n`);
    }
    const result = await predictRun({
      runDir: picked?.runDir ?? opts.runDir,
      inputs: opts.inputs,
      top: opts.top,
      engine: opts.engine,
      outDir: opts.outDir,
    });
    if (opts.json) {
      const { hasOnnx: _, ...shown } = result;
      process.stdout.write(printableJson({ ...shown, ...(picked ? { picked } : {}) }, 2) + '\n');
    } else {
      process.stderr.write(`Predicting with ${printable(result.device)} (${engineWhy(result)})\n`);
      if (result.pixels) process.stderr.write(`Output images: ${printable(result.pixels)}\n`);
      for (const p of result.predictions) process.stdout.write(formatPrediction(p) + '\n');
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

function engineWhy(result: PredictResult): string {
  if (result.engine === 'onnx') return "the run's model.onnx";
  return result.hasOnnx ? "the run's model.json" : "the run's model.json; no model.onnx in the run";
}

function formatPrediction(p: SamplePrediction): string {
  const name = printable(p.input);
  if (p.output !== undefined) return `${name} -> ${printable(p.output)}`;
  if (p.top)
    return `${name}: ${p.top.map((c) => `${printable(c.class)} ${(c.probability * 100).toFixed(1)}%`).join(', ')}`;
  return `${name}: ${p.values!.map((v) => Number(v.toPrecision(6))).join(', ')}`;
}
