// Hover: what the thing under the cursor is. A layer shows its Keras signature, shapes and
// parameter count; the model name shows the totals, then one row per layer; an argument shows its doc,
// type and default; a value (activation, loss, dataset…) shows what it means.

import type { Analysis } from '../analysis/analyze';
import { formatArgValue, formatCount, formatShape } from '../analysis/format-values';
import type { LayerInfo, ModelAnalysis } from '../analysis/model';
import { describeSpace, formatHyperValue } from '../analysis/search-space';
import { sourceLabel } from '../analysis/sources';
import {
  blockSettings,
  findRef,
  getDataset,
  unqualifiedRef,
  type ArgSpec,
  type ArgType,
  type RefTable,
} from '../catalog';
import type { Argument, Block, CallValue, Range, Value } from '../syntax';
import { describeType, refTablesOf, resolveCallable, signatureOf, type Callable } from './callables';
import { applicationSummary } from './application-summary';
import { groupParams } from './layer-groups';
import { summaryMarkdown } from './summary';
import { isInDocument, offsetAt, touches } from './text-positions';
import type { HoverResult, LineCharacter } from './types';

export function hover(analysis: Analysis, pos: LineCharacter): HoverResult | undefined {
  if (!isInDocument(analysis, pos)) return undefined;
  const offset = offsetAt(analysis, pos);
  for (const block of analysis.parse.file.blocks) {
    const found = touches(block.range, offset) ? hoverInBlock(analysis, block, offset) : undefined;
    if (found) return found;
  }
  return undefined;
}

function hoverInBlock(analysis: Analysis, block: Block, offset: number): HoverResult | undefined {
  if (touches(block.keyword, offset)) return { contents: BLOCK_DOCS[block.kind], range: block.keyword };
  if (block.kind === 'model') {
    const model = sameNode(analysis.model?.block, block) ? analysis.model : undefined;
    if (block.name && touches(block.name.range, offset)) {
      const contents = model ? `**model ${model.name}**\n\n${summaryMarkdown(model)}` : `**model ${block.name.name}**`;
      return { contents, range: block.name.range };
    }
    const layer = layerAt(block.layers, offset);
    if (!layer) return undefined;
    if (touches(layer.callee.range, offset)) return layerHover(layer, model);
    return inCall(analysis, layer, resolveCallable(layer.callee.name, undefined, true), offset);
  }
  const specs = blockSettings(block.kind);
  for (const setting of block.settings) {
    if (!touches(setting.range, offset)) continue;
    const spec = specs.find((s) => s.name === setting.key.name || s.deprecatedAliases?.includes(setting.key.name));
    if (touches(setting.key.range, offset)) {
      return spec ? { contents: argumentDoc(spec, `${block.kind} setting`), range: setting.key.range } : undefined;
    }
    return inValue(analysis, setting.value, spec?.type, offset);
  }
  return undefined;
}

/** The layer call whose range holds the offset (layers are in source order). */
function layerAt(layers: readonly CallValue[], offset: number): CallValue | undefined {
  let low = 0;
  let high = layers.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const r = layers[mid].range;
    if (offset < r.start.offset) high = mid - 1;
    else if (offset > r.end.offset) low = mid + 1;
    else return layers[mid];
  }
  return undefined;
}

function layerHover(call: CallValue, model: ModelAnalysis | undefined): HoverResult | undefined {
  const callable = resolveCallable(call.callee.name, undefined, true);
  if (!callable) return undefined;
  const parts = [codeBlock(signatureOf(callable, { maxOptional: 4 }).label), callable.doc];
  const infos = model?.layers.filter((l) => sameNode(l.call, call)) ?? [];
  if (callable.name === 'Input' && model?.inputShape) {
    parts.push(`Model input: \`${formatShape(model.inputShape)}\``);
  } else if (infos.length) {
    parts.push(layerFacts(infos, model));
    const summary = infos.length === 1 ? applicationSummary(infos[0]) : undefined;
    if (summary) parts.push(summary);
  }
  return { contents: parts.join('\n\n'), range: call.callee.range };
}

function layerFacts(infos: LayerInfo[], model: ModelAnalysis | undefined): string {
  const first = infos[0];
  const last = infos[infos.length - 1];
  const lines: string[] = [];
  lines.push(
    infos.length > 1
      ? `Keras layers: \`${first.name}\` … \`${last.name}\` (${infos.length} layers)`
      : `Keras name: \`${first.name}\``,
  );
  if (first.input) lines.push(`Input: \`${formatShape(first.input)}\``);
  if (last.output) lines.push(`Output: \`${formatShape(last.output)}\``);
  const params = groupParams(infos);
  if (params) {
    const { trainable, nonTrainable } = params;
    lines.push(
      `Parameters: ${formatCount(trainable + nonTrainable)} (${formatCount(trainable)} trainable, ${formatCount(nonTrainable)} non-trainable)`,
    );
  }
  const source = model?.inputSource;
  if (model && source && model.layers[0] === first) {
    if (source.kind === 'data')
      lines.push(`Input shape \`${formatShape(model.inputShape ?? [])}\` inferred from ${source.dataset}`);
    else if (source.kind === 'input_shape' || source.kind === 'input_dim')
      lines.push(`Input shape from \`${source.kind}=\``);
  }
  return lines.join('  \n');
}

/** Inside a call: an argument name, a nested call, or a value. */
function inCall(
  analysis: Analysis,
  call: CallValue,
  callable: Callable | undefined,
  offset: number,
): HoverResult | undefined {
  const positional = callable?.args.filter((a) => !a.keywordOnly) ?? [];
  let index = 0;
  for (const arg of call.args) {
    const param = paramFor(arg, callable, positional, arg.name ? -1 : index++);
    if (!touches(arg.range, offset)) continue;
    if (arg.name && touches(arg.name.range, offset)) {
      return param
        ? { contents: argumentDoc(param, `argument of ${callable?.name}`), range: arg.name.range }
        : undefined;
    }
    return inValue(analysis, arg.value, param?.type, offset);
  }
  return undefined;
}

function paramFor(
  arg: Argument,
  callable: Callable | undefined,
  positional: readonly ArgSpec[],
  index: number,
): ArgSpec | undefined {
  if (!arg.name) return positional[index];
  const name = arg.name.name;
  return callable?.args.find((a) => a.name === name) ?? callable?.args.find((a) => a.deprecatedAliases?.includes(name));
}

function inValue(
  analysis: Analysis,
  value: Value,
  expected: ArgType | undefined,
  offset: number,
): HoverResult | undefined {
  if (!touches(value.range, offset)) return undefined;
  switch (value.kind) {
    case 'call': {
      const callable = resolveCallable(value.callee.name, expected);
      if (touches(value.callee.range, offset)) {
        if (!callable) return undefined;
        if (callable.kind === 'search-space') return spaceHover(analysis, value, callable);
        const extra = callable.kind === 'dataset' ? datasetFacts(analysis, callable.name) : undefined;
        const parts = [codeBlock(signatureOf(callable, { maxOptional: 4 }).label), callable.doc, extra].filter(
          (p): p is string => !!p,
        );
        return { contents: parts.join('\n\n'), range: value.callee.range };
      }
      return inCall(analysis, value, callable, offset);
    }
    case 'list':
    case 'tuple':
      for (const item of value.items) {
        const found = inValue(analysis, item, listItemType(expected), offset);
        if (found) return found;
      }
      return undefined;
    case 'string':
      return namedValueHover(analysis, value.value, refTablesOf(expected), value.range);
    case 'name': {
      // A pasted callable (`tf.nn.relu`) shows the entry it means, as the checker resolves it.
      const tables = refTablesOf(expected);
      const name = value.name.includes('.')
        ? tables.map((t) => unqualifiedRef(t, value.name)).find((n) => n !== undefined)
        : value.name;
      return name === undefined ? undefined : namedValueHover(analysis, name, tables, value.range);
    }
    default:
      return undefined;
  }
}

/** A search space: its name (where trials.csv and best.json list it), its values and the default the file trains. */
function spaceHover(analysis: Analysis, call: CallValue, callable: Callable): HoverResult {
  const place = analysis.searchSpacePlaces.find((p) => sameNode(p, call));
  const space = place && analysis.searchSpaces.find((s) => s.name === place.name);
  const parts = [codeBlock(signatureOf(callable, { maxOptional: 4 }).label)];
  if (space) {
    const shared = analysis.searchSpacePlaces.filter((p) => p.name === space.name).length;
    const current = analysis.hyperparameters[space.name];
    parts.push(
      [
        `**${space.name}**: search space, ${describeSpace(space)}`,
        `Default: \`${formatHyperValue(space.default)}\` (what the file trains when it is not searched)`,
        ...(current !== undefined && current !== space.default
          ? [`This analysis: \`${formatHyperValue(current)}\``]
          : []),
        ...(shared > 1 ? [`Shared by ${shared} calls (same name=)`] : []),
      ].join('  \n'),
    );
  }
  parts.push(callable.doc);
  return { contents: parts.join('\n\n'), range: call.callee.range };
}

function namedValueHover(analysis: Analysis, name: string, tables: RefTable[], range: Range): HoverResult | undefined {
  for (const table of tables) {
    const entry = findRef(table, name);
    if (!entry) continue;
    const title = `**${entry.name}** (${table})`;
    const aliases = entry.aliases?.length ? `\n\nAlso written: ${entry.aliases.map((a) => `'${a}'`).join(', ')}` : '';
    const extra = table === 'dataset' ? `\n\n${datasetFacts(analysis, entry.name)}` : '';
    return { contents: `${title}\n\n${entry.doc}${aliases}${extra}`, range };
  }
  return undefined;
}

/** What is known about a dataset: the probe's description when it is the training source, else the catalog's. */
function datasetFacts(analysis: Analysis, name: string): string {
  const probed = analysis.data?.sources.find((s) => s.ref.name === name && s.info.ok);
  if (probed?.info.ok) return `${sourceLabel(probed.ref)}: ${probed.info.description}`;
  const spec = getDataset(name);
  if (!spec) return '';
  const facts: string[] = [];
  if (spec.sampleShape) facts.push(`Sample shape: \`${formatShape([...spec.sampleShape])}\``);
  if (spec.classNames) facts.push(`Classes: ${spec.classNames.length} (${spec.classNames.join(', ')})`);
  if (spec.samples)
    facts.push(`Samples: ${formatCount(spec.samples.train)} train, ${formatCount(spec.samples.test)} test`);
  return facts.join('  \n');
}

function argumentDoc(spec: ArgSpec, what: string): string {
  const lines = [`**${spec.name}** (${what})`, spec.doc, `Type: \`${describeType(spec.type)}\``];
  if (spec.required) lines.push('Required');
  else if (spec.default !== undefined) lines.push(`Default: \`${formatArgValue(spec.default)}\``);
  if (spec.deprecatedAliases?.length) lines.push(`Keras 2 spelling: \`${spec.deprecatedAliases.join('`, `')}\``);
  return lines.join('\n\n');
}

function listItemType(type: ArgType | undefined): ArgType | undefined {
  if (!type) return undefined;
  if (type.kind === 'list') return type.of;
  if (type.kind === 'union') return type.of.map(listItemType).find((t) => t !== undefined);
  return type;
}

/**
 * The checked model is built from the file at one point of its search space (each space replaced
 * by a value, analysis/search-places.ts), so its nodes are copies where a space stands: a node is
 * the same when it starts at the same place.
 */
function sameNode(a: { range: Range } | undefined, b: { range: Range }): boolean {
  return a !== undefined && a.range.start.offset === b.range.start.offset && a.range.end.offset === b.range.end.offset;
}

function codeBlock(code: string): string {
  return '```python\n' + code + '\n```';
}

const BLOCK_DOCS: Record<Block['kind'], string> = {
  model: '**model** NAME { … }: the layers of a Keras Sequential model, one call per line.',
  compile: "**compile** { … }: Keras's `model.compile` settings: loss, optimizer, metrics.",
  data: '**data** { … }: where the training data comes from (train, test, validation, validation_split, rescale, augment).',
  fit: "**fit** { … }: Keras's `model.fit` settings: epochs, batch_size, callbacks, seed, backend.",
  tune: '**tune** { … }: how the search spaces (Choice, Int, Float, Boolean) are searched: objective, max_trials, algorithm, executions_per_trial, pruning, parallel, seed.',
};
