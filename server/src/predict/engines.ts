// Runs a trained model on prepared inputs: ONNX Runtime on the run's model.onnx when the package
// loads (native, no Python), else TensorFlow.js on the run's model.json, as the tfjs engine loads it.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { PredictRun } from './run-model';
import { PredictError } from './run-model';

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
  try {
    // Resolved at run time (external to the bundle): from the script, then the working directory.
    const req = createRequire(process.argv[1] ?? join(process.cwd(), 'index.js'));
    return req('onnxruntime-node') as Ort;
  } catch {
    return undefined;
  }
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

export async function runModel(run: PredictRun, x: Float32Array, count: number, requested = 'auto'): Promise<ModelOutput> {
  const { engine, ort } = chooseEngine(run, requested);
  return engine === 'onnx' ? runOnnx(ort!, run.onnxFile!, run.inputShape, x, count) : runTfjs(run, x, count);
}

async function runOnnx(ort: Ort, file: string, inputShape: number[], x: Float32Array, count: number): Promise<ModelOutput> {
  let session: import('onnxruntime-node').InferenceSession;
  try {
    session = await ort.InferenceSession.create(file);
  } catch (e) {
    throw new PredictError(`${file} cannot be loaded by ONNX Runtime (${(e as Error).message}); export it again with \`modelspec export RUN_DIR --to onnx\`, or use --engine tfjs`);
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
  // Loaded only on this path: TF.js takes a moment to start, ONNX Runtime does not need it.
  const tf = await import('@tensorflow/tfjs-core');
  const tfl = await import('@tensorflow/tfjs-layers');
  const { selectBackend } = await import('../training/engines/tfjs/backend');
  const { registerKerasLayers } = await import('../training/engines/tfjs/layers');
  const { fileIO } = await import('../training/engines/tfjs/model-io');
  const backend = await selectBackend('auto');
  registerKerasLayers();
  let model: import('@tensorflow/tfjs-layers').LayersModel;
  try {
    model = await tfl.loadLayersModel(fileIO(run.runDir));
  } catch (e) {
    throw new PredictError(`${run.modelJson} cannot be loaded by TensorFlow.js (${(e as Error).message})`);
  }
  const per = run.inputShape.reduce((a, b) => a * b, 1);
  const chunks: Float32Array[] = [];
  let sampleShape: number[] = [];
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i);
    const out = tf.tidy(() => {
      const y = model.predict(tf.tensor(x.subarray(i * per, (i + n) * per), [n, ...run.inputShape])) as import('@tensorflow/tfjs-core').Tensor;
      sampleShape = y.shape.slice(1);
      return y.dataSync() as Float32Array;
    });
    chunks.push(Float32Array.from(out));
  }
  model.dispose();
  return { engine: 'tfjs', values: concat(chunks), sampleShape, device: `TensorFlow.js, ${backend.device}` };
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
