// The weights of a saved model (model.json + weights.bin in TF.js layers format, which every
// run folder holds whichever engine trained it), per layer in Keras's get_weights() order, as
// tensor files that both engines read in place (a path and a byte offset; nothing is copied).
// Used for Pretrained(path=...) and for `modelspec evaluate`.

import { existsSync } from 'node:fs';
import { writeFileAtomic } from './files';
import { dirname, join, resolve } from 'node:path';
import { DataError } from '../language/data/errors';
import { describeKind, MODEL_JSON_MAX_BYTES, readCapped, readHead, statPath } from '../language/data/read-file';
import type { TensorFile } from './protocol';

export interface SavedLayerWeights {
  /** The layer's name in the saved topology, e.g. `dense_1`. */
  name: string;
  className: string;
  tensors: TensorFile[];
  /** Each tensor's weight name within the layer (`kernel`, `bias`, `moving_mean`, …), in the same order. */
  weightNames: string[];
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype?: string;
  quantization?: unknown;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads model.json's topology and weights manifest. `scratchDir` is where a manifest group
 * sharded over several files (as TF.js's converter writes them) is joined into one file, since
 * a weight may straddle two shards. Throws an Error whose message names the file and the problem.
 */
export function readSavedWeights(modelJson: string, scratchDir?: string): SavedLayerWeights[] {
  const file = resolve(modelJson);
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  // The language core's reader: a regular file only (a FIFO or /dev/zero must not hang or fill
  // memory, even if the path changed since it was checked), and capped like the checker's read.
  let bytes: Uint8Array;
  try {
    bytes = readCapped(file, MODEL_JSON_MAX_BYTES, 'a saved model.json');
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    if (e.code === 'data-missing') return fail('cannot read it (ENOENT): no such file; check the path');
    throw new Error(e.message); // names the file, what it is and the fix
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return fail('not JSON');
  }
  if (!isObject(json) || !isObject(json.modelTopology))
    return fail('no modelTopology; it is not a saved TF.js layers model');
  const topology = isObject(json.modelTopology.model_config) ? json.modelTopology.model_config : json.modelTopology;
  const layerList =
    isObject(topology.config) && Array.isArray(topology.config.layers)
      ? (topology.config.layers as unknown[])
      : fail('no Sequential layer list');
  const layers = layerList
    .filter((l): l is Json => isObject(l) && l.class_name !== 'InputLayer')
    .map((l) => ({
      className: String(l.class_name),
      name: isObject(l.config) ? String(l.config.name) : '',
      inner: nestedLayerNames(l),
    }));

  // Byte offsets run over every entry of a group, across the group's files in order.
  const located: { entry: ManifestEntry; tensor: TensorFile }[] = [];
  const groups = Array.isArray(json.weightsManifest) ? (json.weightsManifest as unknown[]) : fail('no weightsManifest');
  groups.forEach((group, g) => {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights))
      return fail(`weightsManifest[${g}] has no paths and weights`);
    const paths = (group.paths as unknown[]).map((p) =>
      typeof p === 'string' ? join(dirname(file), p) : fail(`weightsManifest[${g}].paths holds a non-string`),
    );
    // Each weights file is a regular file, and together they hold at least what the manifest
    // describes: both checked before a byte is read (the engines read them in place).
    let size = 0;
    for (const p of paths) {
      if (!existsSync(p)) fail(`its weights file ${p} is missing; copy it next to model.json`);
      const st = statPath(p);
      if (!st.isFile())
        fail(
          `its weights file ${p} is ${describeKind(st)}, not a regular file; copy the real weights file next to model.json`,
        );
      size += st.size;
    }
    let offset = 0;
    const entries: { entry: ManifestEntry; offset: number }[] = [];
    for (const entry of group.weights as ManifestEntry[]) {
      if (entry.quantization) fail(`weight ${entry.name} is quantized; save the model without quantization`);
      if ((entry.dtype ?? 'float32') !== 'float32')
        fail(`weight ${entry.name} is ${entry.dtype}, only float32 weights can be loaded`);
      const shapeOk = Array.isArray(entry.shape) && entry.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
      const bytes = shapeOk ? entry.shape.reduce((a, b) => a * b, 1) * 4 : NaN;
      if (!Number.isSafeInteger(bytes))
        fail(
          `weight ${entry.name} has no valid shape (${JSON.stringify(entry.shape)?.slice(0, 60)}); it is not a saved TF.js layers model`,
        );
      if (offset + bytes > size)
        fail(
          `its weights file is too short: weight ${entry.name} needs bytes ${offset}–${offset + bytes}, the data has ${size}`,
        );
      entries.push({ entry, offset });
      offset += bytes;
    }
    const data =
      paths.length === 1
        ? paths[0]!
        : joinShards(paths, offset, scratchDir ?? fail('its weights are sharded and there is nowhere to join them'), g);
    for (const { entry, offset } of entries)
      located.push({ entry, tensor: { path: data, dtype: 'float32', shape: entry.shape, offset } });
  });

  // Entries are named `<layer>/<weight>`; TF.js lists all trainable weights first, so they are
  // gathered per layer by name (within a layer the manifest keeps Keras's order).
  const claimed = new Set<number>();
  const claim = (owner: string, tensors: TensorFile[], weightNames: string[], keep: string) => {
    located.forEach(({ entry, tensor }, i) => {
      // `<layer>/<weight>`, or `<scope>/<layer>/<weight>` as some converters write it.
      const prefix = entry.name.startsWith(`${owner}/`) ? `${owner}/` : `/${owner}/`;
      const at = entry.name.indexOf(prefix);
      if (!claimed.has(i) && at >= 0) {
        claimed.add(i);
        tensors.push(tensor);
        weightNames.push(keep + entry.name.slice(at + prefix.length));
      }
    });
  };
  const result = layers.map(({ inner, ...layer }) => {
    const tensors: TensorFile[] = [];
    const weightNames: string[] = [];
    // A nested model (a layer-graph application): TF.js and the torch engine name its weights
    // by its own layers (`conv1_conv/kernel`), taken layer by layer in its config's order.
    if (inner) for (const name of inner) claim(name, tensors, weightNames, `${name}/`);
    else claim(layer.name, tensors, weightNames, '');
    return { ...layer, tensors, weightNames };
  });
  const stray = located.filter((_, i) => !claimed.has(i)).map(({ entry }) => entry.name);
  if (stray.length)
    fail(`weights ${stray.slice(0, 3).join(', ')}${stray.length > 3 ? ' …' : ''} belong to no layer of its topology`);
  return result;
}

/**
 * The layer names of a nested Functional model's config (Keras's and TF.js's layer order), its
 * InputLayer left out; undefined for any other layer.
 */
function nestedLayerNames(layer: Json): string[] | undefined {
  if (layer.class_name !== 'Functional' && layer.class_name !== 'Model') return undefined;
  const inner = isObject(layer.config) && Array.isArray(layer.config.layers) ? layer.config.layers : [];
  return inner
    .filter((l): l is Json => isObject(l) && l.class_name !== 'InputLayer')
    .map((l) => String(l.name ?? (isObject(l.config) ? l.config.name : '')));
}

/** The first `bytes` bytes of the shards in order (what the manifest describes), in one file. */
function joinShards(paths: string[], bytes: number, scratchDir: string, group: number): string {
  const out = join(scratchDir, `weights-group${group}.bin`);
  const parts: Uint8Array[] = [];
  let left = bytes;
  for (const p of paths) {
    if (left === 0) break;
    const part = readHead(p, left); // regular files only, never more than the manifest needs
    parts.push(part);
    left -= part.byteLength;
  }
  writeFileAtomic(out, Buffer.concat(parts));
  return out;
}
