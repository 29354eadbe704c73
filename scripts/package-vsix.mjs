// `npm run package`: builds, then packs the extension into a .vsix offline. Everything it runs
// is bundled into dist/ (.vscodeignore says what goes in), so no node_modules are shipped;
// @tensorflow/tfjs-node stays an optional dependency that users may install for native speed.
//
// The package is what a Marketplace user sees, so it is assembled in a staging folder rather
// than packed from the checkout as it is:
// - README.md is the editor user's README (docs/marketplace/README.md); the repository's
//   README.md stays the developers' page;
// - the language reference (the contract, ../shared/LANGUAGE.md) ships as LANGUAGE.md;
// - package.json leaves out what only a checkout uses (bin, scripts with postinstall,
//   devDependencies);
// - the bundles are minified, without the sourceMappingURL comments of maps that are not shipped.
// The checkout's dist/ is left as built (tests run those bundles, with their maps).
//
//   node scripts/package-vsix.mjs [--no-build] [--out FILE]    (default: modelspec.vsix)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { transform } from 'esbuild';
import { copyWasm } from './copy-wasm.mjs';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = resolve(outAt >= 0 ? args[outAt + 1] : 'modelspec.vsix');
const ROOT = resolve(import.meta.dirname, '..');

/** The editor user's README, shipped as the package's README.md. */
const MARKETPLACE_README = 'docs/marketplace/README.md';
/** The language contract, shipped as LANGUAGE.md (MODELSPEC_LANGUAGE_MD overrides where it is). */
const LANGUAGE_MD = process.env.MODELSPEC_LANGUAGE_MD ?? resolve(ROOT, '..', 'shared', 'LANGUAGE.md');
/** Manifest fields that only a checkout uses; the installed extension never reads them. */
const DEV_ONLY_FIELDS = ['bin', 'scripts', 'devDependencies'];

// vsce from this checkout's node_modules: it also runs in the staging folder, which has none.
const VSCE = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');

function run(command, argv, options = {}) {
  const r = spawnSync(command, argv, { stdio: 'inherit', cwd: ROOT, ...options });
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r;
}

function fail(message) {
  console.error(`package-vsix: ${message}`);
  process.exit(1);
}

if (!args.includes('--no-build')) run(process.execPath, ['scripts/build.mjs']);
// The TensorFlow.js engine looks for its .wasm binaries next to dist/engine-tfjs.cjs.
copyWasm(join(ROOT, 'dist'));
if (!existsSync(LANGUAGE_MD))
  fail(
    `the language reference is missing: looked for ${LANGUAGE_MD} (set MODELSPEC_LANGUAGE_MD to the contract's LANGUAGE.md).`,
  );
if (!existsSync(join(ROOT, MARKETPLACE_README)))
  fail(`the extension's README is missing: ${join(ROOT, MARKETPLACE_README)}`);

// What goes in: vsce's own reading of .vscodeignore, the one list of shipped files.
const listed = spawnSync(process.execPath, [VSCE, 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
if (listed.status !== 0) fail(`vsce ls failed:\n${listed.stdout}${listed.stderr}`);
const files = listed.stdout
  .split('\n')
  .map((l) => l.trim())
  .filter(Boolean);

const stage = mkdtempSync(join(tmpdir(), 'modelspec-package-'));
try {
  for (const file of files) {
    const from = join(ROOT, file);
    const to = join(stage, file);
    mkdirSync(dirname(to), { recursive: true });
    if (file === 'package.json') writeFileSync(to, packagedManifest(readFileSync(from, 'utf8')));
    else if (file === 'README.md') copyFileSync(join(ROOT, MARKETPLACE_README), to);
    else if (/^dist\/[^/]+\.cjs$/.test(file)) writeFileSync(to, await minified(readFileSync(from, 'utf8'), file));
    else copyFileSync(from, to);
  }
  copyFileSync(LANGUAGE_MD, join(stage, 'LANGUAGE.md'));
  // Relative links stay relative: the README's images and LANGUAGE.md are in the package, and
  // VS Code's extension page resolves them there (offline too).
  run(process.execPath, [VSCE, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], {
    cwd: stage,
  });
} finally {
  rmSync(stage, { recursive: true, force: true });
}

/** package.json as shipped: the checkout's, less its dev-only fields. */
function packagedManifest(text) {
  const manifest = JSON.parse(text);
  for (const field of DEV_ONLY_FIELDS) delete manifest[field];
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/**
 * A bundle minified for the package. keepNames: class and function names stay (TF.js and
 * error messages read them). No source map is shipped, so no sourceMappingURL comment either.
 */
async function minified(code, file) {
  const result = await transform(code, {
    loader: 'js',
    minify: true,
    keepNames: true,
    target: 'node20',
    legalComments: 'eof',
    sourcefile: file,
  });
  return result.code.replace(/^\/\/# sourceMappingURL=.*$/gm, '');
}
