// Property test: whatever the text (random, or the LANGUAGE.md example with characters and tokens
// deleted, inserted or duplicated) and wherever the cursor, the checker and every editor service
// answer without throwing, each within a bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { analyze } from '../../language/analysis/analyze';
import { codeActions } from '../../language/services/code-actions';
import { complete, resolveCompletion } from '../../language/services/completion';
import { foldingRanges } from '../../language/services/folding';
import { formatModelFile } from '../../language/services/format';
import { hover } from '../../language/services/hover';
import { inlayHints } from '../../language/services/inlay-hints';
import { encodeSemanticTokens, semanticTokens } from '../../language/services/semantic-tokens';
import { signatureHelp } from '../../language/services/signature-help';
import { summaryJson, summaryTable } from '../../language/services/summary';
import { documentSymbols } from '../../language/services/symbols';
import type { LineCharacter } from '../../language/services/types';
import { LANGUAGE_EXAMPLE } from '../helpers/language-example';

const EXAMPLE = LANGUAGE_EXAMPLE;

const TOKENS = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '=',
  '-',
  '/',
  '.',
  '#',
  "'",
  '"',
  '\n',
  '\r\n',
  ' ',
  'model',
  'compile',
  'data',
  'fit',
  'Dense(',
  'Conv2D(',
  'Flatten()',
  'VGG16(',
  'Bidirectional(LSTM(',
  'activation=',
  'units=',
  'lr=',
  'relu',
  'mnist',
  'csv(',
  'loss:',
  'metrics: [',
  '0',
  '-1',
  '1e9',
  '(3,)',
  'True',
  'None',
  '😀',
];

type Mutation = { kind: 'delete' | 'insert' | 'duplicate'; at: number; length: number; piece: string };

const mutation = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'duplicate') as fc.Arbitrary<Mutation['kind']>,
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 12 }),
  piece: fc.constantFrom(...TOKENS),
});

function mutate(text: string, mutations: Mutation[]): string {
  for (const m of mutations) {
    const at = text.length ? m.at % (text.length + 1) : 0;
    if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
    else if (m.kind === 'insert') text = text.slice(0, at) + m.piece + text.slice(at);
    else text = text.slice(0, at) + text.slice(at, at + m.length) + text.slice(at);
  }
  return text;
}

const texts = fc.oneof(
  { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 8 }).map((ms) => mutate(EXAMPLE, ms)) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((ts) => ts.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

const BOUND_MS = 500;

/** Runs `f` and fails when it takes longer than the bound. */
function timed<T>(name: string, f: () => T): T {
  const t0 = performance.now();
  const result = f();
  const ms = performance.now() - t0;
  assert.ok(ms < BOUND_MS, `${name} took ${ms.toFixed(0)} ms`);
  return result;
}

test('analyze and every service survive mutated and random texts at any position', () => {
  const started = performance.now();
  fc.assert(
    fc.property(texts, fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), (text, picks) => {
      const analysis = timed('analyze', () => analyze(text, { baseDir: '/nonexistent' }));
      const lines = analysis.lines;
      const positions: LineCharacter[] = picks.map((p) => {
        const line = p % (lines.length + 1); // one past the end: a stale position
        return { line, character: (p >> 3) % ((lines[line]?.length ?? 0) + 2) };
      });
      for (const pos of positions) {
        const items = timed('complete', () => complete(analysis, pos));
        const data = items.find((i) => i.data)?.data;
        if (data) timed('resolveCompletion', () => resolveCompletion(data));
        // A client without snippets never gets a placeholder to type over by hand.
        const plain = timed('complete (plain text)', () =>
          complete(analysis, pos, { snippets: false, retrigger: false }),
        );
        for (const i of plain)
          assert.ok(!i.snippet && !i.retrigger && !/\$\{|\$\d/.test(i.insertText ?? i.label), i.insertText ?? i.label);
        timed('hover', () => hover(analysis, pos));
        const sig = timed('signatureHelp', () => signatureHelp(analysis, pos));
        if (sig) for (const p of sig.parameters) assert.ok(p.label[0] <= p.label[1] && p.label[1] <= sig.label.length);
        timed('codeActions', () => codeActions(analysis, { start: pos, end: pos }));
      }
      const whole = { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } };
      timed('codeActions (whole file)', () => codeActions(analysis, whole));
      timed('inlayHints', () => inlayHints(analysis, whole));
      timed('documentSymbols', () => documentSymbols(analysis));
      const data = timed('semanticTokens', () => encodeSemanticTokens(semanticTokens(analysis)));
      assert.ok(
        data.every((n) => Number.isInteger(n) && n >= 0),
        'semantic token deltas are never negative',
      );
      timed('format', () => formatModelFile(text));
      timed('format (tabs)', () => formatModelFile(text, { tabSize: 2, insertSpaces: false }));
      timed('folding', () => foldingRanges(analysis.parse.file));
      if (analysis.model) {
        timed('summaryTable', () => summaryTable(analysis.model!));
        timed('summaryJson', () => summaryJson(analysis.model!));
      }
    }),
    { numRuns: 250, seed: 20261127 },
  );
  assert.ok(performance.now() - started < 20_000, 'the fuzz run stays under 20 s');
});
