// Finding an entry by its name, an alias, or its Keras class name (Keras's `get()` accepts all three).

import type { NamedEntry } from '../types';

export function findEntry<T extends NamedEntry & { className?: string }>(
  entries: readonly T[],
  name: string,
): T | undefined {
  return entries.find((e) => e.name === name || e.className === name || (e.aliases?.includes(name) ?? false));
}

/** Every name an entry may be written as, for completion and did-you-mean. */
export function allNames(entries: readonly (NamedEntry & { className?: string })[]): string[] {
  return entries.flatMap((e) => [
    e.name,
    ...(e.aliases ?? []),
    ...(e.className && e.className !== e.name ? [e.className] : []),
  ]);
}
