// Layers the chosen engine or export cannot run, from the catalog's support records: a warning
// under each such layer in the editor (for `fit { backend }`), and the exports' refusal (for
// `export --to`), with the same message.

import { unsupportedUse, type EngineTarget, type SupportTarget } from '../catalog';
import type { Range } from '../syntax/ast';
import { diagnostic, type Diagnostic } from './diagnostics';
import { formatArgValue } from './format-values';
import type { LayerInfo, ModelAnalysis } from './model';

export interface UnsupportedLayer {
  layer: LayerInfo;
  message: string;
}

/** Each layer of the model (or the layer it wraps) that `target` cannot run, with why and what to do. */
export function unsupportedLayers(model: ModelAnalysis, target: SupportTarget): UnsupportedLayer[] {
  const found: UnsupportedLayer[] = [];
  for (const layer of model.layers) {
    const message =
      unsupportedUse(layer.spec, layer.args, target, formatArgValue) ??
      (layer.inner ? unsupportedUse(layer.inner.spec, layer.inner.args, target, formatArgValue) : undefined);
    if (message) found.push({ layer, message });
  }
  return found;
}

const ENGINES: readonly string[] = ['tfjs', 'torch'] satisfies EngineTarget[];

/** Warns under each layer the backend chosen in the fit block cannot run ('auto' picks one that can). */
export function checkBackendSupport(
  model: ModelAnalysis,
  backend: unknown,
  backendRange: Range | undefined,
  out: Diagnostic[],
): void {
  if (typeof backend !== 'string' || !ENGINES.includes(backend)) return;
  for (const { layer, message } of unsupportedLayers(model, backend as EngineTarget)) {
    out.push(
      diagnostic(
        'unsupported-layer',
        layer.call.callee.range,
        message,
        backendRange ? { related: [{ range: backendRange, message: `backend: '${backend}' is chosen here` }] } : {},
      ),
    );
  }
}

/** The exports' refusal: one line per layer `target` cannot run, or undefined when it runs them all. */
export function unsupportedLayersError(model: ModelAnalysis, target: SupportTarget): string | undefined {
  const found = unsupportedLayers(model, target);
  if (found.length === 0) return undefined;
  return found
    .map(
      ({ layer, message }) =>
        `line ${layer.call.range.start.line + 1} (${layer.expandedFrom ?? layer.name}): ${message}`,
    )
    .join('\n');
}
