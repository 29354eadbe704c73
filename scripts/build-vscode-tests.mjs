// Bundles the integration tests that run inside VS Code's extension host
// (test/vscode/suite/index.ts → out/test/vscode/index.cjs). `vscode` is provided by the host and
// mocha is loaded from node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: ['test/vscode/suite/index.ts'],
  outfile: 'out/test/vscode/index.cjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  external: ['vscode', 'mocha'],
});
