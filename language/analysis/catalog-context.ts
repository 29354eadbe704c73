// The value checker's view of the catalog: how a name in a ref table resolves, what to suggest
// for an unknown one, and how nested calls (optimizers, callbacks, sources, initializers,
// wrapped layers, ImageDataGenerator) are bound.

import { findRef, getAugmentation, refNames, resolveRef, suggest } from '../catalog';
import type { CallArg, RefTable } from '../catalog/types';
import { excerpt } from '../excerpt';
import type { CallValue } from '../syntax';
import { bindCall } from './bind';
import { diagnostic, type Diagnostic, type DiagnosticCode } from './diagnostics';
import { bindNestedLayer } from './model';
import type { ValueContext } from './values';

const UNKNOWN_CALL: Partial<Record<RefTable, DiagnosticCode>> = {
  optimizer: 'unknown-optimizer',
  callback: 'unknown-callback',
  dataset: 'unknown-dataset',
  loss: 'unknown-loss',
  metric: 'unknown-metric',
  activation: 'unknown-activation',
};

export function catalogValueContext(): ValueContext {
  const ctx: ValueContext = {
    resolveRef,
    suggestRef: (table, name) => suggest(name, refNames(table)),
    bindCall(call: CallValue, table: RefTable | 'layer' | 'any', out: Diagnostic[]): CallArg | undefined {
      // An untyped value holding a call: ImageDataGenerator(...) for `augment`, else a layer.
      const augmentation = table === 'any' ? getAugmentation(call.callee.name) : undefined;
      if (augmentation)
        return { call: augmentation.name, args: bindCall(call, augmentation.name, augmentation.args, ctx, out).args };
      if (table === 'layer' || table === 'any') return bindNestedLayer(call, ctx, out);
      const entry = findRef(table, call.callee.name);
      const spec = entry?.args ? { name: entry.name, args: entry.args } : undefined;
      if (!spec) {
        const guesses = suggest(call.callee.name, refNames(table));
        out.push(
          diagnostic(
            UNKNOWN_CALL[table] ?? 'unknown-name',
            call.callee.range,
            `Unknown ${table} '${excerpt(call.callee.name)}'` +
              (guesses.length ? `. Did you mean ${guesses.map((g) => `'${g}'`).join(' or ')}?` : ''),
            {
              fixes: guesses.map((g) => ({
                kind: 'replace' as const,
                range: call.callee.range,
                text: g,
                title: `Change to ${g}`,
              })),
            },
          ),
        );
        return undefined;
      }
      const bound = bindCall(call, spec.name, spec.args, ctx, out);
      return { call: spec.name, args: bound.args };
    },
  };
  return ctx;
}
