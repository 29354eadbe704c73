// Pretrained(path=...) in the exported scripts: the saved layers are rebuilt as ordinary layers,
// then a small reader puts the saved weights (TF.js layers format: model.json + weight files)
// into them. Shared by both exporters: which layers came from the saved model. The reader and the
// PyTorch loaders are Python (python/modelspec_export/pytorch_weights.py), copied by pytorch-helpers.ts.

import type { LayerInfo, ModelAnalysis } from '../../language/analysis/model';
import type { ArgValue } from '../../language/catalog/types';
import { pythonLiteral } from './python-source';

export interface PretrainedPart {
  /** Absolute path of the saved model.json. */
  file: string;
  /** The saved layers, in order: the model's first layers. */
  layers: LayerInfo[];
}

export function pretrainedPart(model: ModelAnalysis): PretrainedPart | undefined {
  const layers = model.layers.filter((l) => l.expandedFrom === 'Pretrained');
  if (layers.length === 0) return undefined;
  if (model.inputSource?.kind !== 'pretrained') throw new Error('the saved model of Pretrained(...) was not read');
  // The analyzer puts them first; loading by position relies on it.
  if (layers.some((l, i) => model.layers[i] !== l))
    throw new Error('Pretrained(...) must be the first line of the model');
  return { file: model.inputSource.file, layers };
}

const NOT_PRINTED = new Set(['name', 'trainable', 'dtype', 'input_shape', 'input_dim', 'batch_size']);

/** A saved layer as a Keras call, `Dense(4, activation='relu')`: its arguments that differ from the defaults. */
export function savedLayerCall(layer: LayerInfo, prefix: string): string {
  const parts: string[] = [];
  let positional = true;
  for (const a of layer.spec.args) {
    const v = layer.args[a.name];
    if (v === undefined || NOT_PRINTED.has(a.name) || (!a.required && isDefault(v, a.default))) {
      positional = false;
      continue;
    }
    positional &&= a.required === true && !a.keywordOnly;
    parts.push(positional ? pythonLiteral(v) : `${a.name}=${pythonLiteral(v)}`);
  }
  return `${prefix}${layer.spec.name}(${parts.join(', ')})`;
}

function isDefault(v: ArgValue, d: ArgValue | undefined): boolean {
  if (JSON.stringify(v) === JSON.stringify(d ?? null)) return true;
  if (v === 'linear' && d === null) return true; // activation: None and 'linear' are the same
  return Array.isArray(v) && typeof d === 'number' && v.every((x) => x === d); // strides (1, 1) vs 1
}
