// Runs a run's model.json with TensorFlow.js, as the tfjs engine loads it (its backend choice,
// its Keras layers). Bundled on its own (dist/predict-tfjs.cjs) and loaded only by predict.

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../training/engines/tfjs/backend';
import { registerKerasLayers } from '../training/engines/tfjs/layers';
import { fileIO } from '../training/engines/tfjs/model-io';
import { TfjsLoadError } from './tfjs-load-error';

const BATCH = 256;

export async function runTfjsModel(
  modelDir: string,
  inputShape: number[],
  x: Float32Array,
  count: number,
): Promise<{ engine: 'tfjs'; values: Float32Array; sampleShape: number[]; device: string }> {
  const backend = await selectBackend('auto');
  registerKerasLayers();
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(fileIO(modelDir));
  } catch (e) {
    throw new TfjsLoadError((e as Error).message);
  }
  const per = inputShape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(count * (model.outputs[0]!.shape.slice(1) as number[]).reduce((a, b) => a * b, 1));
  let sampleShape: number[] = [];
  let o = 0;
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i);
    const out = tf.tidy(() => {
      const y = model.predict(tf.tensor(x.subarray(i * per, (i + n) * per), [n, ...inputShape])) as tf.Tensor;
      sampleShape = y.shape.slice(1);
      return y.dataSync() as Float32Array;
    });
    values.set(out, o);
    o += out.length;
  }
  model.dispose();
  return { engine: 'tfjs', values, sampleShape, device: `TensorFlow.js, ${backend.device}` };
}
