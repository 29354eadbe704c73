// Keras metrics by name, with aliases, and which way each is better (KerasTuner's
// `infer_metric_direction`: accuracies, precision and recall up; errors down).

import type { MetricEntry } from '../types';

export const METRICS: readonly MetricEntry[] = [
  {
    name: 'accuracy',
    aliases: ['acc'],
    className: 'Accuracy',
    direction: 'max',
    doc: 'Fraction of correct predictions; Keras picks binary, categorical or sparse accuracy to match the loss.',
  },
  {
    name: 'binary_accuracy',
    className: 'BinaryAccuracy',
    direction: 'max',
    doc: 'Fraction of outputs on the right side of 0.5 for 0/1 labels.',
  },
  {
    name: 'categorical_accuracy',
    className: 'CategoricalAccuracy',
    direction: 'max',
    doc: 'Fraction of samples whose largest output matches the one-hot label.',
  },
  {
    name: 'sparse_categorical_accuracy',
    className: 'SparseCategoricalAccuracy',
    direction: 'max',
    doc: 'Fraction of samples whose largest output matches the integer label.',
  },
  {
    name: 'top_k_categorical_accuracy',
    className: 'TopKCategoricalAccuracy',
    direction: 'max',
    doc: 'Fraction of samples whose one-hot label is among the k=5 largest outputs.',
  },
  {
    name: 'sparse_top_k_categorical_accuracy',
    className: 'SparseTopKCategoricalAccuracy',
    direction: 'max',
    doc: 'Fraction of samples whose integer label is among the k=5 largest outputs.',
  },
  {
    name: 'mean_squared_error',
    aliases: ['mse'],
    className: 'MeanSquaredError',
    direction: 'min',
    doc: 'Mean of (y_true - y_pred)².',
  },
  {
    name: 'mean_absolute_error',
    aliases: ['mae'],
    className: 'MeanAbsoluteError',
    direction: 'min',
    doc: 'Mean of |y_true - y_pred|.',
  },
  {
    name: 'precision',
    className: 'Precision',
    direction: 'max',
    doc: 'Of the samples predicted positive (output above 0.5), the fraction that are positive.',
  },
  {
    name: 'recall',
    className: 'Recall',
    direction: 'max',
    doc: 'Of the positive samples, the fraction predicted positive (output above 0.5).',
  },
];
