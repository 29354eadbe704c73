// `npm run package`: builds, then packs the extension into a .vsix offline. Everything it runs
// is bundled into dist/ (.vscodeignore says what goes in), so no node_modules are shipped;
// @tensorflow/tfjs-node stays an optional dependency that users may install for native speed.
//
//   node scripts/package-vsix.mjs [--no-build] [--out FILE]    (default: modelspec.vsix)
import { spawnSync } from 'node:child_process';
import { copyWasm } from './copy-wasm.mjs';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1] : 'modelspec.vsix';

function run(command, argv) {
  const r = spawnSync(command, argv, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!args.includes('--no-build')) run(process.execPath, ['scripts/build.mjs']);
// The TensorFlow.js engine looks for its .wasm binaries next to dist/engine-tfjs.cjs.
copyWasm('dist');
run('npx', ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);
