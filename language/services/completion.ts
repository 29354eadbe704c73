// Completion: what may be written at the cursor. A layer line offers every layer; inside a call,
// the arguments not yet given and, after `name=`, that argument's values; at the top level, the
// blocks; inside compile/data/fit, the settings not yet written and, after `key:`, their values.

import type { Analysis } from '../analysis/analyze';
import { hasValidation, objectiveDirection, reportedQuantities } from '../analysis/tune';
import {
  BASE_ARGS,
  blockSettings,
  findRef,
  getAugmentation,
  getDataset,
  getLayer,
  type ArgSpec,
  type ArgType,
  type RefTable,
} from '../catalog';
import type { Block } from '../syntax';
import { parameterText, resolveCallable, signatureOf } from './callables';
import {
  argumentTemplates,
  augmentationTemplates,
  layerTemplates,
  searchSpaceTemplates,
  valueTemplates,
  type ItemTemplate,
} from './completion-items';
import { cursorContext, type CallFrame, type CursorContext } from './cursor';
import { offsetAt, rangeAt } from './text-positions';
import type { CompletionEntry, CompletionOptions, LineCharacter } from './types';

/** What VS Code does; other editors say what they support (see the LSP server). */
const FULL: CompletionOptions = { snippets: true, retrigger: true };

export function complete(analysis: Analysis, pos: LineCharacter, options: CompletionOptions = FULL): CompletionEntry[] {
  const entries = entriesAt(analysis, pos);
  if (options.snippets && options.retrigger) return entries;
  return entries.map((e) => forClient(e, options));
}

/** An entry as a client without snippets (plain text) or without the retrigger command takes it. */
function forClient(entry: CompletionEntry, options: CompletionOptions): CompletionEntry {
  const { plainText, retrigger, ...rest } = entry;
  const plain = !options.snippets && entry.snippet ? { insertText: plainText ?? entry.label, snippet: false } : {};
  return { ...rest, ...plain, ...(options.retrigger && retrigger !== undefined && { retrigger }) };
}

function entriesAt(analysis: Analysis, pos: LineCharacter): CompletionEntry[] {
  const context = cursorContext(analysis, offsetAt(analysis, pos));
  const replace = rangeAt(analysis, context.word.start, Math.max(context.word.end, context.offset));
  // A quoted value ('relu') should match what is typed with or without the opening quote.
  const quoted = /^['"]/.test(context.word.text);
  const withRange = (items: readonly ItemTemplate[]): CompletionEntry[] =>
    items.map((i) =>
      !quoted && i.filterText?.startsWith("'")
        ? { ...i, filterText: i.filterText.replace(/'/g, ''), replace }
        : { ...i, replace },
    );
  const slot = context.slot;
  switch (slot.kind) {
    case 'top':
      return withRange(blockTemplates(analysis.parse.file.blocks));
    case 'layer':
      return withRange(slot.beforeParen ? layerTemplates().map(nameOnly) : layerTemplates());
    case 'argument':
      return withRange(argumentItems(analysis, slot.call, context));
    case 'value':
      return withRange(valueItems(analysis, slot.param, slot.call));
    case 'settingKey': {
      const written = new Set(slot.block.settings.map((s) => s.key.name));
      const current = context.word.text;
      return withRange(
        blockSettings(slot.block.kind)
          .filter((s) => !written.has(s.name) || s.name === current)
          .map((s, i) => ({
            label: s.name,
            kind: 'setting' as const,
            detail: parameterText(s),
            documentation: s.doc,
            insertText: `${s.name}: `,
            sortText: String(i).padStart(2, '0'),
            retrigger: true,
          })),
      );
    }
    case 'settingValue': {
      if (slot.setting.name === 'augment') return withRange(augmentationTemplates());
      if (slot.block.kind === 'tune' && slot.setting.name === 'objective') return withRange(objectiveItems(analysis));
      const type = slot.inList ? itemTypeOf(slot.setting.type) : slot.setting.type;
      // Any setting but the tune block's own may be searched.
      const spaces = slot.block.kind === 'tune' ? [] : searchSpaceTemplates(type);
      return withRange([...valueTemplates(type), ...spaces]);
    }
    case 'listItem':
      return withRange(valueTemplates(slot.itemType));
    case 'none':
      return [];
  }
}

/** Argument names not yet given, then values for the positional slot the cursor is at. */
function argumentItems(analysis: Analysis, frame: CallFrame, context: CursorContext): ItemTemplate[] {
  const callable = frame.callable;
  if (!callable) return [];
  const typing = context.word.text;
  const names = argumentTemplates(callable).filter(
    (i) => !frame.given.has(i.data?.name ?? '') || i.data?.name === typing,
  );
  const positional = frame.keyword ? undefined : callable.args.filter((a) => !a.keywordOnly)[frame.positional];
  const values = positional && !frame.given.has(positional.name) ? valueItems(analysis, positional, frame) : [];
  return [...values, ...names];
}

function valueItems(analysis: Analysis, param: ArgSpec, frame: CallFrame): ItemTemplate[] {
  // A search space's own arguments are plain values.
  const spaces = frame.callable?.kind === 'search-space' ? [] : searchSpaceTemplates(param.type);
  const items = [...valueTemplates(param.type), ...spaces];
  if (param.name === 'units' && isLastLayer(analysis, frame)) {
    const classes = classCount(analysis);
    if (classes !== undefined) {
      items.unshift({
        label: String(classes),
        kind: 'value',
        detail: `the ${classes} classes of the training data`,
        insertText: String(classes),
        preselect: true,
        sortText: '0',
      });
    }
  } else if (items.length === 0 && param.default !== undefined && param.default !== null && isNumeric(param.type)) {
    items.push({ label: String(param.default), kind: 'value', detail: 'default', insertText: String(param.default) });
  }
  return items;
}

function isNumeric(type: ArgType): boolean {
  return type.kind === 'int' || type.kind === 'float' || (type.kind === 'union' && type.of.some(isNumeric));
}

/** The tune objective: what training reports for this file (the loss, the compiled metrics, their val_ forms with validation data). */
function objectiveItems(analysis: Analysis): ItemTemplate[] {
  return reportedQuantities(analysis.compile, hasValidation(analysis.data)).map((q, i) => ({
    label: `'${q}'`,
    kind: 'value' as const,
    detail: objectiveDirection(q) === 'max' ? 'maximised' : 'minimised',
    insertText: `'${q}'`,
    filterText: `'${q}'`,
    sortText: String(i).padStart(2, '0'),
  }));
}

/** True when the call is a layer line and the last layer of the model. */
function isLastLayer(analysis: Analysis, frame: CallFrame): boolean {
  const layers = analysis.model?.block.layers ?? [];
  return (
    frame.callable?.kind === 'layer' &&
    layers.length > 0 &&
    layers[layers.length - 1].callee.range.start.offset === frame.calleeStart
  );
}

/** The training data's class count: from the probe, or from the catalog for built-in sets. */
function classCount(analysis: Analysis): number | undefined {
  const train = analysis.data?.sources.find((s) => s.key === 'train');
  if (train?.info.ok) return train.info.classes?.length ?? train.info.classCount;
  const written = analysis.data?.written.train?.value;
  const name = written?.kind === 'name' ? written.name : written?.kind === 'call' ? written.callee.name : undefined;
  return name ? getDataset(name)?.classNames?.length : undefined;
}

function itemTypeOf(type: ArgType): ArgType {
  if (type.kind === 'list') return type.of;
  if (type.kind === 'union') {
    const list = type.of.find((t) => t.kind === 'list');
    if (list?.kind === 'list') return list.of;
  }
  return type;
}

function nameOnly(item: ItemTemplate): ItemTemplate {
  return { ...item, insertText: item.label, snippet: false };
}

const BLOCK_SNIPPETS: { kind: Block['kind']; insert: string; detail: string; plain?: string }[] = [
  // Without snippets, `model ` leaves the cursor where the name goes.
  { kind: 'model', insert: 'model ${1:name} {\n\t$0\n}', detail: 'model NAME { layers }', plain: 'model ' },
  {
    kind: 'compile',
    insert:
      "compile {\n\tloss: ${1:'categorical_crossentropy'}\n\toptimizer: ${2:'adam'}\n\tmetrics: [${3:'accuracy'}]\n}",
    detail: 'loss, optimizer, metrics',
  },
  {
    kind: 'data',
    insert: 'data {\n\ttrain: ${1:digits}\n\tvalidation_split: ${2:0.1}\n}',
    detail: 'train, test, validation_split, …',
  },
  {
    kind: 'fit',
    insert: 'fit {\n\tepochs: ${1:10}\n\tbatch_size: ${2:32}\n}',
    detail: 'epochs, batch_size, callbacks, …',
  },
  {
    kind: 'tune',
    insert: "tune {\n\tobjective: ${1:'val_loss'}\n\tmax_trials: ${2:10}\n\talgorithm: ${3:'bayesian'}\n}",
    detail: 'objective, max_trials, algorithm, pruning, …',
  },
];

/** The blocks the file does not have yet (each may appear once). */
function blockTemplates(blocks: readonly Block[]): ItemTemplate[] {
  const present = new Set(blocks.map((b) => b.kind));
  return BLOCK_SNIPPETS.filter((b) => !present.has(b.kind)).map((b, i) => ({
    label: b.kind,
    kind: 'keyword' as const,
    detail: b.detail,
    insertText: b.insert,
    snippet: true,
    plainText: b.plain ?? filledIn(b.insert),
    sortText: String(i),
    data: { kind: 'keyword' as const, name: b.kind },
  }));
}

/** A block snippet with its placeholders' defaults written out, indented as the formatter does. */
function filledIn(snippet: string): string {
  return snippet
    .replace(/\$\{\d+:([^}]*)\}/g, '$1')
    .replace(/\$\d+/g, '')
    .replace(/\t/g, '    ');
}

/** Documentation filled in when an entry is selected (kept out of the list for speed). */
export function resolveCompletion(data: NonNullable<CompletionEntry['data']>): string | undefined {
  switch (data.kind) {
    case 'layer': {
      const spec = getLayer(data.name);
      if (!spec) return undefined;
      const callable = resolveCallable(spec.name, undefined, true);
      const args = spec.args
        // The base-layer arguments every layer shares would drown the layer's own.
        .filter((a) => spec.name === 'Input' || !BASE_ARGS.some((b) => b.name === a.name))
        .map((a) => `- \`${parameterText(a)}\`: ${a.doc}`);
      return [callable ? fence(signatureOf(callable).label) : '', spec.doc, args.join('\n')]
        .filter(Boolean)
        .join('\n\n');
    }
    case 'function':
    case 'dataset':
    case 'value': {
      const table = data.owner;
      if (table === 'augmentation') {
        const spec = getAugmentation(data.name);
        return spec ? `${fence(signatureOf({ ...spec, kind: 'augmentation' }).label)}\n\n${spec.doc}` : undefined;
      }
      if (!table || !REF_TABLES.has(table)) return undefined;
      const entry = findRef(table as RefTable, data.name);
      if (!entry) return undefined;
      return entry.args?.length
        ? `${fence(signatureOf({ name: entry.className ?? entry.name, kind: 'dataset', doc: entry.doc, args: entry.args }).label)}\n\n${entry.doc}`
        : entry.doc;
    }
    case 'argument': {
      const callable = data.owner ? resolveCallable(data.owner, undefined, true) : undefined;
      const arg = callable?.args.find((a) => a.name === data.name);
      return arg ? `\`${parameterText(arg)}\`\n\n${arg.doc}` : undefined;
    }
    case 'keyword':
      return BLOCK_SNIPPETS.find((b) => b.kind === data.name)?.detail;
    default:
      return undefined;
  }
}

const REF_TABLES = new Set<string>([
  'activation',
  'initializer',
  'regularizer',
  'constraint',
  'loss',
  'metric',
  'optimizer',
  'callback',
  'dataset',
] satisfies RefTable[]);

function fence(code: string): string {
  return '```python\n' + code + '\n```';
}
