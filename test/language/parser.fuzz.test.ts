// Property tests: whatever the text, parse() returns quickly without throwing, and every range
// in the result lies inside the text, is ordered, and has line/character matching its offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse, LineIndex } from '../../language/syntax/index';
import type { Position, Range } from '../../language/syntax/index';
import { LANGUAGE_EXAMPLE } from '../helpers/language-example';

// LANGUAGE.md's example with a rescale line, so the fuzzer also mutates a float literal.
const EXAMPLE = LANGUAGE_EXAMPLE.replace(
  '    validation_split: 0.1\n',
  '    validation_split: 0.1\n    rescale: 1./255\n',
);

const PIECES = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '=',
  '+',
  '-',
  '*',
  '/',
  '.',
  '#',
  "'",
  '"',
  '\\',
  '\n',
  '\r\n',
  '\r',
  ' ',
  'model',
  'compile',
  'data',
  'fit',
  'Dense',
  'x',
  '3',
  '1e',
  '2.',
  'True',
  'None',
  '😀',
  '@',
];

function checkPosition(lines: LineIndex, p: Position, where: string): void {
  assert.ok(p.offset >= 0 && p.offset <= lines.text.length, `${where}: offset ${p.offset} outside the text`);
  const expected = lines.positionAt(p.offset);
  assert.deepEqual(
    { line: p.line, character: p.character },
    { line: expected.line, character: expected.character },
    where,
  );
}

function isRange(x: unknown): x is Range {
  return (
    typeof x === 'object' && x !== null && 'start' in x && 'end' in x && typeof (x as Range).start.offset === 'number'
  );
}

/** Walks every object in the result and checks every range found on the way. */
function checkRanges(text: string, root: unknown): void {
  const lines = new LineIndex(text);
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (isRange(node)) {
      checkPosition(lines, node.start, 'start');
      checkPosition(lines, node.end, 'end');
      assert.ok(node.start.offset <= node.end.offset, 'start after end');
      continue;
    }
    for (const child of Object.values(node)) stack.push(child);
  }
}

function timedParse(text: string): { result: ReturnType<typeof parse>; elapsed: number } {
  const started = performance.now();
  const result = parse(text);
  return { result, elapsed: performance.now() - started };
}

function parseChecked(text: string): void {
  let { result, elapsed } = timedParse(text);
  // A garbage collection or a busy machine can stall one parse; a slow input is slow every time.
  if (elapsed >= 200) ({ result, elapsed } = timedParse(text));
  assert.ok(elapsed < 200, `parse took ${elapsed.toFixed(0)} ms`);
  checkRanges(text, result);
}

test('random strings of language pieces never break the parser', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 80 }), (pieces) => parseChecked(pieces.join(''))),
    { numRuns: 400 },
  );
});

test('random unicode strings never break the parser', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), parseChecked), { numRuns: 300 });
});

type Edit =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; piece: string }
  | { kind: 'duplicate'; at: number; length: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...PIECES) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);

function applyEdit(text: string, e: Edit): string {
  const at = e.at % (text.length + 1);
  switch (e.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + e.length);
    case 'insert':
      return text.slice(0, at) + e.piece + text.slice(at);
    case 'duplicate':
      return text.slice(0, at) + text.slice(at, at + e.length) + text.slice(at);
  }
}

test('mutations of the LANGUAGE.md example never break the parser', () => {
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (edits) => {
      parseChecked(edits.reduce(applyEdit, EXAMPLE));
    }),
    { numRuns: 400 },
  );
});

test('every prefix of the example (the file as it is typed) parses with sound ranges', () => {
  for (let i = 0; i <= EXAMPLE.length; i += 3) parseChecked(EXAMPLE.slice(0, i));
});
