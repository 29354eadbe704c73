// Helpers every data-format module uses for its header probe.

import { DataError } from '../language/data/errors';

/** Runs a header read, attributing a DataError without an argument to `argName` (where the checker puts it). */
export function withArg<T>(argName: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DataError && !e.argName) throw new DataError(e.code, e.message, argName);
    throw e;
  }
}

export const thousands = (n: number): string => n.toLocaleString('en-US');
