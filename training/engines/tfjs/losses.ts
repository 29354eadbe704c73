// Keras losses with Keras 3 semantics: a per-sample value (mean or sum over the last axis),
// then the mean over the batch ("sum_over_batch_size"). Probabilities are clipped to
// [1e-7, 1 - 1e-7] as Keras does, so log(0) never happens.
import * as tf from '@tensorflow/tfjs-core';

const EPS = 1e-7;
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor; // per-sample [batch]

const ALIASES: Record<string, string> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  kld: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
  logcosh: 'log_cosh',
  huber_loss: 'huber',
};

export function canonicalLoss(name: string): string {
  return ALIASES[name] ?? name;
}

const lastMean = (t: tf.Tensor) => tf.mean(t, -1);
const clip = (p: tf.Tensor) => tf.clipByValue(p, EPS, 1 - EPS);

/** Keras converts 0/1 labels to -1/1 for the hinge losses. */
const signed = (y: tf.Tensor) => tf.tidy(() => tf.where(tf.equal(y, 0), tf.fill(y.shape, -1), y));

const LOSSES: Record<string, LossFn> = {
  mean_squared_error: (y, p) => lastMean(tf.squaredDifference(y, p)),
  mean_absolute_error: (y, p) => lastMean(tf.abs(tf.sub(y, p))),
  mean_absolute_percentage_error: (y, p) =>
    tf.mul(100, lastMean(tf.div(tf.abs(tf.sub(y, p)), tf.maximum(tf.abs(y), EPS)))),
  mean_squared_logarithmic_error: (y, p) =>
    lastMean(tf.squaredDifference(tf.log1p(tf.maximum(p, EPS)), tf.log1p(tf.maximum(y, EPS)))),
  categorical_crossentropy: (y, p) => {
    const norm = tf.div(p, tf.sum(p, -1, true));
    return tf.neg(tf.sum(tf.mul(y, tf.log(clip(norm))), -1));
  },
  sparse_categorical_crossentropy: (y, p) => {
    const k = p.shape[p.shape.length - 1]!;
    const labels = tf.reshape(tf.cast(y, 'int32'), p.shape.slice(0, -1));
    return LOSSES.categorical_crossentropy!(tf.oneHot(labels, k), p);
  },
  binary_crossentropy: (y, p) => {
    const c = clip(p);
    return lastMean(tf.neg(tf.add(tf.mul(y, tf.log(c)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, c))))));
  },
  hinge: (y, p) => lastMean(tf.relu(tf.sub(1, tf.mul(signed(y), p)))),
  squared_hinge: (y, p) => lastMean(tf.square(tf.relu(tf.sub(1, tf.mul(signed(y), p))))),
  categorical_hinge: (y, p) => {
    const pos = tf.sum(tf.mul(y, p), -1);
    const neg = tf.max(tf.mul(tf.sub(1, y), p), -1);
    return tf.relu(tf.add(tf.sub(neg, pos), 1));
  },
  kl_divergence: (y, p) => {
    const yc = tf.clipByValue(y, EPS, 1);
    const pc = tf.clipByValue(p, EPS, 1);
    return tf.sum(tf.mul(yc, tf.log(tf.div(yc, pc))), -1);
  },
  poisson: (y, p) => lastMean(tf.sub(p, tf.mul(y, tf.log(tf.add(p, EPS))))),
  cosine_similarity: (y, p) => {
    const n = (t: tf.Tensor) => tf.div(t, tf.sqrt(tf.maximum(tf.sum(tf.square(t), -1, true), 1e-12)));
    return tf.neg(tf.sum(tf.mul(n(y), n(p)), -1));
  },
  huber: (y, p) => {
    const e = tf.abs(tf.sub(y, p));
    const quad = tf.minimum(e, 1);
    return lastMean(tf.add(tf.mul(0.5, tf.square(quad)), tf.sub(e, quad)));
  },
  log_cosh: (y, p) => {
    const x = tf.sub(p, y);
    return lastMean(tf.sub(tf.add(x, tf.softplus(tf.mul(-2, x))), Math.log(2)));
  },
};

export function getLoss(name: string): LossFn {
  const fn = LOSSES[canonicalLoss(name)];
  if (!fn) throw new Error(`unknown loss '${name}'; known: ${Object.keys(LOSSES).join(', ')}`);
  return fn;
}
