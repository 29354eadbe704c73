// One look for a dataset's copy per data preparation.

import type { PrepareContext } from './types';

/** Runs `find` once per data preparation (both splits, cache key and load), so the copy used is named once. */
export function oncePerPreparation<T>(find: (ctx: PrepareContext) => Promise<T>): (ctx: PrepareContext) => Promise<T> {
  const looked = new WeakMap<PrepareContext, Promise<T>>();
  return (ctx) => {
    let hit = looked.get(ctx);
    if (!hit) looked.set(ctx, (hit = find(ctx)));
    return hit;
  };
}
