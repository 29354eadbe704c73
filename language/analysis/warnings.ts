// Legal but suspicious stacks: Keras runs them, but they are usually mistakes.

import type { ArgSpec } from '../catalog/types';
import { argumentNode } from './bind';
import { diagnostic, type Diagnostic } from './diagnostics';
import { formatShape } from './format-values';
import type { LayerInfo, ModelAnalysis } from './model';

const DROPOUT_LAYERS = new Set([
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'SpatialDropout3D',
  'GaussianDropout',
  'GaussianNoise',
]);
/** Layers after which a per-step Dense is the intended use, not a missing Flatten. */
const SEQUENCE_LAYERS = new Set([
  'Embedding',
  'SimpleRNN',
  'LSTM',
  'GRU',
  'Bidirectional',
  'TimeDistributed',
  'Conv1D',
  'RepeatVector',
]);

export function checkStackWarnings(
  model: ModelAnalysis,
  out: Diagnostic[],
  options: { skipDenseRank?: boolean } = {},
): void {
  const layers = model.layers.filter((l) => !l.expandedFrom);
  layers.forEach((layer, i) => {
    const previous = i > 0 ? layers[i - 1] : undefined;
    if (!options.skipDenseRank) checkDenseOnHighRank(layer, previous, out);
    checkRedundantActivation(layer, previous, out);
  });
  const last = layers[layers.length - 1];
  if (last && DROPOUT_LAYERS.has(last.spec.name)) {
    out.push(
      diagnostic(
        'dropout-last',
        last.call.callee.range,
        `${last.spec.name} as the last layer perturbs the model's outputs themselves during training; put it before the last Dense layer`,
      ),
    );
  }
  if (last) checkSoftmaxOnOneUnit(last, previousOf(layers, last), out);
}

function previousOf(layers: LayerInfo[], layer: LayerInfo): LayerInfo | undefined {
  const i = layers.indexOf(layer);
  return i > 0 ? layers[i - 1] : undefined;
}

function checkDenseOnHighRank(layer: LayerInfo, previous: LayerInfo | undefined, out: Diagnostic[]): void {
  if (layer.spec.name !== 'Dense' || !layer.input || layer.input.length < 2 || !layer.output) return;
  if (previous && SEQUENCE_LAYERS.has(previous.spec.name) && layer.input.length === 2) return;
  out.push(
    diagnostic(
      'dense-on-high-rank',
      layer.call.callee.range,
      `Insert Flatten() before Dense to use the whole input: Dense applies to the last axis only, so on ${formatShape(layer.input)} it gives ${formatShape(layer.output)}`,
      {
        fixes: [
          {
            kind: 'insert-layer',
            before: layer.call.range,
            text: 'Flatten()',
            title: `Insert Flatten() before ${layer.spec.name}`,
          },
        ],
      },
    ),
  );
}

function checkRedundantActivation(layer: LayerInfo, previous: LayerInfo | undefined, out: Diagnostic[]): void {
  if (layer.spec.name !== 'Activation' || !previous?.spec.hasActivationArg) return;
  const before = previous.args.activation;
  if (typeof before !== 'string' || before === 'linear') return;
  const now = typeof layer.args.activation === 'string' ? layer.args.activation : 'an activation';
  out.push(
    diagnostic(
      'redundant-activation',
      layer.call.callee.range,
      `Remove this Activation('${now}'), or set activation=None on ${previous.spec.name}: ${previous.name} already applies '${before}', so this applies a second one on top`,
      {
        related: [{ range: previous.call.range, message: `${previous.name} has activation='${before}'` }],
        fixes: [{ kind: 'remove', range: layer.call.range, title: `Remove Activation('${now}')` }],
        tags: ['unnecessary'],
      },
    ),
  );
}

function checkSoftmaxOnOneUnit(last: LayerInfo, previous: LayerInfo | undefined, out: Diagnostic[]): void {
  if (!last.output || last.output[last.output.length - 1] !== 1) return;
  const softmaxHere = last.spec.hasActivationArg && last.args.activation === 'softmax';
  const softmaxLayer =
    (last.spec.name === 'Activation' && last.args.activation === 'softmax') || last.spec.name === 'Softmax';
  if (!softmaxHere && !softmaxLayer) return;
  const node = softmaxHere ? argumentNode(last.call, last.spec.args as readonly ArgSpec[], 'activation') : undefined;
  out.push(
    diagnostic(
      'softmax-one-unit',
      node?.value.range ?? last.call.callee.range,
      `Use activation='sigmoid' with binary_crossentropy for two classes: softmax over a single unit always outputs 1.0, so the model cannot learn`,
      {
        fixes: node
          ? [
              {
                kind: 'replace',
                range: node.value.range,
                text: "'sigmoid'",
                title: `Use activation='sigmoid' on ${last.spec.name}`,
              },
            ]
          : [],
        related:
          previous && softmaxLayer && previous.output
            ? [{ range: previous.call.range, message: `${previous.name} outputs ${formatShape(previous.output)}` }]
            : undefined,
      },
    ),
  );
}
