// The items of "ModelSpec: Select Training Backend", from the engines this machine has
// (detect.ts's reportEngines). Engines that are missing are listed too, with the reason, so the
// user learns what to install; picking one of them is refused.

import type { EngineReport } from '../../server/src/training/engines/detect';

export interface BackendChoice {
  /** The value stored in `modelspec.backend`. */
  value: string;
  label: string;
  description?: string;
  detail: string;
  available: boolean;
}

export function backendChoices(reports: readonly EngineReport[]): BackendChoice[] {
  const byEngine = new Map(reports.map((r) => [r.engine, r]));
  const auto: BackendChoice = {
    value: 'auto',
    label: 'auto',
    description: "the file's fit.backend, else the fastest engine here",
    detail: 'A GPU first (PyTorch on CUDA or Apple MPS), then the fastest CPU engine present.',
    available: true,
  };
  const engines = (['tfjs', 'torch'] as const).map((engine): BackendChoice => {
    const r = byEngine.get(engine);
    const name = engine === 'tfjs' ? 'TensorFlow.js' : 'PyTorch';
    return {
      value: engine,
      label: engine,
      description: r?.available ? `${name}${r.device ? ` · ${r.device}` : ''}` : `${name} · not available`,
      detail: r?.detail ?? `${name} was not probed`,
      available: r?.available ?? false,
    };
  });
  return [auto, ...engines];
}
