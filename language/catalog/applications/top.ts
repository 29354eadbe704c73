// The classifier top most Keras Applications share (imagenet_utils): with include_top,
// GlobalAveragePooling2D 'avg_pool' and Dense 'predictions'; without, the optional pooling.

import type { ArgValue } from '../types';
import type { GraphBuilder } from '../graph/layer-graph';

export function classifierTop(g: GraphBuilder, x: string, args: Record<string, ArgValue>): string {
  if (args.include_top !== false) {
    x = g.layer('GlobalAveragePooling2D', { name: 'avg_pool' }, x);
    return g.layer(
      'Dense',
      { units: args.classes ?? 1000, activation: args.classifier_activation ?? null, name: 'predictions' },
      x,
    );
  }
  return poolingTop(g, x, args);
}

/** Without the top: `pooling='avg'|'max'` as Keras names them. */
export function poolingTop(g: GraphBuilder, x: string, args: Record<string, ArgValue>): string {
  if (args.pooling === 'avg') return g.layer('GlobalAveragePooling2D', { name: 'avg_pool' }, x);
  if (args.pooling === 'max') return g.layer('GlobalMaxPooling2D', { name: 'max_pool' }, x);
  return x;
}

/**
 * Without the top, Xception, InceptionV3, InceptionResNetV2, NASNet and ConvNeXt leave the
 * pooling unnamed: Keras's auto names global_average_pooling2d / global_max_pooling2d.
 */
export function unnamedPooling(g: GraphBuilder, x: string, args: Record<string, ArgValue>): string {
  if (args.pooling === 'avg') return g.layer('GlobalAveragePooling2D', {}, x);
  if (args.pooling === 'max') return g.layer('GlobalMaxPooling2D', {}, x);
  return x;
}
