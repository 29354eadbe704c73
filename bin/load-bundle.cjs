'use strict';
// Runs a dist/ bundle as a CommonJS module, compiled with V8's code cache (`<bundle>.cache`, written
// by scripts/build.mjs) when there is one: compiling the 1.5 MB bundle is a quarter of a CLI start.
// A missing cache, or one V8 rejects (another Node version, a corrupt file), loads the bundle normally.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];

/**
 * Loads `file` (an absolute path) as the module `require(file)` would, and returns whether
 * V8 used the code cache. MODELSPEC_DEBUG_CODE_CACHE=1 prints that on stderr (for the tests).
 */
function loadBundle(file) {
  // Node maps stack traces only for modules its own loader compiled: with source maps on, load normally.
  // import() in the bundle (built-ins loaded at first use) needs Node's loader, which vm offers only
  // in newer Node releases (vm.constants); older ones load the bundle without the cache.
  const importModuleDynamically = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (!importModuleDynamically || process.sourceMapsEnabled || process.execArgv.includes('--enable-source-maps')) {
    require(file);
    return false;
  }
  const source = readFileSync(file, 'utf8');
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    // No cache (not built, or removed): a normal compile.
  }
  const fn = vm.compileFunction(source, PARAMS, { filename: file, cachedData, importModuleDynamically });
  const used = cachedData !== undefined && fn.cachedDataRejected === false;
  if (process.env.MODELSPEC_DEBUG_CODE_CACHE === '1') {
    process.stderr.write(`modelspec: code cache ${used ? 'used' : 'not used'} for ${file}\n`);
  }
  // The module as Node's loader would make it, so the bundle's require() resolves from dist/.
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  require.cache[file] = mod;
  const req = Module.createRequire(file);
  fn.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  return used;
}

/** Writes `<file>.cache`, V8's code cache for `file` as loadBundle compiles it (atomically: a reader never sees half). */
function writeCodeCache(file) {
  const fn = vm.compileFunction(readFileSync(file, 'utf8'), PARAMS, { filename: file, produceCachedData: true });
  if (!fn.cachedDataProduced) throw new Error(`V8 produced no code cache for ${file}`);
  const tmp = `${file}.cache.${process.pid}.tmp`;
  writeFileSync(tmp, fn.cachedData);
  renameSync(tmp, `${file}.cache`);
}

module.exports = { loadBundle, writeCodeCache };
