// Chooses and initialises the TensorFlow.js backend: the native bindings when installed
// (tfjs-node-gpu, tfjs-node), else WebAssembly with SIMD, else plain JavaScript (cpu).
// The native packages are optional and loaded at run time, so every path works without them.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { registerWasmGradientKernels } from './kernels';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  /** The tf.js backend name now active: 'tensorflow' (native), 'wasm' or 'cpu'. */
  backend: BackendName;
  device: string;
  reason: string;
}

const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

/**
 * Folders that may hold the .wasm binaries: next to the running script (the bundled engine
 * in dist/, where the build copies them), then the package as Node resolves it from the script
 * and from the working directory.
 */
export function wasmDirCandidates(): string[] {
  const dirs: string[] = [];
  const script = process.argv[1];
  if (script) dirs.push(dirname(script));
  for (const base of [script, join(process.cwd(), 'index.js')]) {
    if (!base) continue;
    try {
      const pkg = createRequire(base).resolve('@tensorflow/tfjs-backend-wasm/package.json');
      dirs.push(join(dirname(pkg), 'dist'));
    } catch {
      // Not resolvable from here; try the next base.
    }
  }
  return dirs;
}

export function findWasmDir(): string | undefined {
  return wasmDirCandidates().find((d) => existsSync(join(d, WASM_FILE)));
}

/** Loads an optional native binding by name; returns undefined when it is not installed. */
function tryNative(pkg: string): boolean {
  try {
    // Resolved from the working directory and the script: the package is external to the bundle.
    const req = createRequire(process.argv[1] ?? join(process.cwd(), 'index.js'));
    req(pkg);
    // The binding registers 'tensorflow' on its own copy of tfjs-core; it is only usable when
    // that copy is ours (a single installed tfjs-core).
    return tf.findBackend('tensorflow') != null;
  } catch {
    return false;
  }
}

let wasmInitialised: Promise<boolean> | undefined;

async function initWasm(): Promise<boolean> {
  wasmInitialised ??= (async () => {
    const dir = findWasmDir();
    if (!dir) return false;
    setWasmPaths(dir.endsWith('/') ? dir : dir + '/');
    registerWasmGradientKernels();
    try {
      return await tf.setBackend('wasm');
    } catch {
      return false;
    }
  })();
  if (!(await wasmInitialised)) return false;
  return tf.setBackend('wasm');
}

function cpuDescription(): string {
  const model = cpus()[0]?.model?.trim() ?? 'CPU';
  return `${model} (${cpus().length} cores)`;
}

/**
 * Activates a backend. `requested` is spec.fit.backend: 'auto', 'tfjs', or 'tfjs:<name>' where
 * name is gpu, node/tensorflow, wasm or cpu. A forced backend that is unavailable is an error.
 */
export async function selectBackend(requested = 'auto'): Promise<BackendChoice> {
  // Importing the package registers 'cpu'; bundlers may drop a bare import, so make sure.
  if (!tf.findBackendFactory('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);
  // Production mode skips debug checks and the cpu backend's console banner.
  tf.enableProdMode();
  const forced = requested.startsWith('tfjs:') ? requested.slice(5) : undefined;
  const want = (name: string) => forced === undefined || forced === name;

  if (want('gpu') && forced !== undefined) {
    if (tryNative('@tensorflow/tfjs-node-gpu') && (await tf.setBackend('tensorflow'))) {
      return { backend: 'tensorflow', device: 'TensorFlow native (CUDA)', reason: 'forced: tfjs:gpu' };
    }
    throw new Error("backend 'tfjs:gpu' needs @tensorflow/tfjs-node-gpu, which is not installed");
  }
  if (forced === undefined) {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      if (tryNative(pkg) && (await tf.setBackend('tensorflow'))) {
        const gpu = pkg.endsWith('-gpu');
        return {
          backend: 'tensorflow',
          device: gpu ? 'TensorFlow native (CUDA)' : `TensorFlow native, ${cpuDescription()}`,
          reason: `auto: ${pkg} is installed`,
        };
      }
    }
  } else if (forced === 'node' || forced === 'tensorflow') {
    if (tryNative('@tensorflow/tfjs-node') && (await tf.setBackend('tensorflow'))) {
      return {
        backend: 'tensorflow',
        device: `TensorFlow native, ${cpuDescription()}`,
        reason: `forced: ${requested}`,
      };
    }
    throw new Error(`backend '${requested}' needs @tensorflow/tfjs-node, which is not installed`);
  }

  if (want('wasm')) {
    if (await initWasm()) {
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return {
        backend: 'wasm',
        device: `WebAssembly${simd ? ' SIMD' : ''}, 1 thread, ${cpuDescription()}`,
        reason: forced
          ? `forced: ${requested}`
          : 'auto: no native TensorFlow binding installed; WebAssembly is the fastest available',
      };
    }
    if (forced)
      throw new Error(
        `backend '${requested}': the WebAssembly binaries were not found (looked in ${wasmDirCandidates().join(', ')})`,
      );
  }
  if (want('cpu')) {
    await tf.setBackend('cpu');
    return {
      backend: 'cpu',
      device: `JavaScript, ${cpuDescription()}`,
      reason: forced ? `forced: ${requested}` : 'auto: WebAssembly unavailable; using the JavaScript backend',
    };
  }
  throw new Error(`unknown backend '${requested}': use auto, tfjs, tfjs:gpu, tfjs:node, tfjs:wasm or tfjs:cpu`);
}
