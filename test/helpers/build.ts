// Tests that run the bundles (CLI, language server, TF.js engine) need them built. `npm test`
// (scripts/test.mjs) builds once before any test starts; this covers running one file directly.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const BUNDLES = ['dist/cli.cjs', 'dist/server.cjs', 'dist/engine-tfjs.cjs'];

export function ensureBuilt(): void {
  if (BUNDLES.some((b) => !existsSync(b))) execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
