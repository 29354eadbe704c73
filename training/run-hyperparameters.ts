// A run's hyperparameters, read from its spec.json: what TensorBoard's HParams dashboard lists
// for the run (tensorboard.ts) and what `modelspec runs` compares between runs. One list, so
// both show the same names and values.

import { getLayer } from '../language/catalog';
import type { RunSpec } from './protocol';

export type HyperparameterValue = number | string | boolean;
export type Hyperparameters = Record<string, HyperparameterValue>;

/** The arguments of a Keras layer class that the catalog marks as hyperparameters (ArgSpec.hyperparameter). */
function hyperparameterArgs(className: string): string[] {
  return (getLayer(className)?.args ?? []).filter((a) => a.hyperparameter).map((a) => a.name);
}

/** `(3, 3)` for a tuple, as the .model file and Keras write it; scalars as they are. */
function scalar(value: unknown): HyperparameterValue | undefined {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'number'))
    return `(${value.join(', ')}${value.length === 1 ? ',' : ''})`;
  return undefined;
}

/**
 * optimizer, its arguments by their Keras names (learning_rate, …), batch_size, epochs, and the
 * searchable arguments of each layer as `<layer name>.<argument>` (`dense_1.units`).
 */
export function runHyperparameters(spec: Pick<RunSpec, 'compile' | 'fit' | 'model'>): Hyperparameters {
  const hp: Hyperparameters = { optimizer: spec.compile.optimizer.name };
  for (const [k, v] of Object.entries(spec.compile.optimizer.args)) hp[k] = v;
  hp.batch_size = spec.fit.batchSize;
  hp.epochs = spec.fit.epochs;
  for (const layer of spec.model.config.layers) {
    const config = layer.config as Record<string, unknown>;
    const name = typeof config.name === 'string' ? config.name : layer.class_name;
    for (const arg of hyperparameterArgs(layer.class_name)) {
      const value = scalar(config[arg]);
      if (value !== undefined) hp[`${name}.${arg}`] = value;
    }
  }
  return hp;
}
