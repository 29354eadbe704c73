// Saved TF.js models (model.json) read back for prediction: a GRU or GRUCell config written
// before reset_after was saved lacks it, and a Conv2DTranspose config saved by TF.js's own layer
// (before conv-transpose.ts) lacks dilation_rate. The layers read every argument strictly, so the
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

function catalogDefault(layer: string, arg: string): unknown {
  const spec = getLayer(layer)?.args.find((a) => a.name === arg);
  if (!spec) throw new Error(`the catalog has no ${layer} ${arg}`);
  return spec.default;
}

/** Saved configs that may lack an argument: class, the argument (snake_case), its catalog layer. */
const MAY_LACK: readonly { classes: ReadonlySet<string>; arg: string; camel: string; layer: string }[] = [
  { classes: new Set(['Conv2DTranspose']), arg: 'dilation_rate', camel: 'dilationRate', layer: 'Conv2DTranspose' },
];

/** A copy of a saved topology with each GRU/GRUCell config's missing reset_after (and the arguments MAY_LACK names) taken from the catalog. */
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
    for (const m of MAY_LACK) {
      const c = out['config'];
      if (m.classes.has(String(out['class_name'])) && isObject(c) && !(m.arg in c) && !(m.camel in c))
        out['config'] = { ...c, [m.arg]: catalogDefault(m.layer, m.arg) };
    }
    return out;
  };
  return walk(topology) as T;
}
