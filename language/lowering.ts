// Lowering a checked model to Keras's JSON model config (`model.to_json()`), the one format both
// training engines read: TensorFlow.js's tf.models.modelFromJSON and the PyTorch runner.

import { getLayer } from './catalog';
import type { KerasLayerConfig } from './catalog/types';
import type { ModelAnalysis } from './analysis/model';

export interface KerasModelConfig {
  class_name: 'Sequential';
  config: { name: string; layers: KerasLayerConfig[] };
  keras_version: string;
  backend: 'tensorflow';
}

/** Throws when the model did not check (no input shape or a layer without a computed shape). */
export function lowerModel(model: ModelAnalysis): KerasModelConfig {
  if (!model.inputShape || !model.totals) {
    throw new Error(`The model '${model.name}' has errors; fix them before training or exporting`);
  }
  const layers = model.layers.map((layer, i) => {
    if (!layer.input) throw new Error(`${layer.name} has no known input shape`);
    const lowered = layer.spec.toKeras({ args: layer.args, input: layer.input, inner: layer.inner }, layer.name);
    // Keras 2 style: the first layer carries the batch input shape (TF.js reads it, and so does Keras).
    if (i === 0) lowered.config = { ...lowered.config, batch_input_shape: [null, ...model.inputShape!] };
    return lowered;
  });
  // An input dtype other than float32 needs Keras's InputLayer entry, the one place its dtype is written.
  if (model.inputDtype) {
    layers.unshift(
      getLayer('Input')!.toKeras(
        { args: { shape: model.inputShape, dtype: model.inputDtype }, input: [] },
        'input_layer',
      ),
    );
  }
  return {
    class_name: 'Sequential',
    config: { name: model.name, layers },
    keras_version: '2.15.0',
    backend: 'tensorflow',
  };
}
