// Backend choice: auto picks the fastest present (wasm here, since tfjs-node cannot install),
// a forced backend is honoured or fails with the reason, and the wasm binaries are found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { findWasmDir, selectBackend } from '../../../training/engines/tfjs/backend';

test('auto chooses WebAssembly with SIMD when no native binding is installed', async () => {
  const choice = await selectBackend('auto');
  assert.equal(choice.backend, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.match(choice.reason, /^auto: /);
  assert.match(choice.device, /WebAssembly SIMD/);
  assert.ok(existsSync(join(findWasmDir()!, 'tfjs-backend-wasm-simd.wasm')));
});

test('a forced backend is used, or refused with the reason', async () => {
  const cpu = await selectBackend('tfjs:cpu');
  assert.equal(cpu.backend, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal(cpu.reason, 'forced: tfjs:cpu');
  await assert.rejects(selectBackend('tfjs:node'), /needs @tensorflow\/tfjs-node, which is not installed/);
  await assert.rejects(selectBackend('tfjs:gpu'), /needs @tensorflow\/tfjs-node-gpu/);
  await assert.rejects(selectBackend('tfjs:tpu'), /unknown backend 'tfjs:tpu'/);
  assert.equal((await selectBackend('tfjs:wasm')).backend, 'wasm');
});
