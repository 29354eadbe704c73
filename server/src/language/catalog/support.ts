// Which engines and export targets can run a layer: the one place that knows it. The checker warns
// with these messages, the exports refuse with them, and the tests derive their lists from them.

/** The training engines (`fit { backend: ... }`). */
export type EngineTarget = 'tfjs' | 'torch';
/**
 * The export targets: the `keras` and `pytorch` scripts (`modelspec export FILE --to ...`) and a
 * trained run's formats (`modelspec export RUN_DIR --to onnx|keras-model|safetensors`).
 */
export type ExportTarget = 'keras' | 'pytorch' | 'onnx' | 'keras-model' | 'safetensors';
export type SupportTarget = EngineTarget | ExportTarget;

export const SUPPORT_TARGETS: readonly SupportTarget[] = ['tfjs', 'torch', 'keras', 'pytorch', 'onnx', 'keras-model', 'safetensors'];

/** Per target: whether the layer runs there. */
export type LayerSupport = Readonly<Record<SupportTarget, boolean>>;

/** The targets a layer lacks, as a full support record. */
export function supportRecord(unsupported: readonly SupportTarget[] = []): LayerSupport {
  const out = {} as Record<SupportTarget, boolean>;
  for (const t of SUPPORT_TARGETS) out[t] = !unsupported.includes(t);
  return out;
}

/** Targets that lack every layer a record names here: most often the PyTorch export. */
export const NO_PYTORCH_EXPORT: readonly SupportTarget[] = ['pytorch'];

/** Why `layer` cannot run on `target`, and what to do instead (checker warning and export error). */
export function unsupportedMessage(layer: string, target: SupportTarget): string {
  switch (target) {
    case 'tfjs':
      return `${layer} does not run on the TensorFlow.js engine yet; train it with the torch engine (backend: 'torch')`;
    case 'torch':
      return `${layer} does not run on the PyTorch engine yet; train it with the TensorFlow.js engine (backend: 'tfjs')`;
    case 'pytorch':
      return `${layer} has no PyTorch export yet; export --to keras, or train it with the torch engine (backend: 'torch')`;
    case 'keras':
      return `${layer} has no Keras export yet; export --to pytorch instead`;
    case 'onnx':
      return `${layer} has no ONNX export yet; export the run --to keras-model or --to safetensors`;
    case 'keras-model':
      return `${layer} weights cannot be laid out in a .keras archive yet; export the run --to onnx or --to safetensors`;
    case 'safetensors':
      return `${layer} has no safetensors export yet; export the run --to onnx`;
  }
}
