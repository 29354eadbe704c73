// The model against what it will be trained on: the output against the labels and the loss, and
// the data's sample shape against the model's input.

import { getLoss } from '../catalog';
import { labelValuesProblem, type LabelTarget, type LabelValues } from '../data/label-rules';
import type { ArgSpec, Shape } from '../catalog/types';
import type { Range } from '../syntax';
import { argumentNode } from './bind';
import { diagnostic, type Diagnostic, type FixData } from './diagnostics';
import { formatShape } from './format-values';
import { endOfArgs, type LayerInfo, type ModelAnalysis } from './model';

export interface TrainingFacts {
  loss?: string;
  lossRange?: Range;
  /** How the data block names the training source: `mnist`, `csv('houses.csv')`. */
  dataset?: string;
  datasetRange?: Range;
  /** Number of classes of the training labels, when known. */
  classes?: number;
  /** The training file's numeric labels, when it was small enough to scan. */
  labelValues?: LabelValues;
  sampleShape?: number[];
  /** csv(label=[…]): task-checks.ts reports softmax on multi-label data, with its fix. */
  multiLabel?: boolean;
}

/** Layers that pass shapes through unchanged; the activation before them still decides the output. */
const PASS_THROUGH = new Set([
  'Dropout',
  'GaussianNoise',
  'GaussianDropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'SpatialDropout3D',
  'Flatten',
  'Reshape',
]);

export function checkModelAgainstTraining(model: ModelAnalysis, facts: TrainingFacts, out: Diagnostic[]): void {
  checkDataAgainstInput(model, facts, out);
  const output = model.outputShape;
  const last = model.layers[model.layers.length - 1];
  if (!output || !last) return;
  const loss = facts.loss ? getLoss(facts.loss) : undefined;
  const classification = loss && (loss.labels === 'one-hot' || loss.labels === 'integer');

  if (classification && facts.classes !== undefined) {
    const labels = loss.labels === 'one-hot' ? `(None, ${facts.classes})` : '(None,) class indices';
    if (output.length !== 1) {
      const culprit = firstDenseOnHighRank(model) ?? last;
      out.push(
        diagnostic(
          'output-shape-mismatch',
          last.call.callee.range,
          `Insert Flatten() before ${culprit.name}: the model outputs ${formatShape(output)}, but ${loss.name} on ${facts.dataset} (${facts.classes} classes, labels ${labels}) needs ${formatShape([facts.classes])}`,
          {
            related:
              culprit !== last && culprit.input
                ? [
                    {
                      range: culprit.call.range,
                      message: `${culprit.name} gets ${formatShape(culprit.input)}, still with spatial axes`,
                    },
                  ]
                : undefined,
            fixes: [
              {
                kind: 'insert-layer',
                before: culprit.call.range,
                text: 'Flatten()',
                title: `Insert Flatten() before ${culprit.spec.name}`,
              },
            ],
          },
        ),
      );
      return;
    }
    if (output[0] !== null && output[0] !== facts.classes) {
      // The argument that sets the width: Dense's units, or an application's classes (with its top;
      // its first positional argument is not the class count, so the message names it).
      const sizeArg = last.spec.args.some((a) => a.name === 'units')
        ? 'units'
        : last.spec.args.some((a) => a.name === 'classes') && last.args.include_top !== false
          ? 'classes'
          : undefined;
      const units = sizeArg ? argumentNode(last.call, last.spec.args as readonly ArgSpec[], sizeArg) : undefined;
      const fix: FixData[] = units
        ? [
            {
              kind: 'replace',
              range: units.value.range,
              text: String(facts.classes),
              title: `Change ${sizeArg} of ${last.spec.name} to ${facts.classes}`,
            },
          ]
        : [];
      const call = sizeArg === 'classes' ? `classes=${facts.classes}` : String(facts.classes);
      out.push(
        diagnostic(
          'class-count-mismatch',
          units?.value.range ?? last.call.callee.range,
          `Use ${last.spec.name}(${call}, …), one output per class: ${facts.dataset} has ${facts.classes} classes, but the model outputs ${output[0]} values per sample (${formatShape(output)}), and ${loss.name} needs one per class`,
          {
            fixes: fix,
            related: facts.datasetRange
              ? [{ range: facts.datasetRange, message: `${facts.dataset}: ${facts.classes} classes` }]
              : undefined,
          },
        ),
      );
      return;
    }
  }
  if (loss) checkLossAgainstActivation(model, loss.name, loss.labels, facts, out);
  if (loss) checkLabelValues(model, loss.name, facts, out);
}

/** What the labels must fit: the loss and the model's output width (label-rules.ts); undefined if unknown. */
export function labelTargetOf(model: ModelAnalysis, lossName: string): LabelTarget | undefined {
  const loss = getLoss(lossName);
  const units = model.outputShape?.[model.outputShape.length - 1];
  if (!loss || typeof units !== 'number') return undefined;
  // The layer that sets the width: the last one with units (Dense before an Activation), else the last.
  const sized =
    [...model.layers].reverse().find((l) => l.spec.args.some((a) => a.name === 'units')) ??
    model.layers[model.layers.length - 1];
  return { loss: loss.name, labels: loss.labels, units, layer: sized?.spec.name ?? 'Dense' };
}

/** Numeric labels of a small training file against the loss and output: the same rules data preparation applies. */
function checkLabelValues(model: ModelAnalysis, lossName: string, facts: TrainingFacts, out: Diagnostic[]): void {
  if (!facts.labelValues || !facts.datasetRange || model.outputShape?.length !== 1) return;
  const target = labelTargetOf(model, lossName);
  const problem = target && labelValuesProblem(target, facts.labelValues);
  if (!problem) return;
  out.push(diagnostic('label-out-of-range', facts.datasetRange, problem));
}

function checkLossAgainstActivation(
  model: ModelAnalysis,
  lossName: string,
  labels: string,
  facts: TrainingFacts,
  out: Diagnostic[],
): void {
  const final = finalActivation(model);
  if (!final || !model.outputShape || !facts.lossRange) return;
  const units = model.outputShape[model.outputShape.length - 1];
  const { activation, layer } = final;
  const related = [{ range: layer.call.range, message: `${layer.name} ends with activation '${activation}'` }];
  const fixes = activationFix(layer, 'softmax');
  if ((labels === 'one-hot' || labels === 'integer') && activation !== 'softmax' && units !== 1) {
    out.push(
      diagnostic(
        'loss-activation-mismatch',
        facts.lossRange,
        `Use activation='softmax' on the last layer: ${lossName} expects class probabilities that sum to 1, but the model ends with activation '${activation}'`,
        { related, fixes },
      ),
    );
  } else if (labels === 'binary' && activation === 'softmax' && units !== null && units > 1 && !facts.multiLabel) {
    out.push(
      diagnostic(
        'loss-activation-mismatch',
        facts.lossRange,
        `Use 'categorical_crossentropy' (one class per sample) or activation='sigmoid' (independent labels): ${lossName} treats each of the ${units} outputs as its own yes/no probability, but softmax makes them compete`,
        { related },
      ),
    );
  } else if (labels === 'binary' && facts.classes !== undefined && facts.classes > 2 && units === 1) {
    out.push(
      diagnostic(
        'loss-activation-mismatch',
        facts.lossRange,
        `Use 'categorical_crossentropy' with Dense(${facts.classes}, activation='softmax'): ${lossName} with one output is for two classes, but ${facts.dataset} has ${facts.classes}`,
        { related },
      ),
    );
  }
}

/** The activation that produces the model's output, looking through Dropout and Flatten. */
function finalActivation(model: ModelAnalysis): { activation: string; layer: LayerInfo } | undefined {
  for (let i = model.layers.length - 1; i >= 0; i--) {
    const layer = model.layers[i];
    const name = layer.spec.name;
    if (PASS_THROUGH.has(name)) continue;
    if (name === 'Activation' && typeof layer.args.activation === 'string')
      return { activation: layer.args.activation, layer };
    if (name === 'Softmax') return { activation: 'softmax', layer };
    if (name === 'ReLU' || name === 'LeakyReLU' || name === 'ELU' || name === 'PReLU')
      return { activation: name.toLowerCase(), layer };
    if (layer.spec.hasActivationArg)
      return { activation: typeof layer.args.activation === 'string' ? layer.args.activation : 'linear', layer };
    return undefined;
  }
  return undefined;
}

function activationFix(layer: LayerInfo, activation: string): FixData[] {
  if (!layer.spec.hasActivationArg) return [];
  const node = argumentNode(layer.call, layer.spec.args as readonly ArgSpec[], 'activation');
  if (node)
    return [
      {
        kind: 'replace',
        range: node.value.range,
        text: `'${activation}'`,
        title: `Use activation='${activation}' on ${layer.spec.name}`,
      },
    ];
  if (!layer.call.closed) return [];
  const text = layer.call.args.length ? `, activation='${activation}'` : `activation='${activation}'`;
  return [
    {
      kind: 'replace',
      range: endOfArgs(layer.call),
      text,
      title: `Add activation='${activation}' to ${layer.spec.name}`,
    },
  ];
}

function firstDenseOnHighRank(model: ModelAnalysis): LayerInfo | undefined {
  return model.layers.find((l) => l.spec.name === 'Dense' && l.input && l.input.length > 1);
}

function checkDataAgainstInput(model: ModelAnalysis, facts: TrainingFacts, out: Diagnostic[]): void {
  const input = model.inputShape;
  const sample = facts.sampleShape;
  if (!input || !sample || model.inputSource?.kind === 'data' || !facts.datasetRange) return;
  const inputCount = count(input);
  const sampleCount = count(sample);
  if (inputCount === undefined || sampleCount === undefined || inputCount === sampleCount) return;
  out.push(
    diagnostic(
      'data-shape-mismatch',
      facts.datasetRange,
      `Use Input(shape=${formatShape(sample, false)}): ${facts.dataset} samples are ${formatShape(sample, false)} (${sampleCount} values), but the model's input ${formatShape(input)} takes ${inputCount} per sample`,
      {
        related: model.inputSource
          ? [{ range: model.inputSource.range, message: `the model's input is ${formatShape(input)}` }]
          : undefined,
      },
    ),
  );
}

function count(shape: Shape | number[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (d === null) return undefined;
    n *= d;
  }
  return n;
}
