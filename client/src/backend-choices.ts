// The items of "ModelSpec: Select Training Backend", from the engines this machine has
// (detect.ts's reportEngines). Engines that are missing are listed too, with the reason, so the
// user learns what to install; picking one of them is refused. In Restricted Mode nothing is
// probed (probing starts Python, possibly one the workspace's own settings name): the engines are
// listed unprobed, with the reason.

import type { EngineReport } from '../../training/engines/detect';

export interface BackendChoice {
  /** The value stored in `modelspec.backend`. */
  value: string;
  label: string;
  description?: string;
  detail: string;
  available: boolean;
}

/** Shown for each engine, and as the picker's notice, when the workspace is not trusted. */
export const RESTRICTED_NOTICE =
  'Engines were not probed: this workspace is in Restricted Mode, and finding them runs Python. Trust the workspace to see which engines work here; training needs trust either way.';

export interface BackendPicker {
  choices: BackendChoice[];
  /** Why the choices were not probed (Restricted Mode). */
  notice?: string;
}

/**
 * The picker's items: probed when the workspace is trusted; otherwise `probe` is never called and
 * every engine is listed unprobed (any may be picked: it is only a setting).
 */
export async function loadBackendChoices(
  trusted: boolean,
  probe: () => PromiseLike<EngineReport[]>,
): Promise<BackendPicker> {
  if (!trusted) return { choices: backendChoices([], RESTRICTED_NOTICE), notice: RESTRICTED_NOTICE };
  return { choices: backendChoices(await probe()) };
}

/** `unprobed`: why there are no reports (the engines are then listed as pickable, unprobed). */
export function backendChoices(reports: readonly EngineReport[], unprobed?: string): BackendChoice[] {
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
    if (!r && unprobed)
      return { value: engine, label: engine, description: `${name} · not probed`, detail: unprobed, available: true };
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

/** Where the picked backend is saved. */
export type BackendTarget = 'user' | 'workspace';

/**
 * The user's settings, so that nothing is written into the folder the user opened
 * (`.vscode/settings.json`); the workspace's only when it already sets the backend: the user
 * chose the workspace then, and a user value would stay hidden behind it.
 */
export function backendTarget(inspected: { workspaceValue?: unknown } | undefined): BackendTarget {
  return inspected?.workspaceValue !== undefined ? 'workspace' : 'user';
}
