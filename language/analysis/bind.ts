// Binding a call's arguments to its parameters the way Python does: positional arguments in
// Keras's order, then keywords; unknown, repeated and missing arguments become diagnostics.

import type { ArgSpec, ArgValue } from '../catalog/types';
import { excerpt } from '../excerpt';
import type { Argument, CallValue, Range } from '../syntax/ast';
import { diagnostic, type Diagnostic } from './diagnostics';
import { checkValue, closest, type ValueContext } from './values';

export interface BoundCall {
  /** Values by parameter name, defaults applied for what was not written. */
  args: Record<string, ArgValue>;
  /** The syntax node each written argument came from, by parameter name. */
  written: Record<string, Argument>;
  /** True when every argument the layer needs has a checked value (shape rules run only then).
   *  An unknown extra argument does not clear it: the shapes are still known. */
  ok: boolean;
}

export function bindCall(
  call: CallValue,
  calleeLabel: string,
  params: readonly ArgSpec[],
  ctx: ValueContext,
  out: Diagnostic[],
): BoundCall {
  const args: Record<string, ArgValue> = {};
  const written: Record<string, Argument> = {};
  let ok = call.args.every((a) => a.value.kind !== 'error');
  const positionalParams = params.filter((p) => !p.keywordOnly);

  for (const { arg, param, problem } of bindArguments(call.args, params)) {
    if (problem === 'unknown-name' && arg.name) {
      const names = params.map((p) => p.name);
      const guess = closest(arg.name.name, names);
      out.push(
        diagnostic(
          'unknown-argument',
          arg.name.range,
          `${calleeLabel} has no argument '${excerpt(arg.name.name)}'` + (guess ? `. Did you mean '${guess}'?` : ''),
          guess
            ? { fixes: [{ kind: 'replace', range: arg.name.range, text: guess, title: `Change to '${guess}'` }] }
            : {},
        ),
      );
      continue;
    }
    if (problem === 'positional-after-keyword') {
      out.push(
        diagnostic(
          'positional-after-keyword',
          arg.range,
          `A positional argument cannot follow keyword arguments; write it as name=value`,
        ),
      );
      ok = false;
      continue;
    }
    if (problem === 'too-many' || !param) {
      out.push(
        diagnostic(
          'too-many-arguments',
          arg.range,
          `${calleeLabel} takes at most ${positionalParams.length} positional argument${positionalParams.length === 1 ? '' : 's'}` +
            (positionalParams.length ? ` (${positionalParams.map((p) => p.name).join(', ')})` : '') +
            `; name the others, like name=value`,
        ),
      );
      ok = false;
      continue;
    }
    if (arg.name && param.ignoredByKeras3) {
      const value = arg.value.kind === 'number' ? arg.value.text : 'LENGTH';
      out.push(
        diagnostic(
          'deprecated-argument',
          arg.range,
          `Keras 3 ignores '${param.name}' (deprecated in Keras 3; it only set the input shape in Keras 2): remove it, and ${param.ignoredByKeras3.replace('LENGTH', value)}`,
          {
            fixes: [{ kind: 'remove', range: withSeparator(call.args, arg), title: `Remove ${param.name}=` }],
            tags: ['deprecated'],
          },
        ),
      );
      written[param.name] = arg;
      continue;
    }
    if (arg.name && param.name !== arg.name.name) {
      out.push(
        diagnostic(
          'deprecated-argument',
          arg.name.range,
          `'${arg.name.name}' is the Keras 2 name; Keras 3 calls it '${param.name}'. Write ${param.name}=`,
          {
            fixes: [{ kind: 'replace', range: arg.name.range, text: param.name, title: `Rename to '${param.name}'` }],
            tags: ['deprecated'],
          },
        ),
      );
    }
    if (written[param.name]) {
      out.push(
        diagnostic('duplicate-argument', arg.range, `${calleeLabel} got '${param.name}' twice`, {
          related: [{ range: written[param.name].range, message: `'${param.name}' is first given here` }],
        }),
      );
      continue;
    }
    written[param.name] = arg;
    const checked = checkValue(arg.value, param.type, param.name, ctx);
    out.push(...checked.diagnostics);
    if (checked.value !== undefined) args[param.name] = checked.value;
    else ok = false;
  }

  for (const param of params) {
    if (written[param.name]) continue;
    if (param.required) {
      out.push(diagnostic('missing-argument', call.callee.range, `${calleeLabel} needs '${param.name}': ${param.doc}`));
      ok = false;
    } else if (param.default !== undefined) {
      args[param.name] = param.default;
    }
  }
  return { args, written, ok };
}

export interface ArgumentBinding {
  arg: Argument;
  /** The parameter the argument sets; absent when it sets none, for `problem`'s reason. */
  param?: ArgSpec;
  problem?: 'unknown-name' | 'positional-after-keyword' | 'too-many';
}

/**
 * Python's rule for which parameter each written argument sets: positionals in Keras's order
 * (keyword-only parameters skipped), keywords by name or Keras 2 alias. The one source of this
 * rule for the checker and for the editor (completion leaves out what is already given).
 */
export function bindArguments(args: readonly Argument[], params: readonly ArgSpec[]): ArgumentBinding[] {
  const positionalParams = params.filter((p) => !p.keywordOnly);
  let positionalIndex = 0;
  let seenKeyword = false;
  return args.map((arg): ArgumentBinding => {
    if (arg.name) {
      seenKeyword = true;
      const param = findParam(arg.name.name, params);
      return param ? { arg, param } : { arg, problem: 'unknown-name' };
    }
    if (seenKeyword) return { arg, problem: 'positional-after-keyword' };
    const param = positionalParams[positionalIndex++];
    return param ? { arg, param } : { arg, problem: 'too-many' };
  });
}

function findParam(name: string, params: readonly ArgSpec[]): ArgSpec | undefined {
  return params.find((p) => p.name === name) ?? params.find((p) => p.deprecatedAliases?.includes(name));
}

/** The argument of `call` that sets parameter `name`, written by keyword or by position. */
export function argumentNode(call: CallValue, params: readonly ArgSpec[], name: string): Argument | undefined {
  const byName = call.args.find(
    (a) =>
      a.name && (a.name.name === name || params.find((p) => p.name === name)?.deprecatedAliases?.includes(a.name.name)),
  );
  if (byName) return byName;
  const index = params.filter((p) => !p.keywordOnly).findIndex((p) => p.name === name);
  return index >= 0 ? call.args.filter((a) => !a.name)[index] : undefined;
}

/** An argument's range widened to one comma next to it, so that removing it leaves a clean call. */
function withSeparator(args: readonly Argument[], arg: Argument): Range {
  const i = args.indexOf(arg);
  if (i > 0) return { start: args[i - 1].range.end, end: arg.range.end };
  if (i + 1 < args.length) return { start: arg.range.start, end: args[i + 1].range.start };
  return arg.range;
}
