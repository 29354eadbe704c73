// Pasted Keras code (LANGUAGE.md, "Pasted Keras code"): the parser reads `layers.Dense(...)`,
// `tf.keras.layers.Dense(...)` and `model.add(Dense(...))` as the plain call and records what it
// dropped (ast.ts, PastedKeras). Here each such call gets a warning with a fix that deletes the
// prefix or wrapper, plus one fix that converts every pasted call of the file at once.

import type { CallValue, ModelFile, Range, Value } from '../syntax/ast';
import { diagnostic, type Diagnostic, type FixData } from './diagnostics';

const KERAS_ROOTS = ['', 'keras.', 'tf.keras.', 'keras.src.', 'tensorflow.keras.'];
const KERAS_MODULES = [
  'layers',
  'optimizers',
  'callbacks',
  'losses',
  'metrics',
  'applications',
  'preprocessing.image',
  'initializers',
  'regularizers',
  'constraints',
  'models',
];

/** Module paths (with the final dot) a pasted Keras call may come from: `layers.`, `tf.keras.layers.`, `keras.` … */
const KERAS_PREFIXES = new Set<string>([
  'keras.',
  'tf.keras.',
  'tensorflow.keras.',
  ...KERAS_ROOTS.flatMap((root) => KERAS_MODULES.map((m) => `${root}${m}.`)),
]);

export function isKerasModulePrefix(prefix: string): boolean {
  return KERAS_PREFIXES.has(prefix);
}

/** Appends the pasted-Keras diagnostics of every call in the file (layers and setting values). */
export function checkPastedKeras(file: ModelFile, out: Diagnostic[]): void {
  const pasted: CallValue[] = [];
  const visit = (value: Value, depth: number): void => {
    // The parser caps nesting at 64; the walk follows it.
    if (depth > 70) return;
    if (value.kind === 'call') {
      if (value.pasted) pasted.push(value);
      for (const arg of value.args) visit(arg.value, depth + 1);
    } else if (value.kind === 'list' || value.kind === 'tuple') {
      for (const item of value.items) visit(item, depth + 1);
    }
  };
  for (const block of file.blocks) {
    if (block.kind === 'model') for (const layer of block.layers) visit(layer, 0);
    else for (const setting of block.settings) visit(setting.value, 0);
  }
  if (pasted.length === 0) return;

  // A prefix that is no Keras module may be a real mistake: the file-wide conversion leaves it alone.
  const fileEdits = pasted
    .filter((c) => c.pasted!.wrapper || isKerasModulePrefix(c.pasted!.prefix!.text))
    .flatMap(editsOf);
  for (const call of pasted) {
    const prefix = call.pasted!.prefix;
    const wrapper = call.pasted!.wrapper;
    const bare = call.callee.name;
    const edits = editsOf(call);
    const fixes: FixData[] = [{ kind: 'edits', edits, title: `Remove ${describeDropped(call)}` }];
    if (pasted.length > 1) fixes.push({ kind: 'edits', edits: fileEdits, title: 'Convert pasted Keras code' });
    const range: Range = { start: (wrapper?.open ?? prefix!.range).start, end: call.callee.range.start };
    if (prefix && !isKerasModulePrefix(prefix.text)) {
      out.push(
        diagnostic(
          'unknown-module',
          prefix.range,
          `'${prefix.text.slice(0, -1)}' is not a Keras module: write the ${bare}(...) call without the prefix, as in keras.Sequential([...])`,
          { fixes: [{ kind: 'edits', edits: [{ range: prefix.range, text: '' }], title: `Remove '${prefix.text}'` }] },
        ),
      );
      if (!wrapper) continue;
    }
    const what = wrapper
      ? `'${wrapper.text}(...)'${prefix && isKerasModulePrefix(prefix.text) ? ` and '${prefix.text}'` : ''}`
      : `'${prefix!.text}'`;
    const why = wrapper
      ? 'a model block lists its layers, one call per line'
      : 'names here are Keras class names without their module';
    const verb = what.includes(' and ') ? 'are' : 'is';
    out.push(
      diagnostic(
        'pasted-keras-prefix',
        range,
        `Pasted Keras code: ${what} ${verb} not needed (${why}); write ${bare}(...)`,
        { fixes },
      ),
    );
  }
}

function describeDropped(call: CallValue): string {
  const { prefix, wrapper } = call.pasted!;
  if (wrapper) return `'${wrapper.text}(...)'${prefix ? ` and '${prefix.text}'` : ''}`;
  return `'${prefix!.text}'`;
}

/** Deletions that leave the bare call: the wrapper's `model.add(` with the prefix, its `)`; or the prefix. */
function editsOf(call: CallValue): { range: Range; text: string }[] {
  const { prefix, wrapper } = call.pasted!;
  if (wrapper) {
    return [
      { range: { start: wrapper.open.start, end: call.callee.range.start }, text: '' },
      { range: wrapper.close, text: '' },
    ];
  }
  return prefix ? [{ range: prefix.range, text: '' }] : [];
}
