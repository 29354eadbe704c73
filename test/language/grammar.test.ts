// Tokenizes representative lines with the real TextMate engine VS Code uses (vscode-textmate
// with the oniguruma regex library) and checks the scopes that themes colour.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import textmate from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

const require = createRequire(import.meta.url);
const root = new URL('../../', import.meta.url);
const grammarPath = new URL('grammar/modelspec.tmLanguage.json', root);

let grammar: textmate.IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.modelspec'
        ? textmate.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath.pathname)
        : null,
  });
  const loaded = await registry.loadGrammar('source.modelspec');
  assert.ok(loaded, 'grammar failed to load');
  grammar = loaded;
});

/** Each token's text with its innermost scope (besides source.modelspec), tokenizing lines in order. */
function tokenize(source: string): [text: string, scope: string][] {
  const out: [string, string][] = [];
  let state = textmate.INITIAL;
  for (const line of source.split('\n')) {
    const result = grammar.tokenizeLine(line, state);
    for (const t of result.tokens) {
      const text = line.slice(t.startIndex, t.endIndex);
      if (text.trim() === '') continue;
      out.push([text, t.scopes[t.scopes.length - 1]]);
    }
    state = result.ruleStack;
  }
  return out;
}

/** The scope of the first token whose text is exactly `text`. */
function scopeOf(source: string, text: string): string | undefined {
  return tokenize(source).find(([t]) => t === text)?.[1];
}

test('the grammar and the language configuration are valid JSON with the right names', () => {
  const json = JSON.parse(readFileSync(grammarPath, 'utf8'));
  assert.equal(json.scopeName, 'source.modelspec');
  const config = JSON.parse(readFileSync(new URL('language-configuration.json', root), 'utf8'));
  assert.equal(config.comments.lineComment, '#');
  assert.deepEqual(config.brackets, [
    ['{', '}'],
    ['[', ']'],
    ['(', ')'],
  ]);
  assert.ok(new RegExp(config.wordPattern).exec('kernel_size')?.[0] === 'kernel_size');
  assert.ok(new RegExp(config.indentationRules.increaseIndentPattern).test('model m {'));
  assert.ok(new RegExp(config.indentationRules.decreaseIndentPattern).test('    }'));
});

test('model header: keyword and model name', () => {
  const line = 'model digits_cnn {';
  assert.equal(scopeOf(line, 'model'), 'storage.type.model.modelspec');
  assert.equal(scopeOf(line, 'digits_cnn'), 'entity.name.type.model.modelspec');
  assert.equal(scopeOf(line, '{'), 'punctuation.section.block.modelspec');
});

test('settings block keywords', () => {
  for (const kw of ['compile', 'data', 'fit', 'tune'])
    assert.equal(scopeOf(`${kw} {`, kw), 'keyword.other.block.modelspec');
});

test('a layer call: class name, argument names, strings, numbers, punctuation', () => {
  const line = "    Conv2D(32, kernel_size=(3, 3), activation='relu')";
  assert.equal(scopeOf(line, 'Conv2D'), 'support.class.modelspec');
  assert.equal(scopeOf(line, '32'), 'constant.numeric.modelspec');
  assert.equal(scopeOf(line, 'kernel_size'), 'variable.parameter.modelspec');
  assert.equal(scopeOf(line, '='), 'keyword.operator.assignment.modelspec');
  assert.equal(scopeOf(line, 'relu'), 'string.quoted.single.modelspec');
  assert.equal(scopeOf(line, "'"), 'punctuation.definition.string.begin.modelspec');
  assert.equal(scopeOf(line, ','), 'punctuation.separator.comma.modelspec');
  assert.equal(scopeOf(line, '('), 'punctuation.section.parens.modelspec');
});

test('settings: keys, lowercase calls, lists, double-quoted strings', () => {
  assert.equal(scopeOf("    loss: 'mse'", 'loss'), 'variable.other.property.modelspec');
  assert.equal(scopeOf("    loss: 'mse'", ':'), 'punctuation.separator.key-value.modelspec');
  const source = '    test: csv("x.csv", label=\'y\')';
  assert.equal(scopeOf(source, 'csv'), 'entity.name.function.modelspec');
  assert.equal(scopeOf(source, 'x.csv'), 'string.quoted.double.modelspec');
  assert.equal(scopeOf("    metrics: ['accuracy']", '['), 'punctuation.section.brackets.modelspec');
});

test('constants, numeric expressions and comments', () => {
  for (const c of ['True', 'False', 'None', 'true', 'false']) {
    assert.equal(scopeOf(`    Dense(10, use_bias=${c})`, c), 'constant.language.modelspec');
  }
  const line = '    rescale: 1./255  # normalise';
  assert.equal(scopeOf(line, '1.'), 'constant.numeric.modelspec');
  assert.equal(scopeOf(line, '/'), 'keyword.operator.arithmetic.modelspec');
  assert.equal(scopeOf(line, '255'), 'constant.numeric.modelspec');
  assert.equal(scopeOf(line, ' normalise'), 'comment.line.number-sign.modelspec');
  assert.equal(scopeOf('    lr: 2e-3', '2e-3'), 'constant.numeric.modelspec');
  assert.equal(scopeOf('    Dense(units2)', 'units2'), 'variable.other.modelspec');
});

test('a # inside a string is not a comment, and an escape is scoped', () => {
  const tokens = tokenize(String.raw`    Dense(name='a#b\'c')`);
  assert.ok(!tokens.some(([, scope]) => scope.startsWith('comment')));
  assert.ok(tokens.some(([text, scope]) => text === "\\'" && scope === 'constant.character.escape.modelspec'));
});

test('an unterminated string ends at the end of its line', () => {
  const tokens = tokenize("    loss: 'mse\n    epochs: 3");
  assert.deepEqual(
    tokens.find(([t]) => t === 'epochs'),
    ['epochs', 'variable.other.property.modelspec'],
  );
});

test('block keywords used as values are not keywords', () => {
  assert.equal(scopeOf('    Dense(10, name=data)', 'data'), 'variable.other.modelspec');
});
