// Saved TF.js models (model.json) read back for prediction: a GRU or GRUCell config written
// before reset_after was saved lacks it. The layers read every argument strictly, so the
// catalog's default fills it here, where saved configs enter, and nowhere else.
import { getLayer } from '../../../language/catalog';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const GRU_CLASSES = new Set(['GRU', 'GRUCell']);

function catalogResetAfter(): boolean {
  const value = getLayer('GRU')?.args.find((a) => a.name === 'reset_after')?.default;
  if (typeof value !== 'boolean') throw new Error('the catalog has no boolean default for GRU reset_after');
  return value;
}

/** A copy of a saved topology with each GRU/GRUCell config's missing reset_after taken from the catalog. */
export function withSavedDefaults<T>(topology: T): T {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!isObject(value)) return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v);
    const config = out['config'];
    // TF.js writes configs snake_cased (reset_after); a hand-written one may be camelCased.
    if (
      GRU_CLASSES.has(String(out['class_name'])) &&
      isObject(config) &&
      !('reset_after' in config) &&
      !('resetAfter' in config)
    ) {
      out['config'] = { ...config, reset_after: catalogResetAfter() };
    }
    return out;
  };
  return walk(topology) as T;
}
