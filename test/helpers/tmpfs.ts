// Small tmpfs mounts for tests of read-only and full disks. Mounting needs root (or a sandbox
// that permits it); `mountSkip` says why such a test is skipped elsewhere.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Mounts a tmpfs of `size` (e.g. '64k') at a new folder under `parent`; undefined where mounting is forbidden. */
export function mountTmpfs(parent: string, size: string, readOnly = false): string | undefined {
  const dir = mkdtempSync(join(parent, 'mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${readOnly ? ',ro' : ''}`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
    return dir;
  } catch {
    return undefined;
  }
}

export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir]);
}

const canMount = (() => {
  if (process.platform !== 'linux') return false;
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-mount-probe-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  if (r.status === 0) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return r.status === 0;
})();

/** `false` where tmpfs can be mounted, else the reason a disk test is skipped. */
export const mountSkip: false | string = canMount
  ? false
  : 'cannot mount a tmpfs here (needs root and mount permission); full and read-only disks are not simulated';
