// Copies TensorFlow.js's WebAssembly binaries next to the bundled engine (dist/), so
// dist/engine-tfjs.cjs finds them wherever the extension is installed. Called by build.mjs.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const source = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const names = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

export function copyWasm(outDir = 'dist') {
  mkdirSync(outDir, { recursive: true });
  for (const name of names) {
    const from = join(source, name);
    if (existsSync(from)) copyFileSync(from, join(outDir, name));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) copyWasm();
