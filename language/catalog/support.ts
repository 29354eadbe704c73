// Which engines and export targets can run a layer: the one place that knows it. The checker warns
// with these messages, the exports refuse with them, and the tests derive their lists from them.

import type { ArgValue } from './types';

/** The training engines (`fit { backend: ... }`). */
export type EngineTarget = 'tfjs' | 'torch';
/**
 * The export targets: the `keras` and `pytorch` scripts (`modelspec export FILE --to ...`) and a
 * trained run's formats (`modelspec export RUN_DIR --to onnx|keras-model|safetensors`).
 */
export type ExportTarget = 'keras' | 'pytorch' | 'onnx' | 'keras-model' | 'safetensors';
export type SupportTarget = EngineTarget | ExportTarget;

export const SUPPORT_TARGETS: readonly SupportTarget[] = [
  'tfjs',
  'torch',
  'keras',
  'pytorch',
  'onnx',
  'keras-model',
  'safetensors',
];

/** Per target: whether the layer runs there. */
export type LayerSupport = Readonly<Record<SupportTarget, boolean>>;

/**
 * An argument value some targets cannot run: they take only `only` (Keras's default), e.g. the
 * PyTorch engine builds GRU with reset_after=True only.
 */
export interface ArgSupport {
  arg: string;
  only: ArgValue;
  targets: readonly SupportTarget[];
}

/** The targets a layer lacks, as a full support record. */
export function supportRecord(unsupported: readonly SupportTarget[] = []): LayerSupport {
  const out = {} as Record<SupportTarget, boolean>;
  for (const t of SUPPORT_TARGETS) out[t] = !unsupported.includes(t);
  return out;
}

/** Targets that lack every layer a record names here: most often the PyTorch export. */
export const NO_PYTORCH_EXPORT: readonly SupportTarget[] = ['pytorch'];

/** `layer` and, when only an argument value is the problem, that argument: `GRU with reset_after=False`. */
function subject(layer: string, arg?: { name: string; value: string }): string {
  return arg ? `${layer} with ${arg.name}=${arg.value}` : layer;
}

/**
 * Why a layer call cannot run on `target` (undefined when it can), from its record's `support` and
 * `argSupport`; `args` are the call's bound arguments, `show` writes a value as the file would.
 */
export function unsupportedUse(
  spec: { name: string; support: LayerSupport; argSupport?: readonly ArgSupport[] },
  args: Readonly<Record<string, ArgValue>>,
  target: SupportTarget,
  show: (value: ArgValue) => string,
): string | undefined {
  if (!spec.support[target]) return unsupportedMessage(spec.name, target);
  for (const a of spec.argSupport ?? []) {
    const value = args[a.arg];
    if (!a.targets.includes(target) || value === undefined || JSON.stringify(value) === JSON.stringify(a.only))
      continue;
    return unsupportedMessage(
      subject(spec.name, { name: a.arg, value: show(value) }),
      target,
      `${a.arg}=${show(a.only)}`,
    );
  }
  return undefined;
}

/** Why `layer` cannot run on `target`, and what to do instead (checker warning and export error). */
export function unsupportedMessage(layer: string, target: SupportTarget, instead?: string): string {
  return `${layer} ${TARGET_NAMES[target]} yet; ${instead ? `use ${instead}, or ` : ''}${OTHERWISE[target]}`;
}

/** "… does not run on X" / "has no X", completed by the layer before it. */
const TARGET_NAMES: Record<SupportTarget, string> = {
  tfjs: 'does not run on the TensorFlow.js engine',
  torch: 'does not run on the PyTorch engine',
  keras: 'has no Keras export',
  pytorch: 'has no PyTorch export',
  onnx: 'has no ONNX export',
  'keras-model': 'cannot be written to a .keras archive',
  safetensors: 'has no safetensors export',
};

/** The other way to get there. */
const OTHERWISE: Record<SupportTarget, string> = {
  tfjs: "train it with the torch engine (backend: 'torch')",
  torch: "train it with the TensorFlow.js engine (backend: 'tfjs')",
  keras: 'export --to pytorch',
  pytorch: "export --to keras, or train it with the torch engine (backend: 'torch')",
  onnx: 'export the run --to keras-model or --to safetensors',
  'keras-model': 'export the run --to onnx or --to safetensors',
  safetensors: 'export the run --to onnx',
};
