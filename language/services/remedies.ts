// Remedies for overfitting as edits of the .model file: the training panel's advice ("consider
// EarlyStopping … or Dropout layers") offers each one the file does not have yet as a button,
// and the button applies these edits. Pure, like the other services: the host applies them.
//   - early-stopping: EarlyStopping(monitor='val_loss', patience=3, restore_best_weights=True)
//     appended to fit's callbacks (the list, a new callbacks: line, or a new fit block);
//   - dropout: Dropout(0.5) inserted before the output layer (the quick-fix edit that inserts a
//     layer, `insert-layer`, so the indentation is the layers').

import type { Analysis } from '../analysis/analyze';
import type { SettingsBlock } from '../syntax';
import { editFor } from './code-actions';
import { lineIndexOf, rangeAt } from './text-positions';
import type { CodeActionEntry, TextEdit } from './types';

export type RemedyId = 'early-stopping' | 'dropout';

export interface Remedy extends CodeActionEntry {
  id: RemedyId;
}

export const EARLY_STOPPING = "EarlyStopping(monitor='val_loss', patience=3, restore_best_weights=True)";
export const DROPOUT = 'Dropout(0.5)';

/** Each remedy the file can take and does not have yet, with its edits. */
export function overfittingRemedies(analysis: Analysis): Remedy[] {
  const remedies: Remedy[] = [];
  const early = earlyStoppingEdits(analysis);
  if (early)
    remedies.push({
      id: 'early-stopping',
      title: `Add ${EARLY_STOPPING} to fit's callbacks`,
      kind: 'quickfix',
      edits: early,
    });
  const dropout = dropoutEdits(analysis);
  if (dropout)
    remedies.push({
      id: 'dropout',
      title: `Insert ${DROPOUT} before the output layer`,
      kind: 'quickfix',
      edits: dropout,
    });
  return remedies;
}

function earlyStoppingEdits(analysis: Analysis): TextEdit[] | undefined {
  const fit = analysis.parse.file.blocks.find((b): b is SettingsBlock => b.kind === 'fit');
  if (!fit) {
    // No fit block: a new one at the end of the file.
    const end = analysis.text.length;
    const gap = analysis.text.endsWith('\n\n') ? '' : analysis.text.endsWith('\n') ? '\n' : '\n\n';
    return [{ range: rangeAt(analysis, end, end), newText: `${gap}fit {\n    callbacks: [${EARLY_STOPPING}]\n}\n` }];
  }
  const callbacks = fit.settings.find((s) => s.key.name === 'callbacks');
  if (callbacks) {
    const list = callbacks.value;
    if (list.kind !== 'list') return undefined; // not a list: nothing to append to safely
    if (
      list.items.some((c) => c.kind === 'call' && c.callee.name === 'EarlyStopping') ||
      list.items.some((c) => c.kind === 'name' && c.name === 'EarlyStopping')
    )
      return undefined;
    const last = list.items.at(-1);
    return last
      ? [{ range: rangeAt(analysis, last.range.end.offset, last.range.end.offset), newText: `, ${EARLY_STOPPING}` }]
      : [
          {
            range: rangeAt(analysis, list.range.start.offset + 1, list.range.start.offset + 1),
            newText: EARLY_STOPPING,
          },
        ];
  }
  // A fit block without callbacks: a new line before its closing brace, indented as its settings.
  const close = fit.bodyRange.end.offset - 1;
  if (analysis.text[close] !== '}') return undefined; // an unclosed block: leave it to the user
  const lineStart = lineIndexOf(analysis).lineStarts[fit.bodyRange.end.line];
  const alone = /^[ \t]*$/.test(analysis.text.slice(lineStart, close));
  const first = fit.settings[0];
  const indent = first
    ? analysis.text.slice(lineIndexOf(analysis).lineStarts[first.range.start.line], first.range.start.offset)
    : '    ';
  return alone
    ? [
        {
          range: rangeAt(analysis, lineStart, lineStart),
          newText: `${/^[ \t]*$/.test(indent) ? indent : '    '}callbacks: [${EARLY_STOPPING}]\n`,
        },
      ]
    : [{ range: rangeAt(analysis, close, close), newText: `callbacks: [${EARLY_STOPPING}] ` }];
}

function dropoutEdits(analysis: Analysis): TextEdit[] | undefined {
  const model = analysis.parse.file.blocks.find((b) => b.kind === 'model');
  if (!model || model.kind !== 'model' || model.layers.length < 2) return undefined;
  if (model.layers.some((l) => /Dropout$/.test(l.callee.name))) return undefined;
  const output = model.layers.at(-1)!;
  return [editFor(analysis, { kind: 'insert-layer', before: output.range, text: DROPOUT, title: '' })];
}
