// Keras configs for tests that hand an engine a layer, optimizer or callback directly: every
// argument the test does not give takes the catalog's default, serialized as the lowering writes
// it. The engines hold no Keras default, so a test config must carry them, and this is the one
// place tests get them from (never restated by hand).
import {
  BASE_ARGS,
  allCallbacks,
  allInitializers,
  getAugmentation,
  allLayers,
  allOptimizers,
  getCallback,
  optimizerArgs,
  withDefaults,
} from '../../language/catalog';
import { baseConfig, serializeArg, serializeRef, type KerasObject } from '../../language/catalog/keras-config';
import type { ArgValue, KerasLayerConfig } from '../../language/catalog/types';

/** A layer's Keras config holding only catalog defaults (keyed by Keras class name); {} for a class the catalog lacks (InputLayer). */
export function layerDefaults(className: string): Record<string, unknown> {
  const spec = allLayers().find((s) => s.name === className);
  if (!spec) return {};
  const config: Record<string, unknown> = baseConfig({}, spec.kerasName);
  const base = new Set(BASE_ARGS.map((a) => a.name)); // the lowering writes only name, trainable and dtype of these
  for (const a of spec.args) {
    if (a.default === undefined || a.name in config || base.has(a.name)) continue;
    config[a.name] = serializeArg(a, a.default);
  }
  return config;
}

/** `{class_name, config}` with the given Keras config over the catalog defaults; a deprecated alias given (alpha) replaces its canonical argument. */
export function kerasLayer(className: string, given: Record<string, unknown>): KerasLayerConfig {
  const defaults = layerDefaults(className);
  const spec = allLayers().find((s) => s.name === className);
  for (const a of spec?.args ?? []) {
    if (a.deprecatedAliases?.some((alias) => alias in given) && !(a.name in given)) delete defaults[a.name];
  }
  return { class_name: className, config: { ...defaults, ...given } };
}

/** A callback's arguments with the catalog's defaults, as the training plan gives them. */
export function callbackArgs(name: string, given: Record<string, ArgValue> = {}): Record<string, ArgValue> {
  const spec = getCallback(name);
  if (!spec) throw new Error(`no callback ${name} in the catalog`);
  return withDefaults(spec, given);
}

/** ImageDataGenerator's arguments with the catalog's defaults, as the RunSpec carries them. */
export function augmentArgs(given: Record<string, number | boolean> = {}): Record<string, number | boolean> {
  const spec = getAugmentation('ImageDataGenerator');
  if (!spec) throw new Error('no ImageDataGenerator in the catalog');
  return withDefaults(spec, given) as Record<string, number | boolean>;
}

/** Every catalog default the Python unit tests need, as one JSON document (python/tests/helpers.py reads it). */
export function catalogDefaults(): {
  layers: Record<string, Record<string, unknown>>;
  optimizers: Record<string, Record<string, unknown>>;
  callbacks: Record<string, Record<string, ArgValue>>;
  augment: Record<string, number | boolean>;
  initializers: Record<string, KerasObject | null>;
} {
  return {
    initializers: Object.fromEntries(
      allInitializers().map((i) => [i.className, serializeRef(allInitializers(), i.name)]),
    ),
    layers: Object.fromEntries(allLayers().map((s) => [s.name, layerDefaults(s.name)])),
    optimizers: Object.fromEntries(allOptimizers().map((o) => [o.name, optimizerArgs(o.name)])),
    callbacks: Object.fromEntries(allCallbacks().map((c) => [c.name, callbackArgs(c.name)])),
    augment: augmentArgs(),
  };
}
