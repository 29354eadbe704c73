// Runs a kernel the target backend lacks on the JavaScript (cpu) backend, copying inputs over
// and results back. Slow for big tensors but complete: every op with a gradient in TF.js has a
// cpu kernel, so any layer can train. Hot kernels get a native implementation instead.
import {
  findBackend,
  getKernel,
  type KernelConfig,
  type KernelBackend,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

export function cpuFallbackKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  const cpuKernel = getKernel(kernelName, 'cpu');
  if (!cpuKernel) return undefined;
  return {
    kernelName,
    backendName,
    kernelFunc: ({ inputs, attrs, backend: target }) => {
      const backend = target as KernelBackend; // KernelFunc types its backend as {}
      const cpu = findBackend('cpu') as KernelBackend | null;
      if (!cpu) throw new Error(`${kernelName}: the cpu backend is not available for the fallback`);
      const cpuInputs: NamedTensorInfoMap = {};
      for (const [name, t] of Object.entries(inputs)) {
        if (!t) continue;
        const values = backend.readSync(t.dataId) as Float32Array | Int32Array | Uint8Array;
        cpuInputs[name] = { dataId: cpu.write(values, t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
      }
      try {
        const out = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu });
        const outs = Array.isArray(out) ? out : [out];
        const copied: TensorInfo[] = outs.map((o) => {
          const values = cpu.readSync(o.dataId) as Float32Array | Int32Array | Uint8Array;
          cpu.disposeData(o.dataId);
          return { dataId: backend.write(values, o.shape, o.dtype), shape: o.shape, dtype: o.dtype };
        });
        return Array.isArray(out) ? copied : copied[0]!;
      } finally {
        for (const t of Object.values(cpuInputs)) if (t) cpu.disposeData(t.dataId);
      }
    },
  };
}
