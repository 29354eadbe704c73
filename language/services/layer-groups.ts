// Keras's summary rows grouped by the source line they come from: one call is one layer, except
// an application (VGG16), which expands to many. Hints and the outline show one entry per call.

import type { LayerInfo } from '../analysis/model';

export function groupByCall(layers: readonly LayerInfo[]): LayerInfo[][] {
  const groups: LayerInfo[][] = [];
  for (const layer of layers) {
    const current = groups[groups.length - 1];
    if (current && current[0].call === layer.call) current.push(layer);
    else groups.push([layer]);
  }
  return groups;
}

/** Trainable and non-trainable parameters of a group; undefined when any count is unknown. */
export function groupParams(group: readonly LayerInfo[]): { trainable: number; nonTrainable: number } | undefined {
  if (!group.every((l) => l.params)) return undefined;
  return {
    trainable: group.reduce((n, l) => n + (l.params?.trainable ?? 0), 0),
    nonTrainable: group.reduce((n, l) => n + (l.params?.nonTrainable ?? 0), 0),
  };
}
