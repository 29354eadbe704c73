// The gradient of one batch's loss, shared by the training step on this thread and by the
// shard workers of parallel.ts.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { forward } from './activity';
import type { LossFn } from './losses';
import type { MetricSpec } from './metrics';
import { regularizationLosses } from './model';

export interface BatchGradients {
  /** d(mean loss + penalties)/dw for each of model.trainableWeights, in that order. */
  grads: tf.Tensor[];
  /** [loss × batch size, then each metric's numerator and denominator sums] as scalars. */
  sums: tf.Tensor[];
}

/** Call inside tf.tidy; the returned tensors are kept by it. */
export function batchGradients(
  model: tfl.LayersModel,
  lossFn: LossFn,
  metrics: MetricSpec[],
  x: tf.Tensor,
  y: tf.Tensor,
): BatchGradients {
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  let prediction: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const { output, penalty } = forward(model, x, true);
    prediction = tf.keep(output);
    const loss = tf.mean(lossFn(y, prediction));
    const regularization = [...regularizationLosses(model), ...(penalty ? [penalty] : [])];
    return (regularization.length ? tf.addN([loss, ...regularization]) : loss) as tf.Scalar;
  }, variables);
  const batch = x.shape[0]!;
  const sums = [tf.mul(value, batch), ...metrics.flatMap((m) => m.fn(y, prediction!))].map((t) =>
    tf.reshape(tf.cast(t, 'float32'), []),
  );
  prediction!.dispose(); // kept out of variableGrads' scope for the metrics only
  return { grads: variables.map((v) => grads[v.name]!), sums };
}
