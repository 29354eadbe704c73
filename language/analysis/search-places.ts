// Where a file's search spaces stand: each Choice/Int/Float/Boolean call with the path its
// default name comes from (`dense_1.units`, `optimizer.learning_rate`, `fit.batch_size`), and the
// substitution that turns the file into one point of the space (each call replaced by a literal
// with the call's range), which the ordinary checker then reads.

import {
  getAugmentation,
  getCallback,
  getDataset,
  getInitializer,
  getLayer,
  getOptimizer,
  getConstraint,
  getRegularizer,
  type ArgSpec,
} from '../catalog';
import type { Argument, Block, CallValue, ModelFile, Range, Setting, Value } from '../syntax/ast';
import { bindArguments } from './bind';
import { diagnostic, type Diagnostic } from './diagnostics';
import type { LayerInfo } from './model';
import { formatNumber } from './format-values';
import {
  isSearchSpaceCall,
  readSpaceCall,
  spaceCall,
  type HyperValue,
  type SearchSpace,
  type SpaceDefinition,
} from './search-space';

/** One search-space call in the file. */
export interface SpacePlace {
  call: CallValue;
  definition: SpaceDefinition;
  /** The model line it stands in (index into the model block's layers), for the layer's Keras name. */
  layerIndex?: number;
  /** The rest of its default name: ['units'], ['optimizer', 'learning_rate'], ['fit', 'batch_size']. */
  path: string[];
  /** The parameter it sets, for messages: 'units', 'learning_rate', 'batch_size'. */
  label: string;
  /** Where it cannot stand (a model line, the tune block, inside another space): reported, then given its default. */
  misplaced?: boolean;
  /** Filled in by `nameSpaces`. */
  name: string;
}

/** Every search-space call in the file, with the problems of their arguments and places. */
export function findSpaces(file: ModelFile, out: Diagnostic[]): SpacePlace[] {
  const places: SpacePlace[] = [];
  const add = (call: CallValue, path: string[], extra: Partial<SpacePlace> = {}) => {
    places.push({
      call,
      definition: readSpaceCall(call, out),
      path,
      label: path[path.length - 1] ?? call.callee.name,
      name: '',
      ...extra,
    });
    // A space inside a space's own arguments is reported by readSpaceCall (Choice) or here.
    for (const a of call.args) visitNested(a.value);
  };
  const visitNested = (v: Value) => {
    const nested = spaceCall(v);
    if (nested) {
      out.push(
        diagnostic(
          'search-space-misplaced',
          v.range,
          `A search space cannot hold another; write the values of ${nested.callee.name}(…) as plain literals`,
        ),
      );
    }
    if (v.kind === 'call') for (const a of v.args) visitNested(a.value);
    if (v.kind === 'list' || v.kind === 'tuple') v.items.forEach(visitNested);
  };

  const visit = (v: Value, path: string[], layerIndex: number | undefined) => {
    const space = spaceCall(v);
    if (space) {
      add(space, path, layerIndex === undefined ? {} : { layerIndex });
      return;
    }
    if (v.kind === 'call') visitCall(v, path, layerIndex);
    else if (v.kind === 'list' || v.kind === 'tuple')
      v.items.forEach((item, i) => visitItem(item, [...path, String(i)], layerIndex));
  };
  // A call in a list (callbacks: [EarlyStopping(patience=Int(2, 10))]) is named by its class.
  const visitItem = (v: Value, path: string[], layerIndex: number | undefined) => {
    if (v.kind === 'call' && !isSearchSpaceCall(v) && layerIndex === undefined)
      visitCall(v, [snakeCase(v.callee.name)], undefined);
    else visit(v, path, layerIndex);
  };
  const visitCall = (call: CallValue, owner: string[], layerIndex: number | undefined) => {
    const params = argsOf(call.callee.name);
    bindArguments(call.args, params).forEach(({ arg, param }, i) =>
      visit(arg.value, [...owner, param?.name ?? arg.name?.name ?? String(i)], layerIndex),
    );
  };

  for (const block of file.blocks) {
    if (block.kind === 'model') {
      block.layers.forEach((call, index) => {
        if (isSearchSpaceCall(call)) {
          out.push(
            diagnostic(
              'search-space-misplaced',
              call.range,
              `A search space stands for a value, not a layer: put it inside a layer's call, e.g. Dense(${call.callee.name === 'Int' ? 'Int(32, 256, step=32)' : 'Choice(32, 64, 128)'})`,
            ),
          );
          return;
        }
        visitCall(call, [], index);
      });
      continue;
    }
    for (const setting of block.settings) visitSetting(block, setting);
  }
  return places;

  function visitSetting(block: Exclude<Block, { kind: 'model' }>, setting: Setting) {
    const key = setting.key.name;
    const v = setting.value;
    if (block.kind === 'tune') {
      const before = places.length;
      visit(v, ['tune', key], undefined);
      for (const p of places.slice(before)) {
        p.misplaced = true;
        out.push(
          diagnostic(
            'search-space-misplaced',
            p.call.range,
            'The tune block says how to search; its settings cannot be searched themselves. Write a plain value',
          ),
        );
      }
      return;
    }
    const space = spaceCall(v);
    if (space) add(space, [block.kind, key]);
    else if (v.kind === 'call') visitCall(v, [key], undefined);
    else if (v.kind === 'list' || v.kind === 'tuple')
      v.items.forEach((item, i) => visitItem(item, [block.kind, key, String(i)], undefined));
  }
}

/** The catalog's arguments of whatever `name` calls: a layer, optimizer, callback, source, initializer… */
function argsOf(name: string): readonly ArgSpec[] {
  return (
    getLayer(name)?.args ??
    getOptimizer(name)?.args ??
    getCallback(name)?.args ??
    getDataset(name)?.args ??
    getAugmentation(name)?.args ??
    getInitializer(name)?.args ??
    getRegularizer(name)?.args ??
    getConstraint(name)?.args ??
    []
  );
}

/** `EarlyStopping` → `early_stopping`, as Keras names things. */
function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Gives each place its name: name= when written, else its layer's Keras name (from the checked
 * model, `layers`) and its path. Places that share an explicit name share one space when they
 * define the same one; a different definition under a taken name is an error. Default names that
 * collide get `_1`, `_2`.
 */
export function nameSpaces(
  places: SpacePlace[],
  modelLines: readonly CallValue[],
  layers: readonly LayerInfo[] | undefined,
  out: Diagnostic[],
): SearchSpace[] {
  const spaces = new Map<string, { space: SearchSpace; place: SpacePlace }>();
  for (const place of places) {
    if (place.misplaced) continue;
    const explicit = place.definition.explicitName;
    let name = explicit ?? defaultName(place, modelLines, layers);
    const taken = spaces.get(name);
    if (taken && explicit === undefined) {
      let n = 1;
      while (spaces.has(`${name}_${n}`)) n++;
      name = `${name}_${n}`;
    } else if (taken) {
      if (!sameDefinition(taken.place.definition, place.definition)) {
        out.push(
          diagnostic(
            'search-space-name',
            place.call.range,
            `'${name}' already names a different search space; give this one its own name= or write the same space to share its value`,
            {
              related: [{ range: taken.place.call.range, message: `'${name}' is defined here` }],
            },
          ),
        );
        place.misplaced = true; // trained at its own default, never searched
        continue;
      }
      place.name = name;
      continue;
    }
    place.name = name;
    spaces.set(name, { space: toSpace(place), place });
  }
  return [...spaces.values()].map((s) => s.space);
}

function defaultName(
  place: SpacePlace,
  modelLines: readonly CallValue[],
  layers: readonly LayerInfo[] | undefined,
): string {
  if (place.layerIndex === undefined) return place.path.join('.');
  const line = modelLines[place.layerIndex];
  const own = layers?.filter((l) => l.call.range.start.offset === line.range.start.offset) ?? [];
  const layerName = own.length === 1 && !own[0].expandedFrom ? own[0].name : snakeCase(line.callee.name);
  return [layerName, ...place.path].join('.');
}

function toSpace(place: SpacePlace): SearchSpace {
  const d = place.definition;
  return {
    name: place.name,
    kind: d.kind,
    ...(d.values && { values: [...d.values] }),
    ...(d.min !== undefined && { min: d.min }),
    ...(d.max !== undefined && { max: d.max }),
    ...(d.step !== undefined && { step: d.step }),
    ...(d.sampling && { sampling: d.sampling }),
    default: d.default,
    range: place.call.range,
  };
}

function sameDefinition(a: SpaceDefinition, b: SpaceDefinition): boolean {
  const key = (d: SpaceDefinition) => JSON.stringify([d.kind, d.values, d.min, d.max, d.step, d.sampling, d.default]);
  return key(a) === key(b);
}

// ---- substitution ----

/**
 * The file with each search-space call replaced by the literal of its value at this point (places
 * by name; a misplaced or unnamed place takes its default). Nodes off the paths to the calls are
 * shared with `file`; the literals keep the calls' ranges, so diagnostics point at the calls.
 */
export function substitute(
  file: ModelFile,
  places: readonly SpacePlace[],
  point: Readonly<Record<string, HyperValue>>,
): ModelFile {
  const replacements = new Map<CallValue, Value>();
  for (const place of places) {
    const value = !place.misplaced && place.name in point ? point[place.name] : place.definition.default;
    replacements.set(place.call, literal(place, value));
  }
  const value = (v: Value): Value => {
    const r = v.kind === 'call' ? replacements.get(v) : undefined;
    if (r) return r;
    if (v.kind === 'call') {
      const args = argsOfCall(v.args);
      return args === v.args ? v : { ...v, args };
    }
    if (v.kind === 'list' || v.kind === 'tuple') {
      const items = v.items.map(value);
      return items.every((x, i) => x === v.items[i]) ? v : { ...v, items };
    }
    return v;
  };
  const argsOfCall = (args: Argument[]): Argument[] => {
    const next = args.map((a) => {
      const v = value(a.value);
      return v === a.value ? a : { ...a, value: v };
    });
    return next.every((a, i) => a === args[i]) ? args : next;
  };
  if (!replacements.size && !file.blocks.some((b) => b.kind === 'model' && b.layers.some(isSearchSpaceCall)))
    return file;
  const blocks = file.blocks.map((block): Block => {
    if (block.kind === 'model') {
      // A space standing as a model line was reported; the model is checked without it.
      const layers = block.layers.filter((c) => !isSearchSpaceCall(c)).map((c) => value(c) as CallValue);
      return { ...block, layers };
    }
    return {
      ...block,
      settings: block.settings.map((s) => {
        const v = value(s.value);
        return v === s.value ? s : { ...s, value: v };
      }),
    };
  });
  return { ...file, blocks };
}

/** The literal node for `value` at the call's place. */
function literal(place: SpacePlace, value: HyperValue): Value {
  const range: Range = place.call.range;
  const written = place.definition.valueNodes?.find((n) => literalValue(n) === value);
  if (written) return { ...written, range } as Value;
  if (typeof value === 'boolean') return { kind: 'boolean', value, range };
  if (typeof value === 'string') return { kind: 'string', value, quote: "'", range };
  const isInteger = place.definition.kind === 'int';
  const text = formatNumber(value);
  return { kind: 'number', value, text: isInteger || /[.e]/.test(text) ? text : `${text}.0`, isInteger, range };
}

function literalValue(node: Value): HyperValue | undefined {
  return node.kind === 'number' || node.kind === 'string' || node.kind === 'boolean' ? node.value : undefined;
}
