// Completes the WebAssembly backend for training: Conv2D gradients built on XNNPACK's forward
// convolution, MatMul without its slow transpose path, pooling gradients in JavaScript over the
// wasm heap, Sum over leading axes (bias gradients) in place, and a cpu fallback for every
// other kernel wasm lacks (depthwise conv gradients, ...); UnsortedSegmentSum (Embedding's
// gradient) in JavaScript over the wasm heap. TFJS_KERNEL_TRACE=1 prints the inner kernel timings.
import {
  getKernel,
  getKernelsForBackend,
  registerKernel,
  unregisterKernel,
  type KernelConfig,
} from '@tensorflow/tfjs-core';
import { conv2dGradKernels } from './conv2d-grads';
import { batchMatMulKernel } from './batch-matmul';
import { cpuFallbackKernel } from './cpu-fallback';
import { poolGradKernels } from './pool-grads';
import { segmentSumKernel } from './segment-sum';
import { sumKernel } from './reduce';

const BACKEND = 'wasm';
let registered = false;
/** Kernel names that run through the cpu fallback, for tests and messages. */
export const cpuFallbackKernels: string[] = [];

function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

export function registerWasmGradientKernels(): void {
  if (registered) return;
  registered = true;
  const wasmNames = new Set(getKernelsForBackend(BACKEND).map((k) => k.kernelName));
  for (const k of getKernelsForBackend('cpu')) {
    if (wasmNames.has(k.kernelName) || k.kernelName === 'UnsortedSegmentSum') continue;
    const fallback = cpuFallbackKernel(k.kernelName, BACKEND);
    if (fallback) {
      registerKernel(fallback);
      cpuFallbackKernels.push(k.kernelName);
    }
  }
  const nativeInput = getKernel('Conv2DBackpropInput', BACKEND);
  const filterFallback = getKernel('Conv2DBackpropFilter', BACKEND)?.kernelFunc;
  for (const k of conv2dGradKernels(BACKEND, nativeInput?.kernelFunc, filterFallback)) {
    // The native kernel binds its wasm function in setupFunc, which the backend calls at init.
    if (k.kernelName === 'Conv2DBackpropInput' && nativeInput?.setupFunc) k.setupFunc = nativeInput.setupFunc;
    replace(k);
  }
  const matmul = getKernel('BatchMatMul', BACKEND);
  if (matmul) replace(batchMatMulKernel(BACKEND, matmul));
  for (const k of poolGradKernels(BACKEND)) replace(k);
  replace(segmentSumKernel(BACKEND));
  const sum = getKernel('Sum', BACKEND);
  if (sum) replace(sumKernel(BACKEND, sum));
  // tfjs-backend-wasm 4.22's Conv3DBackpropInputV2 (Conv3D's input gradient, conv3dTranspose)
  // returns zeros for strides > 1 and reads uninitialised memory (NaN) for some kernel shapes,
  // and its Conv3DBackpropFilterV2 gives wrong filter gradients: the cpu kernels compute both
  // right (test/training/layer-outputs.test.ts compares Conv3D/Conv3DTranspose with PyTorch).
  // Its MaxPool3D starts each window's maximum at FLT_MIN (1.2e-38) instead of -inf, so a window
  // of negative values gives 1.2e-38; the cpu kernels (and their gradient) are Keras's max.
  for (const name of ['Conv3DBackpropInputV2', 'Conv3DBackpropFilterV2', 'MaxPool3D', 'MaxPool3DGrad']) {
    const fallback = cpuFallbackKernel(name, BACKEND);
    if (!fallback) continue;
    replace(fallback);
    if (!cpuFallbackKernels.includes(name)) cpuFallbackKernels.push(name);
  }
}
