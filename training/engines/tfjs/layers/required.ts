// A layer argument the lowered Keras config must carry. The catalog's lowering writes every
// argument with its Keras default filled in, so a missing one is a bug upstream, named here
// instead of being papered over with a default of the engine's own.

export function required<T>(layer: string, args: Readonly<Record<string, unknown>>, key: string): T {
  const value = args[key];
  if (value === undefined)
    throw new Error(`${layer}: the model config has no '${key}'; ModelSpec's lowering writes every argument (catalog)`);
  return value as T;
}
