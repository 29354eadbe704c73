// Reads a run folder's spec.json for the panel's overfitting advice (run-traits.ts).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSpec } from '../../../server/src/training/protocol';
import { runTraits, type RunTraits } from '../../../server/src/training/run-traits';

/** The traits of the run in `runDir`, or undefined when its spec.json is missing or unreadable. */
export function readRunTraits(runDir: string): RunTraits | undefined {
  const file = join(runDir, 'spec.json');
  if (!existsSync(file)) return undefined;
  try {
    return runTraits(JSON.parse(readFileSync(file, 'utf8')) as RunSpec);
  } catch {
    return undefined; // the advice then lists every remedy, as before
  }
}
