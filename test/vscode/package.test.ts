// `npm run package` (scripts/package-vsix.mjs) makes an offline .vsix holding what the
// installed extension needs and no sources; unpacked on its own (no node_modules anywhere above
// it), its bundles still train, and VS Code runs the integration suite against it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { missingPrerequisite, ROOT, runIntegrationSuite, suiteSummary } from './code-server';

const unzip = ['/usr/bin/unzip', '/bin/unzip'].find(existsSync);
const skip = unzip ? undefined : 'unzip is not installed (apt-get install unzip)';
if (skip) console.log(`# skipping the .vsix checks: ${skip}`);

let dir: string;
let vsix: string;
let entries: string[] = [];

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'modelspec-vsix-'));
  vsix = join(dir, 'modelspec.vsix');
  // What `npm run package` runs, minus the build: scripts/test.mjs has just built dist/, and
  // rebuilding it here could race with other tests that run the bundles.
  const r = spawnSync(process.execPath, ['scripts/package-vsix.mjs', '--no-build', '--out', vsix], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const list = spawnSync(unzip!, ['-l', vsix], { encoding: 'utf8' });
  entries = list.stdout.split('\n').map((l) => l.trim().split(/\s+/).slice(3).join(' ')).filter((n) => n.startsWith('extension/'));
  console.log(`# ${vsix}: ${(statSync(vsix).size / 1024 / 1024).toFixed(2)} MB, ${entries.length} files`);
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the .vsix holds the bundles, the panel, the grammar, the wasm binaries and the Python engine', { skip }, () => {
  for (const f of [
    'extension/package.json',
    'extension/README.md',
    'extension/LICENSE.txt',
    'extension/language-configuration.json',
    'extension/grammar/modelspec.tmLanguage.json',
    'extension/dist/extension.cjs',
    'extension/dist/server.cjs',
    'extension/dist/cli.cjs',
    'extension/dist/engine-tfjs.cjs',
    'extension/dist/tfjs-backend-wasm-simd.wasm',
    'extension/dist/tfjs-backend-wasm.wasm',
    'extension/dist/data/digits.bin',
    'extension/media/dist/panel.js',
    'extension/media/dist/panel.css',
    'extension/server/python/modelspec_torch/__main__.py',
  ]) {
    assert.ok(entries.some((e) => e.toLowerCase() === f.toLowerCase()), `${f} is missing`);
  }
});

test('the .vsix leaves out sources, tests, source maps and node_modules', { skip }, () => {
  const unwanted = entries.filter((e) => /\.ts$|\.map$|\/node_modules\/|^extension\/(test|client|scripts|examples)\/|\/tests\//.test(e));
  assert.deepEqual(unwanted, []);
});

let unpacked: string | undefined;
function unpack(): string {
  if (unpacked) return unpacked;
  const out = join(dir, 'unpacked');
  const r = spawnSync(unzip!, ['-q', vsix, '-d', out]);
  assert.equal(r.status, 0);
  return (unpacked = out);
}

test('unpacked alone, the packaged CLI trains digits on the packaged TensorFlow.js engine (wasm)', { skip, timeout: 120_000 }, () => {
  const out = unpack();
  copyFileSync(join(ROOT, 'examples', 'digits.model'), join(out, 'digits.model'));
  const train = spawnSync(process.execPath, [join(out, 'extension', 'dist', 'cli.cjs'), 'train', 'digits.model', '--epochs', '1', '--backend', 'tfjs'], { cwd: out, encoding: 'utf8' });
  assert.equal(train.status, 0, train.stdout + train.stderr);
  assert.match(train.stdout, /Engine: tfjs \(wasm\)/);
  assert.match(train.stdout, /Finished after 1 epochs?\b/);
  assert.equal(readdirSync(join(out, 'runs', 'digits_mlp')).length, 1);
});

const noVsCode = skip ?? missingPrerequisite();
test('the packaged extension, unpacked alone, passes the integration suite in code-server', { skip: noVsCode, timeout: 240_000 }, async () => {
  const bundle = spawnSync(process.execPath, ['scripts/build-vscode-tests.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(bundle.status, 0, bundle.stderr);
  const { code, log } = await runIntegrationSuite(join(unpack(), 'extension'));
  console.log(suiteSummary(log));
  assert.equal(code, 0, `the suite failed against the packaged extension:\n${log}`);
});
