// The folder of ModelSpec's package.json, found from this module's own location, so the same
// code finds media/, python/ and dist/ when run from sources (tsx), from the bundles in
// dist/, and from an installed extension.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'modelspec')
          return (cached = dir);
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('ModelSpec: cannot find its package folder (package.json named "modelspec")');
    dir = parent;
  }
}
