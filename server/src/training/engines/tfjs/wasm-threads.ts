// Multi-threaded WebAssembly in Node. tfjs-backend-wasm ships a threaded SIMD build but turns
// it off in Node (tfjs issue #3830): its pthread workers are created from Blob URLs, which
// Node's worker_threads cannot load. While the backend initialises, we record the two scripts
// it puts in Blobs, write them to files, and hand Node those paths instead.
import * as tf from '@tensorflow/tfjs-core';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The worker's branch that imports the main script from a Blob; replaced by a file import. */
const WORKER_IMPORT =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

type BlobPart = ConstructorParameters<typeof Blob>[0] extends (infer P)[] | undefined ? P : never;

/**
 * Runs `init` (which must initialise the wasm backend) with threads enabled. Returns false, with
 * everything restored, when the scripts were not recognised (another tfjs version).
 */
export async function withWasmThreads(threads: number, init: () => Promise<boolean>): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-wasm-threads-'));
  const texts = new WeakMap<Blob, string>();
  let mainScript: string | undefined;
  let recognised = false;
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;

  class RecordingBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (!parts || !parts.every((p) => typeof p === 'string')) return;
      const text = (parts as string[]).join('');
      texts.set(this, text);
      if (text.startsWith('var WasmBackendModuleThreadedSimd')) {
        // Posted to each worker as a Blob; the rewritten worker imports this file instead.
        mainScript = join(dir, 'main.cjs');
        writeFileSync(mainScript, text);
      }
    }
  }
  globalThis.Blob = RecordingBlob;
  URL.createObjectURL = (obj: Blob) => {
    const text = texts.get(obj);
    if (process.env.TFJS_THREADS_DEBUG) process.stderr.write(`createObjectURL ${text?.slice(0, 80)} ${text?.includes(WORKER_IMPORT)} ${mainScript}\n`);
    if (text?.includes(WORKER_IMPORT) && mainScript) {
      recognised = true;
      const worker = join(dir, 'worker.cjs');
      writeFileSync(worker, text.replace(WORKER_IMPORT, `importScripts(${JSON.stringify(mainScript)});`));
      return worker;
    }
    return originalCreateObjectURL(obj);
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(threads);
  try {
    const ok = await init();
    return ok && recognised;
  } finally {
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
  }
}
