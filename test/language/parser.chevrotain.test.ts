// The syntax layer is built on chevrotain (lexer.ts, parser.ts): its grammar passes chevrotain's
// own validations, its tokens are chevrotain's, the one parser instance keeps no state between
// parses, and no chevrotain wording ever reaches a message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tokenMatcher } from 'chevrotain';
import { parse } from '../../language/syntax/index';
import { AnyToken, Name, tokenize } from '../../language/syntax/lexer';
import { checkGrammar } from '../../language/syntax/parser';

test("the grammar passes chevrotain's validations", () => {
  assert.doesNotThrow(() => checkGrammar());
});

test("tokens are chevrotain's, with the lexer's kinds and positions", () => {
  const { tokens } = tokenize("model m {\n  Dense(10, activation='relu')\n}");
  assert.deepEqual(
    tokens.map((t) => t.kind),
    ['name', 'name', '{', 'name', '(', 'number', ',', 'name', '=', 'string', ')', '}', 'eof'],
  );
  assert.ok(tokens.slice(0, -1).every((t) => tokenMatcher(t, AnyToken)));
  assert.ok(tokenMatcher(tokens[3], Name));
  assert.deepEqual(
    [tokens[3].line, tokens[3].character, tokens[3].offset, tokens[3].firstOnLine, tokens[3].lineIndent],
    [1, 2, 12, true, 2],
  );
  assert.deepEqual([tokens[5].firstOnLine, tokens[5].lineIndent], [false, 2]);
});

test('the one parser instance keeps nothing from the previous parse', () => {
  const broken = parse('model m {\n    Conv2D(32, kernel_size=(3, [1,\nfit { epochs');
  assert.ok(broken.errors.length > 0);
  const clean = parse("model m {\n    Dense(10, activation='relu')\n}\nfit { epochs: 1 }");
  assert.deepEqual(clean.errors, []);
  assert.equal(clean.file.blocks.length, 2);
});

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
  '-',
  '*',
  "'",
  '\n',
  ' ',
  'model',
  'fit',
  'm',
  'Dense',
  'x',
  '3',
  'True',
  '@',
];

test("no message carries chevrotain's own wording", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), (pieces) => {
      for (const e of parse(pieces.join('')).errors) {
        assert.ok(e.message.length > 0);
        assert.doesNotMatch(e.message, /Expecting|but found|-->|<\w+>|\[object/);
      }
    }),
    { numRuns: 300 },
  );
});
