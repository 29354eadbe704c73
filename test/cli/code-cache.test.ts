// The V8 code cache that bin/modelspec.cjs and bin/modelspec-language-server.cjs load their bundles
// with (bin/load-bundle.cjs, caches written by scripts/build.mjs): used when present, and a missing
// or corrupt cache still loads the bundle.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';

const LOADER = join(process.cwd(), 'bin', 'load-bundle.cjs');
const { writeCodeCache } = createRequire(import.meta.url)(LOADER) as { writeCodeCache(file: string): void };

/** A module in a fresh folder that records it ran, with require() resolving beside it. */
function moduleFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-code-cache-'));
  writeFileSync(join(dir, 'dep.cjs'), 'module.exports = 41;');
  const file = join(dir, 'bundle.cjs');
  writeFileSync(file, "module.exports.answer = require('./dep.cjs') + 1; module.exports.file = __filename;");
  return file;
}

describe('bundle code cache', () => {
  before(ensureBuilt);

  it('the CLI starts from the code cache the build wrote', () => {
    const r = spawnSync(process.execPath, [join('bin', 'modelspec.cjs'), '--version'], {
      encoding: 'utf8',
      env: { ...process.env, MODELSPEC_DEBUG_CODE_CACHE: '1' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^modelspec \d/);
    assert.match(r.stderr, /code cache used for .*dist[/\\]cli\.cjs/);
  });

  it('loads a module with its cache, without one, with a corrupt one, and with source maps on', () => {
    const file = moduleFile();
    // A child process: this test's own runs with --enable-source-maps, where the loader uses require().
    const load = (...flags: string[]) => {
      const script = `const l = require(${JSON.stringify(LOADER)}); const used = l.loadBundle(${JSON.stringify(file)});
        process.stdout.write(JSON.stringify({ used, exports: require.cache[${JSON.stringify(file)}].exports }));`;
      const r = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { used: boolean; exports: unknown };
      assert.deepEqual(out.exports, { answer: 42, file });
      return out.used;
    };
    assert.equal(load(), false, 'no cache yet');
    writeCodeCache(file);
    assert.equal(load(), true, 'the cache just written');
    assert.equal(load('--enable-source-maps'), false, 'source maps need Node to compile the module');
    writeFileSync(`${file}.cache`, 'not a V8 code cache');
    assert.equal(load(), false, 'a corrupt cache is rejected');
  });
});
