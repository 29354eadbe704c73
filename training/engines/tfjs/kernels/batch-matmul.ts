// BatchMatMul on wasm with explicit transposes. tfjs-backend-wasm 4.22 runs a matmul with
// transposeA or transposeB through a slow path (measured 20-40x slower than the plain product
// for Dense gradients such as x^T·dy), while a Transpose kernel is cheap; so transpose first
// and multiply without flags.
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelCaller } from './kernel-calls';

function swapLastTwo(call: KernelCaller, t: TensorInfo): TensorInfo {
  const r = t.shape.length;
  const perm = [...Array(r - 2).keys(), r - 1, r - 2];
  return call.run('Transpose', { x: t }, { perm });
}

export function batchMatMulKernel(backendName: string, native: KernelConfig): KernelConfig {
  const nativeFunc: KernelFunc = native.kernelFunc;
  return {
    kernelName: 'BatchMatMul',
    backendName,
    setupFunc: native.setupFunc,
    kernelFunc: (args) => {
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return nativeFunc(args);
      const call = new KernelCaller(args.backend as KernelBackend, backendName); // KernelFunc types its backend as {}
      try {
        const a = transposeA ? swapLastTwo(call, args.inputs['a']!) : args.inputs['a']!;
        const b = transposeB ? swapLastTwo(call, args.inputs['b']!) : args.inputs['b']!;
        return nativeFunc({
          ...args,
          inputs: { a, b },
          attrs: { ...args.attrs, transposeA: false, transposeB: false },
        });
      } finally {
        call.dispose();
      }
    },
  };
}
