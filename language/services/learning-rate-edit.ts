// Writing a learning rate into the compile block's optimizer: the learning-rate finder's quick
// fix and command action. `optimizer: Adam(...)` gets `learning_rate=` set (replaced where it is
// written, by keyword, by its Keras-2 alias `lr` or positionally first; added otherwise); a name
// (`'adam'`) becomes the call (`Adam(learning_rate=…)`); no optimizer setting gets one with
// Keras's default optimizer (COMPILE_SETTINGS). Text edits only: the client applies them as one
// undo step.

import type { Analysis } from '../analysis/analyze';
import { getOptimizer } from '../catalog';
import { COMPILE_SETTINGS } from '../catalog/tables/blocks';
import type { CallValue, SettingsBlock } from '../syntax';
import type { TextEdit } from './types';

export type LearningRateEdit = { edits: TextEdit[]; optimizer: string } | { error: string };

/** The edits that make the optimizer train with `learningRate` (written as `text`, e.g. `1.2e-3`). */
export function learningRateEdits(analysis: Analysis, text: string): LearningRateEdit {
  const compile = analysis.parse.file.blocks.find((b): b is SettingsBlock => b.kind === 'compile');
  if (!compile)
    return { error: 'the file has no compile block to hold the optimizer: add compile { loss: …, optimizer: … }' };
  const setting = compile.settings.find((s) => s.key.name === 'optimizer');
  if (!setting) {
    const fallback = String(COMPILE_SETTINGS.find((s) => s.name === 'optimizer')?.default ?? 'rmsprop');
    const entry = optimizerEntry(fallback);
    if (!entry) return { error: `the default optimizer '${fallback}' is not in the catalog` };
    const last = compile.settings[compile.settings.length - 1];
    const line = last ? (analysis.lines[last.range.start.line] ?? '') : '';
    const indent = /^\s*/.exec(line)?.[0] || '    ';
    const at = last ? last.range.end : compile.bodyRange.start;
    const offsetAfterBrace = last ? 0 : 1;
    return {
      optimizer: entry,
      edits: [
        {
          range: {
            start: { ...at, character: at.character + offsetAfterBrace, offset: at.offset + offsetAfterBrace },
            end: { ...at, character: at.character + offsetAfterBrace, offset: at.offset + offsetAfterBrace },
          },
          newText: `\n${indent}optimizer: ${entry}(learning_rate=${text})`,
        },
      ],
    };
  }
  const value = setting.value;
  if (value.kind === 'string' || value.kind === 'name') {
    const name = value.kind === 'string' ? value.value : value.name;
    const entry = optimizerEntry(name);
    if (!entry) return { error: `'${name}' is not an optimizer ModelSpec knows; write the call, e.g. Adam(...)` };
    return { optimizer: entry, edits: [{ range: value.range, newText: `${entry}(learning_rate=${text})` }] };
  }
  if (value.kind === 'call') return callEdit(value, text);
  return { error: `the optimizer is written as a ${value.kind}; write a call such as Adam(learning_rate=${text})` };
}

function optimizerEntry(name: string): string | undefined {
  return (getOptimizer(name) ?? getOptimizer(name.toLowerCase()))?.className;
}

function callEdit(call: CallValue, text: string): LearningRateEdit {
  const optimizer = optimizerEntry(call.callee.name) ?? call.callee.name;
  const named = call.args.find((a) => a.name?.name === 'learning_rate' || a.name?.name === 'lr');
  // Keras's optimizers take learning_rate first: Adam(1e-3) is Adam(learning_rate=1e-3).
  const target = named ?? (call.args[0] && !call.args[0].name ? call.args[0] : undefined);
  if (target) {
    // `lr=` is Keras 2's name: the value is written under Keras 3's.
    const range = named?.name?.name === 'lr' ? target.range : target.value.range;
    return {
      optimizer,
      edits: [{ range, newText: named?.name?.name === 'lr' ? `learning_rate=${text}` : text }],
    };
  }
  if (!call.closed) return { error: `${call.callee.name}( has no closing parenthesis: close it first` };
  // `)` is the last character of argsRange: insert before it.
  const close = call.argsRange.end;
  const at = { ...close, character: close.character - 1, offset: close.offset - 1 };
  return {
    optimizer,
    edits: [
      {
        range: { start: at, end: at },
        newText: call.args.length ? `, learning_rate=${text}` : `learning_rate=${text}`,
      },
    ],
  };
}

/** The text with the edits applied (the CLI's `lr-find --apply`; the editor applies the edits itself). */
export function applyLearningRateEdit(
  analysis: Analysis,
  text: string,
): { text: string; optimizer: string } | { error: string } {
  const r = learningRateEdits(analysis, text);
  if ('error' in r) return r;
  let out = analysis.text;
  for (const e of [...r.edits].sort((a, b) => b.range.start.offset - a.range.start.offset))
    out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  return { text: out, optimizer: r.optimizer };
}
