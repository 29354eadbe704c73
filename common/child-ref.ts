// Whether a child process keeps this process alive: a helper process that waits (a warm engine,
// a test's warm Python) must not hold a CLI or a test run open, but must while it is working.

import type { ChildProcess } from 'node:child_process';

type Unrefable = { unref?: () => void; ref?: () => void };

/** Whether `child`'s process and its stdio streams keep this process's event loop alive. */
export function setChildRef(child: ChildProcess, ref: boolean): void {
  for (const s of [child.stdin, child.stdout, child.stderr]) {
    const handle = s as unknown as Unrefable | null;
    if (ref) handle?.ref?.();
    else handle?.unref?.();
  }
  if (ref) child.ref();
  else child.unref();
}
