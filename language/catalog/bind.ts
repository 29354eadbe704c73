// Completing a call's arguments with the spec's defaults, the way Keras fills in a constructor.

import type { ArgSpec, ArgValue } from './types';

/**
 * The given arguments plus every default the spec declares. A Keras 2 alias (lr, alpha) is stored
 * under its current name. Unknown names are kept as they are: reporting them is the analyzer's job.
 */
export function withDefaults(
  spec: { args: readonly ArgSpec[] },
  given: Record<string, ArgValue>,
): Record<string, ArgValue> {
  const result: Record<string, ArgValue> = {};
  for (const [name, value] of Object.entries(given)) {
    const canonical = spec.args.find((a) => a.deprecatedAliases?.includes(name));
    result[canonical && !(canonical.name in given) ? canonical.name : name] = value;
  }
  for (const a of spec.args) {
    if (!(a.name in result) && a.default !== undefined) result[a.name] = a.default;
  }
  return result;
}
