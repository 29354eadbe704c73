// The model against its task (LANGUAGE.md, "Tasks beyond one label per sample"): an autoencoder's
// output against its input (class_mode 'input'), multi-label outputs against the label columns,
// npy targets of any shape against the output, and an Embedding against the token ids a text
// column gives. Each message leads with the fix and gives the numbers.

import { getLoss } from '../catalog';
import { multiLabelValueMessage } from '../data/label-rules';
import type { ArgSpec, Shape } from '../catalog/types';
import type { Range } from '../syntax';
import { argumentNode } from './bind';
import { diagnostic, type Diagnostic, type FixData } from './diagnostics';
import { formatShape } from './format-values';
import type { LayerInfo, ModelAnalysis } from './model';

export interface TaskFacts {
  loss?: string;
  lossRange?: Range;
  /** How the data block names the training source: `csv('tags.csv')`. */
  dataset?: string;
  datasetRange?: Range;
  /** data { class_mode: 'input' }. */
  classMode?: string;
  classModeRange?: Range;
  /** csv(label=[…]): the label columns (multi-label, or vector regression under a loss like mse). */
  labelColumns?: string[];
  /** A small file's first label=[…] value that is not 0 or 1. */
  labelOutlier?: { column: string; value: string; at: string };
  /** npy: one target's shape. */
  targetShape?: number[];
  /** csv(text=…): token ids are below this. */
  vocabularySize?: number;
}

export function checkModelAgainstTask(model: ModelAnalysis, facts: TaskFacts, out: Diagnostic[]): void {
  if (facts.classMode === 'input') checkAutoencoder(model, facts, out);
  else if (facts.labelColumns) checkMultiLabel(model, facts.labelColumns, facts, out);
  else if (facts.targetShape) checkTargetShape(model, facts.targetShape, facts, out);
  if (facts.vocabularySize !== undefined) checkEmbedding(model, facts.vocabularySize, facts, out);
}

/** class_mode 'input': the model gives back its input, under a loss for real values. */
function checkAutoencoder(model: ModelAnalysis, facts: TaskFacts, out: Diagnostic[]): void {
  const { inputShape: input, outputShape: output } = model;
  const last = model.layers[model.layers.length - 1];
  const where = facts.classModeRange ?? facts.datasetRange;
  if (input && output && last && !sameShape(input, output)) {
    const fix = input.length === output.length ? widthFix(last, input[input.length - 1]) : [];
    out.push(
      diagnostic(
        'autoencoder-shape',
        fix[0]?.kind === 'replace' ? fix[0].range : last.call.callee.range,
        `Make the model output ${formatShape(input)}, the shape of its input: class_mode 'input' trains it to give back each input (${count(input)} values), but it outputs ${formatShape(output)}${count(output) !== undefined ? ` (${count(output)} values)` : ''}`,
        {
          fixes: fix,
          related: where ? [{ range: where, message: "class_mode: 'input': the targets are the inputs" }] : undefined,
        },
      ),
    );
  }
  const loss = facts.loss ? getLoss(facts.loss) : undefined;
  if (loss && facts.lossRange && (loss.labels === 'one-hot' || loss.labels === 'integer')) {
    out.push(
      diagnostic(
        'autoencoder-loss',
        facts.lossRange,
        `Use loss 'mse' (or 'binary_crossentropy' for inputs scaled to [0, 1]): class_mode 'input' makes the targets the inputs, real values, but ${loss.name} expects ${loss.labels === 'one-hot' ? 'one-hot class labels' : 'class indices'}`,
        { fixes: [{ kind: 'replace', range: facts.lossRange, text: "'mse'", title: "Use loss 'mse'" }] },
      ),
    );
  }
}

/**
 * csv(label=[…]): k label columns are k targets per sample: independent 0/1 labels under
 * binary_crossentropy (multi-label: k sigmoid outputs), real values under a loss like mse.
 */
function checkMultiLabel(model: ModelAnalysis, columns: string[], facts: TaskFacts, out: Diagnostic[]): void {
  const k = columns.length;
  const output = model.outputShape;
  const last = model.layers[model.layers.length - 1];
  const names = columns.length <= 6 ? columns.join(', ') : `${columns.slice(0, 5).join(', ')}, …`;
  const loss = facts.loss ? getLoss(facts.loss) : undefined;
  const binary = loss?.labels === 'binary';
  const plural = k === 1 ? '' : 's';
  const source = `${facts.dataset ?? 'the data'} has ${k} label column${plural} (${names})${binary ? ', each 0 or 1' : ''}`;
  if (loss && facts.lossRange && (loss.labels === 'one-hot' || loss.labels === 'integer')) {
    out.push(
      diagnostic(
        'multilabel-loss',
        facts.lossRange,
        `Use loss 'binary_crossentropy' with activation='sigmoid' (0/1 labels, several per sample) or 'mse' (real-valued targets): ${source}, one target per column, but ${loss.name} makes the outputs compete for one class per sample`,
        {
          fixes: [
            {
              kind: 'replace',
              range: facts.lossRange,
              text: "'binary_crossentropy'",
              title: "Use loss 'binary_crossentropy'",
            },
          ],
        },
      ),
    );
  }
  if (binary && facts.labelOutlier && facts.datasetRange) {
    const { column, value, at } = facts.labelOutlier;
    out.push(diagnostic('label-out-of-range', facts.datasetRange, multiLabelValueMessage(column, value, at)));
  }
  if (!output || !last) return;
  if (output.length === 1 && output[0] !== null && output[0] !== k) {
    const fix = widthFix(last, k);
    out.push(
      diagnostic(
        'class-count-mismatch',
        fix[0]?.kind === 'replace' ? fix[0].range : last.call.callee.range,
        `Use ${last.spec.name}(${k}${binary ? ", activation='sigmoid'" : ''}), one output per label column: ${source}, but the model outputs ${output[0]} values per sample (${formatShape(output)})`,
        {
          fixes: fix,
          related: facts.datasetRange ? [{ range: facts.datasetRange, message: `${names}: ${k} labels` }] : undefined,
        },
      ),
    );
  } else if (output.length !== 1) {
    out.push(
      diagnostic(
        'output-shape-mismatch',
        last.call.callee.range,
        `End the model with Flatten() and Dense(${k}${binary ? ", activation='sigmoid'" : ''}): ${source}, so the targets are ${formatShape([k])}, but the model outputs ${formatShape(output)}`,
      ),
    );
  }
  const final = finalSoftmax(model);
  if (final && binary) {
    const node = argumentNode(final.call, final.spec.args as readonly ArgSpec[], 'activation');
    out.push(
      diagnostic(
        'multilabel-loss',
        node?.value.range ?? final.call.callee.range,
        `Use activation='sigmoid' on the last layer: ${source}, so each output is its own yes/no probability, but softmax makes the ${k} outputs sum to 1 (one label per sample)`,
        {
          fixes: node
            ? [
                {
                  kind: 'replace',
                  range: node.value.range,
                  text: "'sigmoid'",
                  title: `Use activation='sigmoid' on ${final.spec.name}`,
                },
              ]
            : [],
        },
      ),
    );
  }
}

/** npy(y=…) targets that are vectors or images: the output must have their shape. */
function checkTargetShape(model: ModelAnalysis, target: number[], facts: TaskFacts, out: Diagnostic[]): void {
  const loss = facts.loss ? getLoss(facts.loss) : undefined;
  const output = model.outputShape;
  const last = model.layers[model.layers.length - 1];
  // Class labels (one per sample, or one-hot rows) are the classification checks' business.
  if (!loss || loss.labels === 'one-hot' || loss.labels === 'integer' || !output || !last) return;
  const scalar = target.length === 0 || (target.length === 1 && target[0] === 1);
  if (scalar && output.length === 1 && (output[0] === 1 || output[0] === null)) return;
  const want = scalar ? [1] : target;
  const n = count(want);
  const m = count(output);
  if (m === undefined || n === m) return;
  const fix = output.length === want.length ? widthFix(last, want[want.length - 1]!) : [];
  out.push(
    diagnostic(
      'target-shape-mismatch',
      fix[0]?.kind === 'replace' ? fix[0].range : last.call.callee.range,
      `Make the model output ${formatShape(want)}: the targets of ${facts.dataset ?? 'the data'} are ${formatShape(want)} (${n} values per sample), but the model outputs ${formatShape(output)} (${m})`,
      {
        fixes: fix,
        related: facts.datasetRange
          ? [{ range: facts.datasetRange, message: `targets ${formatShape(want)}` }]
          : undefined,
      },
    ),
  );
}

/** csv(text=…) gives ids below vocabularySize: the first Embedding needs a row for each. */
function checkEmbedding(model: ModelAnalysis, vocabulary: number, facts: TaskFacts, out: Diagnostic[]): void {
  const embedding = model.layers.find((l) => l.spec.name === 'Embedding');
  const inputDim = embedding?.args.input_dim;
  if (!embedding || typeof inputDim !== 'number' || inputDim >= vocabulary) return;
  const node = argumentNode(embedding.call, embedding.spec.args as readonly ArgSpec[], 'input_dim');
  out.push(
    diagnostic(
      'embedding-vocabulary',
      node?.value.range ?? embedding.call.callee.range,
      `Use Embedding(${vocabulary}, …): ${facts.dataset ?? 'the text'} gives token ids 0 to ${vocabulary - 1} (a vocabulary of ${vocabulary}, padding and '[UNK]' included), but Embedding(input_dim=${inputDim}) has rows only for ids below ${inputDim}`,
      {
        fixes: node
          ? [
              {
                kind: 'replace',
                range: node.value.range,
                text: String(vocabulary),
                title: `Change input_dim of Embedding to ${vocabulary}`,
              },
            ]
          : [],
        related: facts.datasetRange
          ? [{ range: facts.datasetRange, message: `vocabulary of ${vocabulary} tokens` }]
          : undefined,
      },
    ),
  );
}

/** A fix that sets the last layer's output width (Dense units, Conv filters) to `width`. */
function widthFix(layer: LayerInfo, width: number | null | undefined): FixData[] {
  if (typeof width !== 'number') return [];
  const arg = ['units', 'filters'].find((a) => layer.spec.args.some((s) => s.name === a));
  const node = arg && argumentNode(layer.call, layer.spec.args as readonly ArgSpec[], arg);
  return node
    ? [
        {
          kind: 'replace',
          range: node.value.range,
          text: String(width),
          title: `Change ${arg} of ${layer.spec.name} to ${width}`,
        },
      ]
    : [];
}

/** The last layer when it ends with softmax (activation='softmax', Softmax(), Activation('softmax')). */
function finalSoftmax(model: ModelAnalysis): LayerInfo | undefined {
  const last = model.layers[model.layers.length - 1];
  if (!last) return undefined;
  const softmax = last.spec.name === 'Softmax' || last.args.activation === 'softmax';
  return softmax ? last : undefined;
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

function count(shape: Shape | number[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (d === null) return undefined;
    n *= d;
  }
  return n;
}
