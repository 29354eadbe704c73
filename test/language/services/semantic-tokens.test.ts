import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSemanticTokens, semanticTokens } from '../../../language/services/semantic-tokens';
import { SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, type SemanticToken } from '../../../language/services/types';
import { analyzed } from './helpers';

const TEXT = `# a comment
model m {
  Dense(10, activation=relu, input_dim=4)
}
compile {
  loss: 'mse'
  optimizer: Adam(lr=0.01)
  metrics: [acc]
}
fit {
  epochs: 2
}
`;

function word(text: string, t: SemanticToken): string {
  return text.split('\n')[t.line].slice(t.character, t.character + t.length);
}

test('each word is classified: blocks, the model, layers, calls, arguments, keys, values', () => {
  const tokens = semanticTokens(analyzed(TEXT)).map((t) => [word(TEXT, t), t.type, t.modifiers.join('+')]);
  assert.deepEqual(tokens, [
    ['# a comment', 'comment', ''],
    ['model', 'keyword', ''],
    ['m', 'class', 'declaration'],
    ['Dense', 'class', 'defaultLibrary'],
    ['10', 'number', ''],
    ['activation', 'parameter', ''],
    ['relu', 'enumMember', ''],
    ['input_dim', 'parameter', ''],
    ['4', 'number', ''],
    ['compile', 'keyword', ''],
    ['loss', 'property', ''],
    ["'mse'", 'string', ''],
    ['optimizer', 'property', ''],
    ['Adam', 'function', 'defaultLibrary'],
    ['lr', 'parameter', 'deprecated'],
    ['0.01', 'number', ''],
    ['metrics', 'property', ''],
    ['acc', 'enumMember', ''],
    ['fit', 'keyword', ''],
    ['epochs', 'property', ''],
    ['2', 'number', ''],
  ]);
});

test('the encoding is LSP relative: line delta, start delta (on the same line), length, type, modifier bits', () => {
  const tokens: SemanticToken[] = [
    { line: 2, character: 4, length: 3, type: 'number', modifiers: [] },
    { line: 0, character: 0, length: 5, type: 'keyword', modifiers: [] },
    { line: 0, character: 6, length: 1, type: 'class', modifiers: ['declaration'] },
    { line: 2, character: 10, length: 2, type: 'parameter', modifiers: ['deprecated', 'defaultLibrary'] },
  ];
  const type = (t: string) => SEMANTIC_TOKEN_TYPES.indexOf(t as (typeof SEMANTIC_TOKEN_TYPES)[number]);
  const bit = (m: string) => 1 << SEMANTIC_TOKEN_MODIFIERS.indexOf(m as (typeof SEMANTIC_TOKEN_MODIFIERS)[number]);
  assert.deepEqual(encodeSemanticTokens(tokens), [
    0,
    0,
    5,
    type('keyword'),
    0,
    0,
    6,
    1,
    type('class'),
    bit('declaration'),
    2,
    4,
    3,
    type('number'),
    0,
    0,
    6,
    2,
    type('parameter'),
    bit('deprecated') | bit('defaultLibrary'),
  ]);
});
