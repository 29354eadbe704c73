// Calls another registered kernel of the same backend directly from inside a kernel. Going
// through tf.* ops instead would create tensors in the engine's scopes and on the gradient tape.
import {
  getKernel,
  type Attribute,
  type KernelBackend,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

export class KernelCaller {
  private readonly temporaries: TensorInfo[] = [];

  constructor(
    readonly backend: KernelBackend,
    readonly backendName: string,
  ) {}

  /** Runs `kernelName` and remembers the result as a temporary unless `keep` is set. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: Record<string, Attribute>, keep = false): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName);
    if (!kernel) throw new Error(`kernel ${kernelName} is not registered for ${this.backendName}`);
    const t0 = process.env.TFJS_KERNEL_TRACE ? performance.now() : 0;
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend });
    if (t0)
      process.stderr.write(
        `  ${kernelName} ${(performance.now() - t0).toFixed(1)}ms ${JSON.stringify(Object.values(inputs).map((t) => t?.shape))}\n`,
      );
    // Every kernel used here returns a single TensorInfo.
    const info = out as TensorInfo;
    if (!keep) this.temporaries.push(info);
    return info;
  }

  /** Frees `t` with the other temporaries (for outputs made directly by the backend). */
  track(t: TensorInfo): TensorInfo {
    this.temporaries.push(t);
    return t;
  }

  /** Frees every temporary made by run() or tracked. */
  dispose(): void {
    for (const t of this.temporaries) this.backend.disposeData(t.dataId);
    this.temporaries.length = 0;
  }
}
