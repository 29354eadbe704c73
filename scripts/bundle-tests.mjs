// Compiles test files once, with esbuild, into plain ES modules that Node runs without tsx.
// Why: registering tsx costs every test process (and the runner's) about 0.7 s of CPU, for its
// loader thread and hooks, whatever the file holds. Measured on test/language/catalog/core.test.ts:
// 1.25 s of CPU under tsx, 1.2 s for its bundle still run with `--import tsx`, 0.5 s for the
// bundle run by plain Node. Over the 100 unit test files that is over a minute of CPU.
//
// Each test file becomes out/test-bundles/<its path>.js (the repository's package.json says
// "type": "module"), with packages left to Node. All test files are bundled together, with code
// splitting (bundleTests below): a source module that several test files import lives in a shared chunk
// (out/test-bundles/chunks/), so where test files share a process (scripts/test-groups.mjs) it
// is compiled, run and source-mapped once, not once per file. Measured on the 47 language files
// in one process: 12.5 s of CPU with a bundle per file, 8.0 s with shared chunks.
// A module's import.meta.url, .dirname and .filename are replaced by its own source location, so
// a test or a source module finds its files (fixtures, python/, dist/) exactly as it does under tsx.
// Stack traces map back to the .ts sources through the linked source maps (--enable-source-maps).
// A module's run-time import of a sibling by its source URL (predict/engines.ts's TF.js runner)
// is bundled in (SOURCE_URL_IMPORT below); other computed imports of .ts files would fail.
// Running a file directly with `node --import tsx --test FILE` works as before.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const BUNDLE_DIR = 'out/test-bundles';

/** The bundle a test file runs as. */
export function bundlePath(file) {
  return `${BUNDLE_DIR}/${file.replace(/\.ts$/, '.js')}`;
}

/** The test file a bundle was made from (for reports): the inverse of bundlePath. */
export function sourceOfBundle(path) {
  const rel = relative(process.cwd(), path).split('\\').join('/');
  return rel.startsWith(`${BUNDLE_DIR}/`) ? rel.slice(BUNDLE_DIR.length + 1).replace(/\.js$/, '.ts') : rel;
}

// A module that imports a sibling by its source URL at run time, which the product's bundles
// leave out on purpose (predict/engines.ts: the TF.js runner is a bundle of its own there):
// plain Node cannot import a .ts file, so in a test bundle it becomes a plain import, which
// esbuild bundles in, to be loaded when first asked for, as tsx would load the source.
const SOURCE_URL_IMPORT = /import\(\s*new URL\(\s*(['"])(\.{1,2}\/[^'"]+)\1\s*,\s*import\.meta\.url\s*\)\.href\s*\)/g;

// Replaces import.meta's location fields in each of our own modules by that module's source
// location. (esbuild's own handling would give every module the bundle's location.)
const sourceLocations = {
  name: 'source-locations',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      if (text.includes('import.meta')) {
        text = text
          .replace(SOURCE_URL_IMPORT, (_, quote, specifier) => `import(${quote}${specifier}${quote})`)
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path));
      }
      return { contents: text, loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js' };
    });
  },
};

// Packages stay outside the bundles, loaded by Node's own ESM resolution from the bundle's place
// (out/ is inside the repository, so node_modules is found as from the sources). tsx lets a deep
// import omit its extension ('vscode-languageserver/node', 'crc-32/crc32c') where Node's ESM does
// not: for a package without an "exports" map, such a specifier becomes the file esbuild resolves.
// chevrotain (the parser): its ES build is hundreds of small modules (with lodash-es), and Node's
// ESM loader took half a second of CPU to resolve them in every process that parses; bundled in,
// it was 80% of every parsing test's bundle (316 of 400 kB), compiled, run and source-mapped once
// per file. So its single-file ES build (lib/chevrotain.mjs, the same exports) is loaded instead,
// by its path (the package's "exports" name only the many-module build): once per process.
const CHEVROTAIN = resolve('node_modules/chevrotain/lib/chevrotain.mjs');

const packagesOutside = {
  name: 'packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'packages-outside' || args.path.startsWith('node:')) return undefined;
      if (args.path === 'chevrotain' && existsSync(CHEVROTAIN)) return { path: CHEVROTAIN, external: true };
      const parts = args.path.split('/');
      const name = parts.slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
      if (parts.length === name.split('/').length) return { path: args.path, external: true };
      const found = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'packages-outside',
      });
      const marker = `node_modules/${name}/`;
      const file = found.path.split('\\').join('/');
      const at = file.lastIndexOf(marker);
      if (found.errors.length || at < 0) return { path: args.path, external: true };
      const manifest = JSON.parse(await readFile(`${file.slice(0, at + marker.length)}package.json`, 'utf8'));
      const path = manifest.exports === undefined ? `${name}/${file.slice(at + marker.length)}` : args.path;
      return { path, external: true };
    });
  },
};

// Large CommonJS packages are loaded with require() (createRequire, from the bundle's place)
// rather than imported: Node's ESM import of a CommonJS file first compiles it to detect its
// module syntax and scans it for export names (cjs-module-lexer), then loads it as require()
// does. Measured on this machine (CPU per process, import vs require): the four TF.js packages
// 0.94 s vs 0.38 s, typescript 1.06 s vs 0.61 s, playwright-core 1.02 s vs 0.78 s, esbuild
// 0.26 s vs 0.14 s; small packages (pngjs, jpeg-js, protobufjs) cost the same either way.
// Each becomes a module of the bundle whose module.exports is require()'s answer, which
// esbuild's own interop turns into the namespace and default the test's imports expect (Node's
// semantics: default is module.exports). Only static imports: a dynamic import() of a package
// keeps Node's own loading and errors.
const REQUIRED = /^(@tensorflow\/|typescript$|playwright-core$|esbuild$)/;
const REQUIRED_NAMESPACE = 'required-package';
const REQUIRE_BANNER =
  "import { createRequire as __modelspecCreateRequire } from 'node:module';\n" +
  'const __modelspecRequire = __modelspecCreateRequire(import.meta.url);';

const packagesRequired = {
  name: 'packages-required',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'import-statement' || !REQUIRED.test(args.path)) return undefined;
      return { path: args.path, namespace: REQUIRED_NAMESPACE };
    });
    b.onLoad({ filter: /.*/, namespace: REQUIRED_NAMESPACE }, (args) => ({
      contents: `module.exports = __modelspecRequire(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** Whether a bundle is missing or older than one of the files it was made from. */
function stale(bundle, inputs) {
  if (!existsSync(bundle) || !inputs) return true;
  const made = statSync(bundle).mtimeMs;
  return inputs.some((f) => !existsSync(f) || statSync(f).mtimeMs > made);
}

const INPUTS = `${BUNDLE_DIR}/inputs.json`;
const CHUNKS = `${BUNDLE_DIR}/chunks`;

/** An output and the chunks it imports, transitively (esbuild's metafile). */
function withChunks(outputs, out, seen = new Set()) {
  if (seen.has(out)) return seen;
  seen.add(out);
  for (const i of outputs[out]?.imports ?? []) if (!i.external && i.path in outputs) withChunks(outputs, i.path, seen);
  return seen;
}

/**
 * Bundles the test files (paths relative to the repository root); returns each one's bundle path
 * and the packages it imports (scripts/test.mjs groups the files that import TF.js apart). When
 * one of them is out of date with its sources, every test file bundled before is bundled again
 * with them, in one build: each module is then in exactly one output, so two files in one process
 * never load two copies of it (TF.js's registrations, made once per process, depend on that).
 * Outputs are written whole (temp + rename) and only when they changed, so a test run reading
 * them meanwhile sees the old file or the new one. Each bundle's inputs and chunks (from
 * esbuild's metafile) are kept in out/test-bundles/inputs.json, so a second run with no source
 * changed builds nothing.
 */
export async function bundleTests(files) {
  const known = existsSync(INPUTS) ? JSON.parse(readFileSync(INPUTS, 'utf8')) : {};
  const missingChunk = (f) => (known[f]?.chunks ?? []).some((c) => !existsSync(c));
  if (files.some((f) => stale(bundlePath(f), known[f]?.inputs) || missingChunk(f))) {
    // A test file deleted since is forgotten, and its chunks with it (removeOldChunks).
    for (const f of Object.keys(known)) if (!existsSync(f)) delete known[f];
    const all = [...new Set([...Object.keys(known), ...files])].sort();
    // Loaded only when a bundle is out of date (every test run asks; most find nothing to do).
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: all.map((f) => resolve(f)),
      write: false,
      outbase: '.',
      outdir: BUNDLE_DIR,
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      sourcemap: 'linked',
      sourcesContent: false,
      metafile: true,
      logLevel: 'warning',
      // As scripts/build.mjs: the walkthrough's example is imported as text.
      loader: { '.model': 'text' },
      banner: { js: REQUIRE_BANNER },
      plugins: [packagesRequired, packagesOutside, sourceLocations],
    });
    for (const file of result.outputFiles) writeIfChanged(file.path, file.contents);
    const { outputs } = result.metafile;
    for (const [out, meta] of Object.entries(outputs)) {
      if (!meta.entryPoint) continue;
      const [, ...chunks] = withChunks(outputs, out); // the entry first, then what it imports
      const parts = [meta, ...chunks.map((c) => outputs[c])];
      const sources = parts.flatMap((m) => Object.keys(m.inputs));
      // This script too: a change to how bundles are made remakes them all.
      const inputs = [...new Set(sources.filter((f) => !f.startsWith('node_modules/')))];
      // The packages it loads: Node's imports, and those loaded with require() (packagesRequired).
      const required = sources
        .filter((f) => f.startsWith(`${REQUIRED_NAMESPACE}:`))
        .map((f) => f.slice(REQUIRED_NAMESPACE.length + 1));
      const imported = parts.flatMap((m) => m.imports.filter((i) => i.external).map((i) => i.path));
      const packages = [...new Set([...imported, ...required])].sort();
      known[sourceOfBundle(out)] = { inputs: [...inputs, 'scripts/bundle-tests.mjs'], packages, chunks };
    }
    writeFileSync(`${INPUTS}.${process.pid}`, JSON.stringify(known));
    renameSync(`${INPUTS}.${process.pid}`, INPUTS); // whole, for a run reading it meanwhile
    removeOldChunks(known);
  }
  return files.map((f) => ({ bundle: bundlePath(f), packages: known[f].packages, inputs: known[f].inputs }));
}

/** Writes `contents` to `path` whole, unless it holds them already (then only its time is renewed). */
function writeIfChanged(path, contents) {
  if (existsSync(path) && Buffer.from(contents).equals(readFileSync(path))) {
    const now = new Date();
    utimesSync(path, now, now); // newer than its inputs: not stale
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/**
 * Removes the chunks that no bundle uses any more (each rebuild after an edit writes new ones).
 * Only those older than an hour: a test run started meanwhile may have written its own.
 */
function removeOldChunks(known) {
  if (!existsSync(CHUNKS)) return;
  const used = new Set(Object.values(known).flatMap((k) => k.chunks ?? []));
  const hourAgo = Date.now() - 3_600_000;
  for (const name of readdirSync(CHUNKS)) {
    const path = `${CHUNKS}/${name}`;
    if (used.has(path.replace(/\.map$/, '')) || statSync(path).mtimeMs > hourAgo) continue;
    rmSync(path, { force: true });
  }
}
