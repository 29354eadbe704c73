// `modelspec import FILE.py`: a Keras script (keras.Sequential([...]) or Sequential() with
// model.add(...), compile(...), fit(...), keras.datasets.X.load_data()) to the equivalent .model
// text. The script is read, never run (python.ts); values are printed by the formatter's own
// printer, and what has no .model counterpart is reported, not guessed.

import { getDataset, getLayer } from '../../language/catalog';
import { formatModelFile, printValue } from '../../language/services/format';
import type { Argument, CallValue, Position, Value } from '../../language/syntax/ast';
import { describe, readPython, type PyArg, type PyExpr } from './python';

export interface ImportWarning {
  /** 1-based line in the Python file. */
  line: number;
  message: string;
}

export interface ImportResult {
  /** The .model text, formatted. */
  text: string;
  warnings: ImportWarning[];
  /** Layer calls written (Input included). */
  layerCount: number;
}

export class ImportError extends Error {}

const AT: Position = { line: 0, character: 0, offset: 0 };
const RANGE = { start: AT, end: AT };
/** How deep a variable may refer to another before it counts as unresolvable (`a = b`, `b = a`). */
const MAX_RESOLVE = 16;

interface Setting {
  key: string;
  value: Value;
  bare?: boolean;
}

export function importKeras(source: string, fallbackName = 'imported'): ImportResult {
  const statements = readPython(source);
  const warnings: ImportWarning[] = [];
  const env = new Map<string, PyExpr>();
  let line = 0;
  const warn = (message: string) => warnings.push({ line, message });

  // ---- values ----
  const toValue = (e: PyExpr, what: string, depth = 0): Value | undefined => {
    switch (e.k) {
      case 'num':
        return { kind: 'number', value: e.value, text: e.text, isInteger: e.isInteger, range: RANGE };
      case 'str':
        return { kind: 'string', value: e.value, quote: "'", range: RANGE };
      case 'bool':
        return { kind: 'boolean', value: e.value, range: RANGE };
      case 'none':
        return { kind: 'none', range: RANGE };
      case 'name': {
        const bound = env.get(e.path);
        if (bound && depth < MAX_RESOLVE) return toValue(bound, what, depth + 1);
        // `tf.nn.relu`, `keras.activations.relu`: the language reads these dotted names itself.
        if (e.path.includes('.')) return { kind: 'name', name: e.path, range: RANGE };
        warn(
          `${what}: could not resolve the variable '${e.path}' (only names assigned a plain value are read); set it by hand`,
        );
        return undefined;
      }
      case 'tuple':
      case 'list': {
        const items: Value[] = [];
        for (const item of e.items) {
          const v = toValue(item, what, depth);
          if (!v) return undefined;
          items.push(v);
        }
        return { kind: e.k, items, range: RANGE };
      }
      case 'call': {
        if (e.callee.k !== 'name') {
          warn(`${what}: cannot translate '${describe(e)}'`);
          return undefined;
        }
        const args: Argument[] = [];
        const name = lastSegment(e.callee.path);
        for (const a of e.args) {
          const v = toValue(a.value, a.name ? `${name}(${a.name}=...)` : `${name}(...)`, depth);
          if (!v) continue;
          args.push(
            a.name ? { name: { name: a.name, range: RANGE }, value: v, range: RANGE } : { value: v, range: RANGE },
          );
        }
        return call(name, args);
      }
      case 'opaque':
        warn(`${what}: cannot translate '${e.text}' (computed in Python); set it by hand`);
        return undefined;
    }
  };

  // ---- the script ----
  let modelVar: string | undefined;
  let modelName: string | undefined;
  // Layers are translated where they are added, with the variables' values at that point.
  const layerLines: string[] = [];
  let layerCalls = 0;
  const addLayer = (e: PyExpr) => {
    layerCalls++;
    if (e.k !== 'call' || e.callee.k !== 'name') {
      warn(`the layer '${describe(e)}' is not a layer call; left out`);
      return;
    }
    const name = lastSegment(e.callee.path);
    if (!getLayer(name)) {
      warn(`${name} is not a Keras layer ModelSpec knows (a custom layer?); left out`);
      return;
    }
    const value = toValue(e, name);
    if (value) layerLines.push(`    ${printValue(value)}`);
  };
  const compile: Setting[] = [];
  const fit: Setting[] = [];
  const data: Setting[] = [];
  let dataset: { name: string; args: Argument[] } | undefined;
  let sequenceLength: Value | undefined;

  const visitCalls = (e: PyExpr, f: (c: Extract<PyExpr, { k: 'call' }>) => void, depth = 0): void => {
    if (depth > 64) return;
    if (e.k === 'call') {
      f(e);
      visitCalls(e.callee, f, depth + 1);
      for (const a of e.args) visitCalls(a.value, f, depth + 1);
    } else if (e.k === 'tuple' || e.k === 'list') for (const item of e.items) visitCalls(item, f, depth + 1);
  };

  for (const s of statements) {
    line = s.line;
    const expr = s.expr;
    // keras.datasets.mnist.load_data(), keras.utils.pad_sequences(x, maxlen=...) anywhere in the statement.
    visitCalls(expr, (c) => {
      if (c.callee.k !== 'name') return;
      // `mnist.load_data()` after `from keras.datasets import mnist`, too.
      const loaded =
        /(?:^|\.)datasets\.(\w+)\.load_data$/.exec(c.callee.path) ?? /^(\w+)\.load_data$/.exec(c.callee.path);
      if (loaded) {
        const spec = getDataset(loaded[1]);
        if (!spec) {
          if (/datasets\./.test(c.callee.path))
            warn(`the dataset '${loaded[1]}' is not one ModelSpec knows; set data.train by hand`);
          return;
        }
        const args: Argument[] = [];
        for (const a of c.args) {
          if (!a.name) continue;
          if (!spec.args.some((x) => x.name === a.name)) {
            warn(`${loaded[1]}.load_data(${a.name}=...) has no counterpart in the data source ${spec.name}; left out`);
            continue;
          }
          const v = toValue(a.value, `${spec.name}(${a.name}=...)`);
          if (v) args.push({ name: { name: a.name, range: RANGE }, value: v, range: RANGE });
        }
        dataset = { name: spec.name, args };
      } else if (/(?:^|\.)pad_sequences$/.test(c.callee.path)) {
        const maxlen = c.args.find((a) => a.name === 'maxlen');
        if (maxlen) sequenceLength = toValue(maxlen.value, 'pad_sequences(maxlen=...)');
      }
    });

    if (expr.k === 'call' && expr.callee.k === 'name') {
      const path = expr.callee.path;
      const method = path.slice(path.lastIndexOf('.') + 1);
      const owner = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : undefined;
      if (method === 'Sequential') {
        modelVar = s.target ?? modelVar ?? 'model';
        layerLines.length = 0;
        layerCalls = 0;
        const list = expr.args.find((a) => a.name === 'layers') ?? expr.args.find((a) => !a.name);
        if (list && list.value.k === 'list') for (const item of list.value.items) addLayer(item);
        else if (list) warn(`keras.Sequential(${describe(list.value)}): expected a list of layers`);
        const name = expr.args.find((a) => a.name === 'name');
        if (name?.value.k === 'str') modelName = name.value.value;
        continue;
      }
      if (owner !== undefined && owner === (modelVar ?? 'model')) {
        if (method === 'add') {
          const layer = expr.args.find((a) => !a.name);
          if (layer) addLayer(layer.value);
          modelVar ??= owner;
        } else if (method === 'compile')
          readCall(expr.args, ['optimizer', 'loss', 'metrics'], compile, 'compile', toValue, warn);
        else if (method === 'fit') {
          const settings: Setting[] = [];
          readCall(
            expr.args,
            [
              'x',
              'y',
              'batch_size',
              'epochs',
              'verbose',
              'callbacks',
              'validation_split',
              'validation_data',
              'shuffle',
            ],
            settings,
            'fit',
            toValue,
            warn,
          );
          for (const st of settings) {
            if (st.key === 'x' || st.key === 'y' || st.key === 'verbose') continue;
            if (st.key === 'validation_split' || st.key === 'shuffle') data.push(st);
            else fit.push(st);
          }
        } else if (!['summary', 'evaluate', 'predict', 'save', 'save_weights', 'load_weights'].includes(method)) {
          warn(`${path}(...) is not translated`);
        }
        continue;
      }
    }
    // A plain value assigned to a name: kept for the layers and settings that refer to it.
    if (s.target && expr.k !== 'opaque') env.set(s.target, expr);
    else if (s.target) env.delete(s.target);
  }

  if (layerCalls === 0) {
    throw new ImportError(
      'found no Sequential model: the file needs keras.Sequential([...]) or Sequential() with model.add(...) calls (functional models, keras.Model(inputs, outputs), are not translated)',
    );
  }

  if (!dataset)
    warnings.push({
      line: 0,
      message: 'no keras.datasets.X.load_data() found: add a data block (train: ...) by hand to train',
    });
  const dataSettings: Setting[] = [];
  if (dataset) {
    const args = [...dataset.args];
    if (sequenceLength && getDataset(dataset.name)?.args.some((a) => a.name === 'sequence_length'))
      args.push({ name: { name: 'sequence_length', range: RANGE }, value: sequenceLength, range: RANGE });
    dataSettings.push({
      key: 'train',
      value: args.length ? call(dataset.name, args) : { kind: 'name', name: dataset.name, range: RANGE },
      bare: true,
    });
  }
  dataSettings.push(...data);

  const out: string[] = [`model ${identifierFrom(modelName ?? fallbackName)} {`, ...layerLines, '}'];
  const block = (kind: string, settings: Setting[]) => {
    if (settings.length === 0) return;
    out.push('', `${kind} {`, ...settings.map((st) => `    ${st.key}: ${printValue(st.value, st.bare)}`), '}');
  };
  block('compile', compile);
  block('data', dataSettings);
  block('fit', fit);
  const text = out.join('\n') + '\n';
  warnings.sort((a, b) => a.line - b.line);
  return { text: formatModelFile(text) ?? text, warnings, layerCount: layerLines.length };
}

/** Keras's positional order for `names`, then keywords; each becomes a setting when it translates. */
function readCall(
  args: PyArg[],
  names: string[],
  out: Setting[],
  where: string,
  toValue: (e: PyExpr, what: string) => Value | undefined,
  warn: (m: string) => void,
): void {
  let position = 0;
  for (const a of args) {
    const key = a.name ?? names[position++];
    if (!key) {
      warn(`${where}(...): an extra positional argument '${describe(a.value)}' is not translated`);
      continue;
    }
    if (!names.includes(key)) {
      warn(`${where}(${key}=...) has no counterpart in the ${where} block; left out`);
      continue;
    }
    if (key === 'x' || key === 'y' || key === 'verbose') {
      out.push({ key, value: { kind: 'none', range: RANGE } });
      continue;
    }
    if (key === 'validation_data') {
      warn(
        `${where}(validation_data=...) is not translated: set data.validation (e.g. the test split) or validation_split by hand`,
      );
      continue;
    }
    const value = toValue(a.value, `${where}(${key}=...)`);
    if (value) out.push({ key, value });
  }
}

function call(name: string, args: Argument[]): CallValue {
  return { kind: 'call', callee: { name, range: RANGE }, args, argsRange: RANGE, closed: true, range: RANGE };
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** A model name from a Keras name or a file name: letters, digits and `_`, not starting with a digit. */
function identifierFrom(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'imported';
  return /^[0-9]/.test(id) ? `m_${id}` : id.slice(0, 64);
}
