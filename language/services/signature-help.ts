// Signature help: inside a call's parentheses, the callee's Keras signature with the parameter
// under the cursor highlighted: the positional slot, or the `name=` being written.

import type { Analysis } from '../analysis/analyze';
import { BASE_ARGS, type ArgSpec } from '../catalog';
import { describeType, signatureOf } from './callables';
import { cursorContext, paramOf } from './cursor';
import { offsetAt } from './text-positions';
import type { LineCharacter, SignatureResult } from './types';

/** The arguments every layer inherits from Keras's base Layer (name=, trainable=, …). */
const BASE_LAYER_ARGS = new Set<ArgSpec>(BASE_ARGS);

export function signatureHelp(analysis: Analysis, pos: LineCharacter): SignatureResult | undefined {
  const context = cursorContext(analysis, offsetAt(analysis, pos));
  const frame = context.calls.find((c) => c.callable);
  const callable = frame?.callable;
  if (!frame || !callable) return undefined;

  // A keyword being typed (`Conv2D(32, pad|`) points at the parameter it starts.
  const typed =
    context.slot.kind === 'argument' && context.calls[0] === frame && context.word.text ? context.word.text : undefined;
  const param = typed ? callable.args.find((a) => a.name.startsWith(typed)) : paramOf(frame);
  // Keras's own parameters; the base-layer ones (name=, trainable=, …) only when written or active.
  const show = (a: ArgSpec) => !BASE_LAYER_ARGS.has(a) || a === param || frame.given.has(a.name);
  const { label, spans, shown } = signatureOf(callable, { show });
  const active = param ? shown.indexOf(param) : -1;
  return {
    label,
    documentation: callable.doc,
    parameters: shown.map((a, i) => ({
      label: spans[i],
      documentation: `\`${a.name}\` (${describeType(a.type)}${a.required ? ', required' : ''}): ${a.doc}`,
    })),
    // LSP: an index outside the parameters highlights none (a positional argument past the last).
    activeParameter: active >= 0 ? active : shown.length,
  };
}
