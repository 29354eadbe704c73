// A Normalization without mean and variance is adapted on the training data before training
// (training/data/adapt.ts), as Keras's `layer.adapt(x_train)`. Data preparation can compute what
// reaches the layer only through the layers `adaptPassage` knows (the Random* layers, which are
// the identity outside training, and Rescaling); after any other layer the run would need the
// model itself, so the checker asks for mean and variance here, before a run starts.

import { adaptPassage, isAdapted } from '../catalog';
import { diagnostic, type Diagnostic } from './diagnostics';
import type { ModelAnalysis } from './model';

export function checkAdaptedNormalization(model: ModelAnalysis, out: Diagnostic[]): void {
  model.layers.forEach((layer, i) => {
    // A Pretrained model's Normalization keeps the statistics it was saved with.
    if (layer.expandedFrom || !isAdapted(layer.spec.name, layer.args)) return;
    const blocker = model.layers.slice(0, i).find((l) => adaptPassage(l.spec.name) === undefined);
    if (!blocker) return;
    out.push(
      diagnostic(
        'normalization-not-adaptable',
        layer.call.callee.range,
        `Give ${layer.name} mean= and variance=, or move it before ${blocker.name}: without them it is adapted on the training data, ` +
          `which reaches it only through ${blocker.name} (${blocker.spec.name}), and the run cannot compute that before training ` +
          '(adapting needs the data as the layer sees it; only Rescaling and the Random* layers may come before)',
        {
          related: [
            { range: blocker.call.callee.range, message: `${blocker.name} changes the data before ${layer.name}` },
          ],
        },
      ),
    );
  });
}
