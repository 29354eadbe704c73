// Every layer by Keras class name. Built on first use, so that wrappers and applications, which
// look layers up while they run, can import this module without an import-order problem.

import type { LayerSpec } from '../types';
import { CORE_LAYERS } from './core';
import { CONVOLUTION_LAYERS } from './convolution';
import { POOLING_LAYERS } from './pooling';
import { RESHAPING_LAYERS } from './reshaping';
import { RECURRENT_LAYERS } from './recurrent';
import { WRAPPER_LAYERS } from './wrappers';
import { NORMALIZATION_LAYERS } from './normalization';
import { REGULARIZATION_LAYERS } from './regularization';
import { ACTIVATION_LAYERS } from './activation-layers';
import { APPLICATIONS } from './applications';
import { PREPROCESSING_LAYERS } from './preprocessing';
import { GRAPH_APPLICATIONS } from '../applications';

let byName: Map<string, LayerSpec> | undefined;

function table(): Map<string, LayerSpec> {
  byName ??= new Map(
    [
      ...CORE_LAYERS,
      ...CONVOLUTION_LAYERS,
      ...POOLING_LAYERS,
      ...RESHAPING_LAYERS,
      ...RECURRENT_LAYERS,
      ...WRAPPER_LAYERS,
      ...NORMALIZATION_LAYERS,
      ...REGULARIZATION_LAYERS,
      ...ACTIVATION_LAYERS,
      ...PREPROCESSING_LAYERS,
      ...APPLICATIONS,
      ...GRAPH_APPLICATIONS,
    ].map((spec) => [spec.name, spec]),
  );
  return byName;
}

export function findLayer(name: string): LayerSpec | undefined {
  return table().get(name);
}

export function layerList(): LayerSpec[] {
  return [...table().values()];
}
