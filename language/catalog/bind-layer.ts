// Binding a nested layer call (the `layer` argument of Bidirectional/TimeDistributed, or a call
// an application expands to) to its spec, with defaults applied.

import { withDefaults } from './bind';
import { findLayer } from './layers/registry';
import type { ArgValue, LayerSpec } from './types';
import { isCallArg } from './values';

export function bind(value: ArgValue | undefined): { spec: LayerSpec; args: Record<string, ArgValue> } {
  if (!isCallArg(value)) throw new TypeError(`expected a layer call, got ${JSON.stringify(value)}`);
  const spec = findLayer(value.call);
  if (!spec) throw new TypeError(`unknown layer ${value.call}`);
  return { spec, args: withDefaults(spec, value.args) };
}
