// What test files that run in one process share (scripts/test-groups.mjs writes the entry that
// imports them, one after another). The group's entry puts this record on globalThis, and its last
// hook runs `closers` once every file is done. (The files' bundles share chunks, so modules they
// both import are shared too; this record is what the entry owns and closes.)
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
