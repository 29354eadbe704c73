// Phrases the catalog's generated docs share, in one place so that every rank reads naturally
// ("a tuple of 1 int", never "1 ints"; "the steps axis", never "along steps").

/** `1 int`, `2 ints`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The spatial axes of a 1D/2D/3D layer, by name: steps; height, width; depth, height, width. */
const AXIS_NAMES: readonly (readonly string[])[] = [[], ['steps'], ['height', 'width'], ['depth', 'height', 'width']];

/** The spatial axes as a phrase: `the steps axis`, `height and width`, `depth, height and width`. */
export function axesPhrase(rank: number): string {
  const names = AXIS_NAMES[rank] ?? [];
  if (names.length === 1) return `the ${names[0]} axis`;
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : 'the spatial axes';
}

/** `an int or a tuple of 2 ints (height, width)`: what a window-size argument accepts. */
export function intOrTuplePhrase(rank: number): string {
  const names = AXIS_NAMES[rank];
  return `an int or a tuple of ${count(rank, 'int')}${names?.length ? ` (${names.join(', ')})` : ''}`;
}
