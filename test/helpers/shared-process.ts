// What test files that run in one process share (scripts/test-groups.mjs writes the entry that
// imports them, one after another). Each test file is its own bundle with its own copy of every
// module, so module-level variables cannot carry anything between them: the group's entry puts
// this record on globalThis, and its last hook runs `closers` once every file is done.
// A file run on its own (`node --import tsx --test FILE`, or alone in its own process) sees
// no record, and makes and closes its resources itself.

/** The key the group entry (scripts/test-groups.mjs) stores the record under. */
export const SHARED_PROCESS_KEY = 'modelspec.test.sharedProcess';

export interface SharedProcess {
  /** Expensive things made once for the whole process (a browser, a built webview), by name. */
  resources: Map<string, unknown>;
  /** Run after the last file of the process, in order (closing what `resources` holds). */
  closers: (() => Promise<void>)[];
}

/** The record when this file runs in a shared test process; undefined when it runs alone. */
export function sharedProcess(): SharedProcess | undefined {
  return (globalThis as Record<symbol, SharedProcess | undefined>)[Symbol.for(SHARED_PROCESS_KEY)];
}
