// The completion entries the catalog yields, built once and reused: every layer with a snippet
// of its required arguments, and the values each kind of argument or setting takes. The
// completion service picks among them by where the cursor is and adds the range to replace.

import { formatArgValue } from '../analysis/format-values';
import {
  allAugmentations,
  allLayers,
  refEntries,
  type ArgSpec,
  type ArgType,
  type CallableSpec,
  type LayerCategory,
  type RefTable,
} from '../catalog';
import { describeType, signatureOf, type Callable } from './callables';
import type { CompletionEntry } from './types';

/** An entry without the range it replaces (that depends on the cursor). */
export type ItemTemplate = Omit<CompletionEntry, 'replace'>;

let layerItems: ItemTemplate[] | undefined;

/** Every layer, `Conv2D(${1:filters}, kernel_size=${2:(3, 3)})`, detailed with its signature. */
export function layerTemplates(): ItemTemplate[] {
  layerItems ??= allLayers().map((spec) => ({
    label: spec.name,
    kind: 'layer' as const,
    detail: signatureOf({ name: spec.name, kind: 'layer', doc: spec.doc, args: spec.args }, { maxOptional: 2 }).label,
    insertText: callSnippet(spec.name, spec.args),
    snippet: true,
    plainText: callPlain(spec.name, spec.args),
    sortText: `${CATEGORY_ORDER[spec.category]}${spec.name}`,
    data: { kind: 'layer' as const, name: spec.name },
  }));
  return layerItems;
}

const CATEGORY_ORDER: Record<LayerCategory, number> = {
  input: 0,
  core: 1,
  convolution: 2,
  pooling: 3,
  reshaping: 4,
  regularization: 5,
  normalization: 6,
  recurrent: 7,
  activation: 8,
  application: 9,
  preprocessing: 9,
};

/** `Name(${1:first}, other=${2:example})`: the call with its required arguments as placeholders. */
export function callSnippet(name: string, args: readonly ArgSpec[], extra: readonly ArgSpec[] = []): string {
  const required = args.filter((a) => a.required);
  const parts = [...required, ...extra].map((a, i) => {
    const example = escapeSnippet(exampleOf(a));
    const byName = i > 0 || a.keywordOnly || a.type.kind === 'shape' || extra.includes(a);
    return byName
      ? `${a.name}=\${${i + 1}:${example}}`
      : `\${${i + 1}:${i === 0 && isPlainName(a) ? a.name : example}}`;
  });
  return `${name}(${parts.join(', ')})`;
}

/**
 * The same call for a client without snippets: opened, with the cursor after `(`, when it has
 * required arguments to write; whole (`Flatten()`, `Adam()`) when it needs none.
 */
function callPlain(name: string, args: readonly ArgSpec[]): string {
  return args.some((a) => a.required) ? `${name}(` : `${name}()`;
}

/** A number reads better as the argument's name (`units`); a tuple or a string as an example. */
function isPlainName(a: ArgSpec): boolean {
  return a.type.kind === 'int' || a.type.kind === 'float';
}

/** A plausible value for an argument, used as a snippet placeholder. */
function exampleOf(a: ArgSpec): string {
  if (a.default !== undefined && a.default !== null) return formatArgValue(a.default);
  const t = a.type;
  switch (t.kind) {
    case 'intTuple':
      return `(${new Array(t.length).fill(3).join(', ')}${t.length === 1 ? ',' : ''})`;
    case 'shape':
      return '(28, 28, 1)';
    case 'ref':
      return t.table === 'activation' ? "'relu'" : `'${refEntries(t.table)[0]?.name ?? ''}'`;
    case 'layer':
      return 'LSTM(64)';
    case 'string':
      return `'${a.name}'`;
    case 'enum':
      return `'${t.values[0]}'`;
    case 'union':
      return exampleOf({ ...a, type: t.of[0] });
    default:
      return a.name;
  }
}

function escapeSnippet(s: string): string {
  return s.replace(/[$}\\]/g, (c) => `\\${c}`);
}

/** `name=` for each argument, with its type and default. */
export function argumentTemplates(callable: Callable): ItemTemplate[] {
  return callable.args.map((a, i) => ({
    label: `${a.name}=`,
    kind: 'argument' as const,
    detail: a.required
      ? `${describeType(a.type)} (required)`
      : `${describeType(a.type)} = ${a.default === undefined ? 'None' : formatArgValue(a.default)}`,
    documentation: a.doc,
    insertText: `${a.name}=`,
    filterText: a.name,
    // Keras's order: required first, then as the signature lists them.
    sortText: `${a.required ? 0 : 1}${String(i).padStart(3, '0')}`,
    retrigger: true,
    data: { kind: 'argument' as const, name: a.name, owner: callable.name },
  }));
}

const valueCache = new WeakMap<ArgType, ItemTemplate[]>();

/** The values a type takes: enum members, True/False, names from a catalog table, calls. */
export function valueTemplates(type: ArgType): ItemTemplate[] {
  let items = valueCache.get(type);
  if (!items) {
    items = dedupe(computeValues(type));
    valueCache.set(type, items);
  }
  return items;
}

function computeValues(type: ArgType): ItemTemplate[] {
  switch (type.kind) {
    case 'enum':
      return type.values.map((v) => value(v === 'None' ? 'None' : `'${v}'`, v));
    case 'bool':
      return [value('True', 'True'), value('False', 'False')];
    case 'none':
      return [value('None', 'None')];
    case 'ref':
      return refValues(type.table);
    case 'layer':
      return layerTemplates();
    case 'union':
      return type.of.flatMap(computeValues);
    case 'list':
      return computeValues(type.of).map((item) => ({
        ...item,
        label: `[${item.label}]`,
        insertText: `[${item.insertText ?? item.label}]`,
        // An opened call (`[csv(`) is left open: the user closes both as they finish it.
        plainText:
          item.plainText === undefined
            ? undefined
            : item.plainText.endsWith('(')
              ? `[${item.plainText}`
              : `[${item.plainText}]`,
        filterText: `[${item.filterText ?? item.label}`,
      }));
    default:
      return [];
  }
}

function value(text: string, name: string, owner?: string, doc?: string): ItemTemplate {
  return {
    label: text,
    kind: 'value',
    insertText: text,
    filterText: text,
    documentation: doc,
    data: { kind: 'value', name, owner },
  };
}

/** Names quoted as Keras writes them, plus calls with their arguments where the entry takes any. */
function refValues(table: RefTable): ItemTemplate[] {
  const entries = refEntries(table);
  if (table === 'dataset') {
    return entries.map((e) => {
      const spec = e as CallableSpec;
      const needsArgs = spec.args?.some((a) => a.required);
      // csv('path', label='price') and images('dir', size=(224, 224)) are rarely written without these.
      const usual = spec.args.filter((a) => a.name === 'label' || a.name === 'size');
      return needsArgs
        ? call(spec, table, 'dataset', spec.name, usual)
        : {
            label: e.name,
            kind: 'dataset' as const,
            insertText: e.name,
            detail: 'built-in dataset',
            data: { kind: 'dataset' as const, name: e.name, owner: table },
          };
    });
  }
  if (table === 'callback') return entries.map((e) => call(e as CallableSpec, table, 'function'));
  const names: ItemTemplate[] = [];
  for (const e of entries) {
    names.push(value(`'${e.name}'`, e.name, table));
    // Short aliases people write ('mse', 'acc'); class names are offered as calls below.
    for (const alias of e.aliases ?? [])
      if (alias === alias.toLowerCase() && alias !== e.name) names.push(value(`'${alias}'`, e.name, table));
  }
  if (table === 'optimizer' || table === 'initializer' || table === 'regularizer' || table === 'constraint') {
    for (const e of entries) {
      const spec = e as CallableSpec & { className?: string };
      if (spec.args?.length)
        names.push(call({ ...spec, name: spec.className ?? spec.name }, table, 'function', spec.name));
    }
  }
  return names;
}

/** `EarlyStopping(monitor=${1:'val_loss'})`: a call with its required (or first) arguments. */
function call(
  spec: CallableSpec,
  table: RefTable | 'augmentation',
  kind: CompletionEntry['kind'],
  name = spec.name,
  usual: readonly ArgSpec[] = [],
): ItemTemplate {
  const first = spec.args.some((a) => a.required) ? usual : spec.args.slice(0, 1);
  return {
    label: `${spec.name}(…)`,
    kind,
    detail: signatureOf({ name: spec.name, kind: 'dataset', doc: spec.doc, args: spec.args }, { maxOptional: 3 }).label,
    insertText: callSnippet(spec.name, spec.args, first),
    filterText: spec.name,
    snippet: true,
    plainText: callPlain(spec.name, spec.args),
    data: { kind: 'function', name, owner: table },
  };
}

/** ImageDataGenerator(...) for the data block's `augment`. */
export function augmentationTemplates(): ItemTemplate[] {
  return allAugmentations().map((spec) => call(spec, 'augmentation', 'function'));
}

function dedupe(items: ItemTemplate[]): ItemTemplate[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.label) && (seen.add(i.label), true));
}

const spaceItems = new Map<ArgType, ItemTemplate[]>();

/**
 * Search spaces for a value of this type (LANGUAGE.md, "Search spaces and the tune block"):
 * Int/Float/Choice for numbers, Boolean for True/False, Choice of two names for an activation,
 * optimizer or initializer. Sorted after the plain values.
 */
export function searchSpaceTemplates(type: ArgType): ItemTemplate[] {
  let items = spaceItems.get(type);
  if (!items) {
    items = computeSpaces(type);
    spaceItems.set(type, items);
  }
  return items;
}

const SEARCHED_TABLES = new Set<RefTable>(['activation', 'optimizer', 'initializer']);

function computeSpaces(type: ArgType): ItemTemplate[] {
  const kinds = new Set<string>();
  const strings: string[] = [];
  const walk = (t: ArgType) => {
    if (t.kind === 'union') t.of.forEach(walk);
    else if (t.kind === 'int' || t.kind === 'float' || t.kind === 'bool') kinds.add(t.kind);
    // Names worth trying against each other; an enum (padding, backend) is a decision, not a hyperparameter.
    else if (t.kind === 'ref' && SEARCHED_TABLES.has(t.table)) strings.push(...refEntries(t.table).map((e) => e.name));
  };
  walk(type);
  const item = (label: string, snippet: string, plain: string, detail: string): ItemTemplate => ({
    label,
    kind: 'function',
    detail,
    insertText: snippet,
    snippet: true,
    plainText: plain,
    filterText: label,
    sortText: `~${label}`,
    data: { kind: 'function', name: label.slice(0, label.indexOf('(')) },
  });
  const items: ItemTemplate[] = [];
  if (kinds.has('int')) {
    items.push(item('Int(…)', 'Int(${1:32}, ${2:256}, step=${3:32})', 'Int(', 'search space: an integer range'));
    items.push(item('Choice(…)', 'Choice(${1:32}, ${2:64}, ${3:128})', 'Choice(', 'search space: one of the values'));
  } else if (kinds.has('float')) {
    items.push(
      item('Float(…)', "Float(${1:1e-4}, ${2:1e-2}, sampling='${3:log}')", 'Float(', 'search space: a number range'),
    );
    items.push(item('Choice(…)', 'Choice(${1:0.1}, ${2:0.2}, ${3:0.5})', 'Choice(', 'search space: one of the values'));
  } else if (strings.length >= 2) {
    const [a, b] = strings;
    items.push(
      item(
        'Choice(…)',
        `Choice('\${1:${escapeSnippet(a)}}', '\${2:${escapeSnippet(b)}}')`,
        'Choice(',
        'search space: one of the values',
      ),
    );
  }
  if (kinds.has('bool')) items.push(item('Boolean()', 'Boolean()', 'Boolean()', 'search space: True or False'));
  return items;
}
