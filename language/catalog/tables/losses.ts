// Keras losses by name, with their aliases and the labels each expects:
// 'one-hot' (a vector per sample), 'integer' (a class index), 'binary' (0/1 per output unit),
// 'regression' (real-valued targets).

import type { LossEntry } from '../types';

export const LOSSES: readonly LossEntry[] = [
  {
    name: 'mean_squared_error',
    aliases: ['mse', 'MSE'],
    className: 'MeanSquaredError',
    labels: 'regression',
    doc: 'Mean of (y_true - y_pred)²; the usual regression loss.',
  },
  {
    name: 'mean_absolute_error',
    aliases: ['mae', 'MAE'],
    className: 'MeanAbsoluteError',
    labels: 'regression',
    doc: 'Mean of |y_true - y_pred|; less sensitive to outliers than mse.',
  },
  {
    name: 'mean_absolute_percentage_error',
    aliases: ['mape', 'MAPE'],
    className: 'MeanAbsolutePercentageError',
    labels: 'regression',
    doc: '100 · mean(|y_true - y_pred| / |y_true|).',
  },
  {
    name: 'mean_squared_logarithmic_error',
    aliases: ['msle', 'MSLE'],
    className: 'MeanSquaredLogarithmicError',
    labels: 'regression',
    doc: 'Mean of (log(y_true + 1) - log(y_pred + 1))²; for targets spanning orders of magnitude.',
  },
  {
    name: 'categorical_crossentropy',
    className: 'CategoricalCrossentropy',
    labels: 'one-hot',
    doc: 'Cross-entropy for one-of-N classes with one-hot labels; pair with a softmax output of N units.',
  },
  {
    name: 'sparse_categorical_crossentropy',
    className: 'SparseCategoricalCrossentropy',
    labels: 'integer',
    doc: 'Cross-entropy for one-of-N classes with integer labels (0..N-1); pair with a softmax output of N units.',
  },
  {
    name: 'binary_crossentropy',
    className: 'BinaryCrossentropy',
    labels: 'binary',
    doc: 'Cross-entropy for yes/no labels (0 or 1) per output unit; pair with a sigmoid output.',
  },
  {
    name: 'hinge',
    className: 'Hinge',
    labels: 'binary',
    doc: 'mean(max(1 - y_true · y_pred, 0)) for labels -1/1 (0/1 are converted).',
  },
  {
    name: 'squared_hinge',
    className: 'SquaredHinge',
    labels: 'binary',
    doc: 'mean(max(1 - y_true · y_pred, 0)²) for labels -1/1.',
  },
  {
    name: 'categorical_hinge',
    className: 'CategoricalHinge',
    labels: 'one-hot',
    doc: 'Hinge loss for one-of-N classes with one-hot labels.',
  },
  {
    name: 'kl_divergence',
    aliases: ['kld', 'KLD', 'kullback_leibler_divergence'],
    className: 'KLDivergence',
    labels: 'one-hot',
    doc: 'Kullback-Leibler divergence between label and predicted distributions.',
  },
  {
    name: 'poisson',
    className: 'Poisson',
    labels: 'regression',
    doc: 'mean(y_pred - y_true · log(y_pred)); for count targets.',
  },
  {
    name: 'cosine_similarity',
    className: 'CosineSimilarity',
    labels: 'regression',
    doc: 'Negative cosine similarity between labels and predictions (-1 is best).',
  },
  {
    name: 'huber',
    aliases: ['huber_loss'],
    className: 'Huber',
    labels: 'regression',
    doc: 'Squared error for small errors, absolute error beyond delta=1.0.',
  },
  {
    name: 'log_cosh',
    aliases: ['logcosh'],
    className: 'LogCosh',
    labels: 'regression',
    doc: 'mean(log(cosh(y_pred - y_true))); like mse but robust to outliers.',
  },
];
