// Reading the layers of a saved model (model.json in TF.js layers format, as every ModelSpec run
// folder holds one) for `Pretrained(path=...)`: the layer calls it stands for and its input
// shape. Only the JSON is read, never the weights; results are cached by path and mtime.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { getLayer } from '../catalog';
import type { ArgValue, Shape } from '../catalog/types';
import { DataError } from './errors';
import { excerpt } from '../excerpt';
import { MODEL_JSON_MAX_BYTES, readCapped } from './read-file';

export interface SavedLayer {
  layer: string;
  args: Record<string, ArgValue>;
}

export type SavedModel =
  | { ok: true; inputShape: Shape; layers: SavedLayer[]; file: string }
  | { ok: false; code: 'data-missing' | 'data-format' | 'data-slow'; message: string };

const cache = new Map<string, { stamp: string; model: SavedModel }>();

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readSavedModel(path: string, baseDir: string): SavedModel {
  const file = resolve(baseDir, path);
  let stamp: string;
  try {
    const st = statSync(file);
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch {
    return {
      ok: false,
      code: 'data-missing',
      message: `No saved model at ${file}; train a model first (its run folder holds model.json), or fix the path`,
    };
  }
  const cached = cache.get(file);
  if (cached?.stamp === stamp) return cached.model;
  const model = parseSavedModel(file);
  cache.set(file, { stamp, model });
  return model;
}

function parseSavedModel(file: string): SavedModel {
  const bad = (why: string): SavedModel => ({
    ok: false,
    code: 'data-format',
    message: `${file} is not a saved Sequential model (${why}); point Pretrained at a run folder's model.json`,
  });
  let bytes: Uint8Array;
  try {
    // Capped and regular files only: /dev/zero or a FIFO here must not hang or fill memory.
    bytes = readCapped(file, MODEL_JSON_MAX_BYTES, 'a saved model.json');
  } catch (e) {
    if (e instanceof DataError)
      return { ok: false, code: e.code === 'data-missing' ? 'data-missing' : 'data-format', message: e.message };
    return bad(excerpt(e instanceof Error ? e.message : String(e), 200));
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return bad('not JSON'); // the parser's message quotes the file: leave it out
  }
  // TF.js writes {modelTopology: {class_name, config}}; Keras's converter nests it under model_config.
  const topology = isObject(json) && isObject(json.modelTopology) ? json.modelTopology : undefined;
  const model = topology && isObject(topology.model_config) ? topology.model_config : topology;
  if (!model || model.class_name !== 'Sequential' || !isObject(model.config) || !Array.isArray(model.config.layers)) {
    return bad('no Sequential modelTopology');
  }
  const layers: SavedLayer[] = [];
  let inputShape: Shape | undefined;
  for (const entry of model.config.layers as unknown[]) {
    if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config))
      return bad('a layer without class_name and config');
    const config = entry.config;
    const batchShape = config.batch_input_shape ?? config.batch_shape;
    if (inputShape === undefined && Array.isArray(batchShape)) {
      const dims = (batchShape as unknown[]).slice(1);
      if (dims.length === 0 || !dims.every((d) => d === null || (Number.isSafeInteger(d) && (d as number) >= 1))) {
        return bad(`its input shape ${excerpt(JSON.stringify(batchShape))} is not a list of sizes`);
      }
      inputShape = dims as Shape;
    }
    if (entry.class_name === 'InputLayer') continue;
    const spec = getLayer(entry.class_name);
    if (!spec) return bad(`layer class '${excerpt(entry.class_name)}' is not one ModelSpec knows`);
    // A layer's config holds its constructor arguments under their Keras names.
    const args: Record<string, ArgValue> = {};
    for (const a of spec.args) {
      const v = config[a.name];
      if (v === undefined || a.name === 'input_shape' || a.name === 'batch_size') continue;
      if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null) args[a.name] = v;
      else if (Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null || Array.isArray(x)))
        args[a.name] = v as ArgValue;
    }
    layers.push({ layer: spec.name, args });
  }
  if (!inputShape) return bad('no batch_input_shape on its first layer');
  if (layers.length === 0) return bad('no layers');
  return { ok: true, inputShape, layers, file };
}
