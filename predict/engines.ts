// Runs a trained model on prepared inputs: ONNX Runtime on the run's model.onnx when the package
// loads (native, no Python), else TensorFlow.js on the run's model.json, as the tfjs engine loads it.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { PredictRun } from './run-model';
import { PredictError } from './run-model';
import { TFJS_LOAD_ERROR } from './tfjs-load-error';

export type PredictEngine = 'onnx' | 'tfjs';

export interface ModelOutput {
  engine: PredictEngine;
  /** count × product(sampleShape). */
  values: Float32Array;
  /** One sample's output shape. */
  sampleShape: number[];
  /** What ran it, in words (ONNX Runtime's version, the tfjs backend). */
  device: string;
}

const BATCH = 256;

type Ort = typeof import('onnxruntime-node');

/** onnxruntime-node is optional: undefined when it is not installed or its native part does not load. */
export function loadOnnxRuntime(): Ort | undefined {
  // Resolved at run time (external to the bundle): from the bundle itself (the CLI's, or the
  // extension's inside VS Code, whose argv[1] is VS Code's own), then the script, then the working directory.
  const from = [
    typeof __filename === 'string' ? __filename : undefined,
    process.argv[1],
    join(process.cwd(), 'index.js'),
  ].filter((f): f is string => f !== undefined);
  for (const base of from) {
    try {
      return createRequire(base)('onnxruntime-node') as Ort;
    } catch {
      // not found from here, or its native part does not load: try the next place
    }
  }
  return undefined;
}

/** 'auto': ONNX Runtime when the run has model.onnx and the package loads, else TF.js. */
export function chooseEngine(run: PredictRun, requested: string): { engine: PredictEngine; ort?: Ort } {
  if (requested !== 'auto' && requested !== 'onnx' && requested !== 'tfjs') {
    throw new PredictError(`unknown --engine '${requested}': use auto, onnx or tfjs`);
  }
  if (requested === 'tfjs') return { engine: 'tfjs' };
  const ort = run.onnxFile ? loadOnnxRuntime() : undefined;
  if (ort) return { engine: 'onnx', ort };
  if (requested === 'onnx') {
    throw new PredictError(
      run.onnxFile
        ? `--engine onnx: the onnxruntime-node package is not installed or does not load here; install it (npm install onnxruntime-node) or use --engine tfjs`
        : `--engine onnx: ${run.runDir} has no model.onnx; make one with \`modelspec export ${run.runDir} --to onnx\`, or use --engine tfjs`,
    );
  }
  return { engine: 'tfjs' };
}

export async function runModel(
  run: PredictRun,
  x: Float32Array,
  count: number,
  requested = 'auto',
): Promise<ModelOutput> {
  const { engine, ort } = chooseEngine(run, requested);
  return engine === 'onnx' ? runOnnx(ort!, run.onnxFile!, run.inputShape, x, count) : runTfjs(run, x, count);
}

async function runOnnx(
  ort: Ort,
  file: string,
  inputShape: number[],
  x: Float32Array,
  count: number,
): Promise<ModelOutput> {
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(file);
  } catch (e) {
    throw new PredictError(
      `${file} cannot be loaded by ONNX Runtime (${(e as Error).message}); export it again with \`modelspec export RUN_DIR --to onnx\`, or use --engine tfjs`,
    );
  }
  const per = inputShape.reduce((a, b) => a * b, 1);
  const input = session.inputNames[0]!;
  const output = session.outputNames[0]!;
  const chunks: Float32Array[] = [];
  let sampleShape: number[] = [];
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i);
    const feeds = { [input]: new ort.Tensor('float32', x.subarray(i * per, (i + n) * per), [n, ...inputShape]) };
    const result = (await session.run(feeds))[output]!;
    sampleShape = result.dims.slice(1).map(Number);
    chunks.push(Float32Array.from(result.data as Float32Array));
  }
  await session.release();
  return { engine: 'onnx', values: concat(chunks), sampleShape, device: 'ONNX Runtime, CPU' };
}

async function runTfjs(run: PredictRun, x: Float32Array, count: number): Promise<ModelOutput> {
  const { runTfjsModel } = await loadTfjsRunner();
  try {
    return await runTfjsModel(run.runDir, run.inputShape, x, count);
  } catch (e) {
    if (e instanceof Error && e.name === TFJS_LOAD_ERROR)
      throw new PredictError(`${run.modelJson} cannot be loaded by TensorFlow.js (${e.message})`);
    throw e;
  }
}

type TfjsRunner = typeof import('./tfjs-runner');

/**
 * The TF.js runner is its own bundle (dist/predict-tfjs.cjs): TF.js is megabytes of code that
 * every other CLI command would otherwise parse at start-up. From sources (tsx), the module itself.
 */
async function loadTfjsRunner(): Promise<TfjsRunner> {
  // In the CommonJS bundles __dirname is dist/; in ESM (tsx) it does not exist.
  if (typeof __dirname === 'string') {
    const bundled = join(__dirname, 'predict-tfjs.cjs');
    if (!existsSync(bundled))
      throw new PredictError(`${bundled} is missing; run \`npm run build\` in the extension folder to rebuild it`);
    return createRequire(bundled)(bundled) as TfjsRunner;
  }
  // A computed specifier, so that esbuild leaves it out of the CLI bundle. (The test bundles
  // bundle it in: scripts/bundle-tests.mjs turns this exact form into a plain import.)
  return (await import(new URL('./tfjs-runner.ts', import.meta.url).href)) as TfjsRunner;
}

function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
