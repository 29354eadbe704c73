// Keras metrics as (numerator, denominator) sums per batch, so an epoch's value is the ratio of
// the totals (Keras's stateful metrics) and the totals stay on the device until read.
// 'accuracy'/'acc' resolve from the loss and labels as Keras 3 does.
import * as tf from '@tensorflow/tfjs-core';
import { canonicalLoss } from './losses';

export type MetricFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => [tf.Tensor, tf.Tensor]; // scalar sums

const count = (y: tf.Tensor) => tf.scalar(y.shape[0] ?? 1);
const argmax = (t: tf.Tensor) => tf.argMax(t, -1);

const categoricalAccuracy: MetricFn = (y, p) => [tf.sum(tf.cast(tf.equal(argmax(y), argmax(p)), 'float32')), count(p)];
const sparseCategoricalAccuracy: MetricFn = (y, p) => {
  const labels = tf.reshape(tf.cast(y, 'int32'), [p.shape[0]!]);
  return [tf.sum(tf.cast(tf.equal(labels, tf.cast(argmax(p), 'int32')), 'float32')), count(p)];
};
const binaryAccuracy: MetricFn = (y, p) => {
  const hits = tf.cast(tf.equal(tf.cast(tf.greater(p, 0.5), 'float32'), tf.reshape(y, p.shape)), 'float32');
  return [tf.sum(hits), tf.scalar(hits.size)];
};
const topK =
  (k: number): MetricFn =>
  (y, p) => {
    const labels =
      y.shape.length === p.shape.length && y.shape[y.shape.length - 1] === p.shape[p.shape.length - 1]
        ? argmax(y)
        : tf.reshape(y, [p.shape[0]!]);
    const top = tf.topk(p, Math.min(k, p.shape[p.shape.length - 1]!)).indices; // [batch, k]
    const hits = tf.equal(top, tf.reshape(tf.cast(labels, 'int32'), [-1, 1]));
    return [tf.sum(tf.cast(hits, 'float32')), count(p)];
  };
const meanOf =
  (f: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor): MetricFn =>
  (y, p) => {
    const v = f(tf.reshape(y, p.shape), p);
    return [tf.sum(tf.mean(v, -1)), count(p)];
  };
/** Binary precision/recall with threshold 0.5 over every output (Keras's Precision/Recall). */
const thresholded =
  (which: 'precision' | 'recall'): MetricFn =>
  (y, p) => {
    const labels =
      p.shape[p.shape.length - 1]! > 1 && y.shape.length < p.shape.length
        ? tf.oneHot(tf.cast(tf.reshape(y, [-1]), 'int32'), p.shape[p.shape.length - 1]!)
        : tf.reshape(y, p.shape);
    const pred = tf.cast(tf.greater(p, 0.5), 'float32');
    const truth = tf.cast(tf.greater(labels, 0.5), 'float32');
    const tp = tf.sum(tf.mul(pred, truth));
    return [tp, which === 'precision' ? tf.sum(pred) : tf.sum(truth)];
  };

export interface MetricSpec {
  /** The name the user wrote, which Keras uses as the log key ('accuracy', 'acc', 'mse'). */
  name: string;
  fn: MetricFn;
}

/** Keras 3's resolution of 'accuracy' from the loss and the shape of the output. */
function resolveAccuracy(loss: string, labelEncoding: string, outputUnits: number): MetricFn {
  const l = canonicalLoss(loss);
  if (l === 'sparse_categorical_crossentropy' || labelEncoding === 'index') return sparseCategoricalAccuracy;
  if (l === 'binary_crossentropy' || outputUnits === 1) return binaryAccuracy;
  return categoricalAccuracy;
}

export function getMetrics(names: string[], loss: string, labelEncoding: string, outputUnits: number): MetricSpec[] {
  return names.map((name) => {
    switch (name) {
      case 'accuracy':
      case 'acc':
        return { name, fn: resolveAccuracy(loss, labelEncoding, outputUnits) };
      case 'categorical_accuracy':
        return { name, fn: categoricalAccuracy };
      case 'sparse_categorical_accuracy':
        return { name, fn: sparseCategoricalAccuracy };
      case 'binary_accuracy':
        return { name, fn: binaryAccuracy };
      case 'top_k_categorical_accuracy':
        return { name, fn: topK(5) };
      case 'mse':
      case 'mean_squared_error':
        return { name, fn: meanOf((y, p) => tf.squaredDifference(y, p)) };
      case 'mae':
      case 'mean_absolute_error':
        return { name, fn: meanOf((y, p) => tf.abs(tf.sub(y, p))) };
      case 'precision':
        return { name, fn: thresholded('precision') };
      case 'recall':
        return { name, fn: thresholded('recall') };
      default:
        throw new Error(`unknown metric '${name}'`);
    }
  });
}
