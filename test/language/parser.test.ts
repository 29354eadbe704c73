import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../language/syntax/index';
import type { CallValue, ModelBlock, ParseResult, Range, SettingsBlock, Value } from '../../language/syntax/index';
import { LANGUAGE_EXAMPLE } from '../helpers/language-example';

const EXAMPLE = LANGUAGE_EXAMPLE;

function model(result: ParseResult): ModelBlock {
  const block = result.file.blocks.find((b) => b.kind === 'model');
  assert.ok(block && block.kind === 'model', 'expected a model block');
  return block;
}

function settings(result: ParseResult, kind: 'compile' | 'data' | 'fit'): SettingsBlock {
  const block = result.file.blocks.find((b) => b.kind === kind);
  assert.ok(block && block.kind !== 'model', `expected a ${kind} block`);
  return block;
}

/** The value of the first argument of the only layer in `model m { <layer> }`. */
function firstArg(layerSource: string): Value {
  const result = parse(`model m {\n${layerSource}\n}`);
  assert.deepEqual(result.errors, []);
  return model(result).layers[0].args[0].value;
}

function slice(text: string, range: Range): string {
  return text.slice(range.start.offset, range.end.offset);
}

function messages(result: ParseResult): string[] {
  return result.errors.map((e) => e.message);
}

/** Layer names, with `…` marking calls whose `)` is missing. */
function layerNames(result: ParseResult): string[] {
  return model(result).layers.map((l) => l.callee.name + (l.closed ? '' : '…'));
}

describe('the LANGUAGE.md example', () => {
  const result = parse(EXAMPLE);

  test('parses without errors into four blocks', () => {
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.file.blocks.map((b) => b.kind),
      ['model', 'compile', 'data', 'fit'],
    );
  });

  test('keeps the model name and every layer in order', () => {
    const m = model(result);
    assert.equal(m.name?.name, 'digits_cnn');
    assert.deepEqual(layerNames(result), [
      'Input',
      'Conv2D',
      'Conv2D',
      'MaxPooling2D',
      'Dropout',
      'Flatten',
      'Dense',
      'Dropout',
      'Dense',
    ]);
  });

  test('reads positional and named arguments', () => {
    const conv = model(result).layers[1];
    assert.equal(conv.args.length, 3);
    assert.equal(conv.args[0].name, undefined);
    assert.deepEqual(conv.args[0].value, { ...conv.args[0].value, kind: 'number', value: 32, isInteger: true });
    assert.equal(conv.args[1].name?.name, 'kernel_size');
    assert.equal(conv.args[2].name?.name, 'activation');
    const activation = conv.args[2].value;
    assert.ok(activation.kind === 'string');
    assert.equal(activation.value, 'relu');
    assert.equal(activation.quote, "'");
  });

  test('reads settings of every kind', () => {
    const data = settings(result, 'data');
    assert.deepEqual(
      data.settings.map((s) => [s.key.name, s.value.kind]),
      [
        ['train', 'name'],
        ['test', 'call'],
        ['validation_split', 'number'],
        ['augment', 'call'],
      ],
    );
    const callbacks = settings(result, 'fit').settings[2].value;
    assert.ok(callbacks.kind === 'list');
    assert.equal(callbacks.items[0].kind, 'call');
  });

  test('collects the comment with its text and range', () => {
    assert.equal(result.file.comments.length, 1);
    const comment = result.file.comments[0];
    assert.equal(comment.text, '# digits.model: the handwritten-digits exercise');
    assert.equal(slice(EXAMPLE, comment.range), comment.text);
  });

  test('gives every node a range that slices to its source text', () => {
    const m = model(result);
    assert.equal(slice(EXAMPLE, m.keyword), 'model');
    assert.equal(slice(EXAMPLE, m.name!.range), 'digits_cnn');
    assert.ok(slice(EXAMPLE, m.range).startsWith('model digits_cnn {'));
    assert.ok(slice(EXAMPLE, m.bodyRange).startsWith('{') && slice(EXAMPLE, m.bodyRange).endsWith('}'));
    const conv = m.layers[1];
    assert.equal(slice(EXAMPLE, conv.range), "Conv2D(32, kernel_size=(3, 3), activation='relu')");
    assert.equal(slice(EXAMPLE, conv.callee.range), 'Conv2D');
    assert.equal(slice(EXAMPLE, conv.argsRange), "(32, kernel_size=(3, 3), activation='relu')");
    assert.equal(slice(EXAMPLE, conv.args[1].range), 'kernel_size=(3, 3)');
    assert.equal(slice(EXAMPLE, conv.args[1].value.range), '(3, 3)');
    const loss = settings(result, 'compile').settings[0];
    assert.equal(slice(EXAMPLE, loss.range), "loss: 'categorical_crossentropy'");
    assert.equal(slice(EXAMPLE, loss.key.range), 'loss');
    assert.deepEqual(result.file.range.end.offset, EXAMPLE.length);
  });

  test('positions carry 0-based lines and characters that agree with the offset', () => {
    const conv = model(result).layers[1];
    assert.deepEqual(conv.range.start, { line: 3, character: 4, offset: EXAMPLE.indexOf('Conv2D(32') });
    assert.equal(conv.range.end.line, 3);
    assert.equal(conv.range.end.character, 4 + "Conv2D(32, kernel_size=(3, 3), activation='relu')".length);
  });
});

describe('values', () => {
  test('strings take either quote and decode backslash escapes', () => {
    const a = firstArg(`Dense(name="it's")`);
    assert.ok(a.kind === 'string');
    assert.equal(a.value, "it's");
    assert.equal(a.quote, '"');
    const b = firstArg(String.raw`Dense('a\'b\\c\n')`);
    assert.ok(b.kind === 'string');
    assert.equal(b.value, "a'b\\c\n");
    assert.equal(b.quote, "'");
  });

  test('True/False/true/false are booleans, None is none', () => {
    const layer = model(parse('model m { Dense(True, False, true, false, None) }')).layers[0];
    assert.deepEqual(
      layer.args.map((a) => (a.value.kind === 'boolean' ? a.value.value : a.value.kind)),
      [true, false, true, false, 'none'],
    );
  });

  test('other bare identifiers are names', () => {
    const v = firstArg('Dense(activation=relu)');
    assert.ok(v.kind === 'name');
    assert.equal(v.name, 'relu');
  });

  test('lists hold values, including trailing commas and nested calls', () => {
    const v = firstArg("Dense(x=['accuracy', mse, Foo(1),])");
    assert.ok(v.kind === 'list');
    assert.deepEqual(
      v.items.map((i) => i.kind),
      ['string', 'name', 'call'],
    );
    const empty = firstArg('Dense([])');
    assert.ok(empty.kind === 'list');
    assert.equal(empty.items.length, 0);
  });

  test('nested calls are call values with their own ranges', () => {
    const text = 'model m {\n    Bidirectional(LSTM(64, return_sequences=True))\n}';
    const outer = model(parse(text)).layers[0];
    const inner = outer.args[0].value;
    assert.ok(inner.kind === 'call');
    assert.equal(inner.callee.name, 'LSTM');
    assert.equal(inner.closed, true);
    assert.equal(slice(text, inner.range), 'LSTM(64, return_sequences=True)');
    assert.equal(slice(text, inner.argsRange), '(64, return_sequences=True)');
  });

  test('block keywords are ordinary names inside values', () => {
    const result = parse('model m { Dense(10, name=data, x=model, y=fit) }\ndata { train: data }');
    assert.deepEqual(result.errors, []);
    const args = model(result).layers[0].args;
    assert.deepEqual(
      args.slice(1).map((a) => (a.value.kind === 'name' ? a.value.name : a.value.kind)),
      ['data', 'model', 'fit'],
    );
    const train = settings(result, 'data').settings[0].value;
    assert.ok(train.kind === 'name' && train.name === 'data');
  });
});

describe('numeric expressions', () => {
  const cases: [source: string, value: number, isInteger: boolean, text: string][] = [
    ['32', 32, true, '32'],
    ['0.25', 0.25, false, '0.25'],
    ['1/255', 1 / 255, false, '1/255'],
    ['1./255', 1 / 255, false, '1./255'],
    ['1 / 255', 1 / 255, false, '1/255'],
    ['2e-3', 2e-3, false, '2e-3'],
    ['1E5', 1e5, false, '1E5'],
    ['.5', 0.5, false, '.5'],
    ['-1', -1, true, '-1'],
    ['(3)', 3, true, '(3)'],
    ['2*64', 128, true, '2*64'],
    ['2 * (1 + 2)', 6, true, '2*(1+2)'],
    ['1 + 2 * 3', 7, true, '1+2*3'],
    ['10 - 4 - 3', 3, true, '10-4-3'],
    ['-(2 + 3)', -5, true, '-(2+3)'],
    ['--2', 2, true, '--2'],
    ['-2*-3', 6, true, '-2*-3'],
    ['4/2', 2, false, '4/2'],
  ];
  for (const [source, value, isInteger, text] of cases) {
    test(`${source} is ${value}`, () => {
      const layerSource = `Dense(${source})`;
      const v = firstArg(layerSource);
      assert.ok(v.kind === 'number', `kind ${v.kind}`);
      assert.equal(v.value, value);
      assert.equal(v.isInteger, isInteger);
      assert.equal(v.text, text);
      assert.equal(v.range.end.offset - v.range.start.offset, source.length);
    });
  }

  test('an operator without a right operand is an error value with a message', () => {
    const result = parse('model m { Dense(2 *) }');
    assert.equal(model(result).layers[0].args[0].value.kind, 'error');
    assert.deepEqual(messages(result), ["Expected a number after '*'"]);
  });

  test('arithmetic on a non-number is reported at the operator', () => {
    const text = 'model m { Dense((1, 2) * 2) }';
    const result = parse(text);
    assert.equal(model(result).layers[0].args[0].value.kind, 'error');
    assert.deepEqual(messages(result), ["'*' needs numbers on both sides"]);
    assert.equal(slice(text, result.errors[0].range), '*');
  });
});

describe('tuples and parentheses', () => {
  test('(3, 3) is a two-element tuple', () => {
    const v = firstArg('Dense((3, 3))');
    assert.ok(v.kind === 'tuple');
    assert.deepEqual(
      v.items.map((i) => (i.kind === 'number' ? i.value : i.kind)),
      [3, 3],
    );
  });

  test('(3,) is a one-element tuple', () => {
    const v = firstArg('Dense((3,))');
    assert.ok(v.kind === 'tuple');
    assert.equal(v.items.length, 1);
  });

  test('() is an empty tuple', () => {
    const v = firstArg('Dense(())');
    assert.ok(v.kind === 'tuple');
    assert.equal(v.items.length, 0);
  });

  test('(3) is the number 3, and a parenthesised string is the string', () => {
    assert.equal(firstArg('Dense((3))').kind, 'number');
    assert.equal(firstArg("Dense(('relu'))").kind, 'string');
  });

  test('tuples nest and may hold any value', () => {
    const v = firstArg("Dense(((1, 2), 'a', None, [3]))");
    assert.ok(v.kind === 'tuple');
    assert.deepEqual(
      v.items.map((i) => i.kind),
      ['tuple', 'string', 'none', 'list'],
    );
  });
});

describe('separators', () => {
  test('layers may be separated by commas, with a trailing comma, as in Sequential([...])', () => {
    const result = parse("model m {\n    Dense(64, activation='relu'),\n    Dense(10),\n}");
    assert.deepEqual(result.errors, []);
    assert.deepEqual(layerNames(result), ['Dense', 'Dense']);
  });

  test('layers on one line need no separator at all', () => {
    const result = parse('model m { Flatten() Dense(10) }');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(layerNames(result), ['Flatten', 'Dense']);
  });

  test('settings may be separated by commas or newlines', () => {
    const result = parse("compile { loss: 'mse', optimizer: 'adam',\n metrics: ['mae'] }");
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      settings(result, 'compile').settings.map((s) => s.key.name),
      ['loss', 'optimizer', 'metrics'],
    );
  });

  test('trailing commas in calls are allowed', () => {
    const result = parse('model m { Dense(10, activation=relu,) }');
    assert.deepEqual(result.errors, []);
    assert.equal(model(result).layers[0].args.length, 2);
  });

  test('a comma with no layer before it is an error', () => {
    const text = 'model m { Dense(1),, Dense(2) }';
    const result = parse(text);
    assert.deepEqual(messages(result), ["Expected a layer before ','"]);
    assert.equal(result.errors[0].range.start.offset, text.indexOf(',,') + 1);
    assert.deepEqual(layerNames(result), ['Dense', 'Dense']);
  });
});

describe('comments and line endings', () => {
  test('comments anywhere are collected and never reach the parser', () => {
    const text =
      "# top\nmodel m {  # after brace\n    Dense(10,  # inside a call\n          activation='relu')\n    # own line\n}\n";
    const result = parse(text);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.file.comments.map((c) => c.text),
      ['# top', '# after brace', '# inside a call', '# own line'],
    );
    assert.deepEqual(
      result.file.comments.map((c) => c.range.start.line),
      [0, 1, 2, 4],
    );
    assert.equal(model(result).layers[0].args.length, 2);
  });

  test('a # inside a string is not a comment', () => {
    const result = parse("model m { Dense(name='a#b') }");
    assert.deepEqual(result.file.comments, []);
    const v = model(result).layers[0].args[0].value;
    assert.ok(v.kind === 'string' && v.value === 'a#b');
  });

  test('CRLF line endings give the same lines and characters as LF', () => {
    const lf = parse(EXAMPLE);
    const crlfText = EXAMPLE.replace(/\n/g, '\r\n');
    const crlf = parse(crlfText);
    assert.deepEqual(crlf.errors, []);
    const a = model(lf).layers[3].range;
    const b = model(crlf).layers[3].range;
    assert.deepEqual(
      [a.start.line, a.start.character, a.end.character],
      [b.start.line, b.start.character, b.end.character],
    );
    assert.equal(b.start.offset, a.start.offset + a.start.line);
    assert.equal(slice(crlfText, b), slice(EXAMPLE, a));
  });

  test('a lone \\r also ends a line', () => {
    const result = parse('model m {\r    Dense(1)\r}');
    assert.deepEqual(model(result).layers[0].range.start, { line: 1, character: 4, offset: 14 });
  });

  test('characters are counted in UTF-16 code units, as LSP does', () => {
    const text = "model m {\n    Dense(name='😀é', units=3)\n}";
    const units = model(parse(text)).layers[0].args[1];
    assert.equal(units.range.start.character, "    Dense(name='😀é', ".length);
    assert.equal(slice(text, units.range), 'units=3');
  });
});

describe('lexical errors', () => {
  test('an unterminated string is reported on its range, and the next line still parses', () => {
    const text = "compile {\n    loss: 'mse\n    optimizer: 'adam'\n}";
    const result = parse(text);
    assert.equal(result.errors.length, 1);
    const [error] = result.errors;
    assert.equal(error.code, 'unterminated-string');
    assert.equal(slice(text, error.range), "'mse");
    assert.match(error.message, /Unterminated string/);
    const s = settings(result, 'compile').settings;
    assert.deepEqual(
      s.map((x) => x.key.name),
      ['loss', 'optimizer'],
    );
    assert.ok(s[0].value.kind === 'string' && s[0].value.value === 'mse');
  });

  test('invalid characters are reported as one error per run and skipped', () => {
    const text = 'model m {\n    Dense(10) @$\n    Flatten()\n}';
    const result = parse(text);
    assert.equal(result.errors.length, 1);
    assert.equal(result.errors[0].code, 'invalid-character');
    assert.equal(result.errors[0].message, "Invalid characters '@$'");
    assert.equal(slice(text, result.errors[0].range), '@$');
    assert.deepEqual(layerNames(result), ['Dense', 'Flatten']);
  });
});

describe('error recovery', () => {
  test('a missing ) in one layer still yields the following layers', () => {
    const text = 'model m {\n    Conv2D(32, kernel_size=3\n    Dense(10)\n    Flatten()\n}';
    const result = parse(text);
    assert.deepEqual(messages(result), ["Expected ')' to close the call to Conv2D opened at line 2"]);
    const at = result.errors[0].range;
    assert.deepEqual(at.start, at.end);
    assert.equal(at.start.offset, text.indexOf('=3') + 2);
    assert.deepEqual(layerNames(result), ['Conv2D…', 'Dense', 'Flatten']);
    assert.equal(model(result).layers[0].args.length, 2);
  });

  test('a missing ) after a trailing comma gives the next line back to the block', () => {
    const result = parse('model m {\n    Conv2D(32,\n    Dense(10)\n    Flatten()\n}');
    assert.deepEqual(messages(result), ["Expected ')' to close the call to Conv2D opened at line 2"]);
    assert.deepEqual(layerNames(result), ['Conv2D…', 'Dense', 'Flatten']);
  });

  test('indented continuation lines stay inside the call', () => {
    const text = 'model m {\n    Bidirectional(\n        LSTM(64),\n    )\n    Dense(1)\n}';
    const result = parse(text);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(layerNames(result), ['Bidirectional', 'Dense']);
  });

  test('a closed call ignores layout, even a nested layer call at the same indentation', () => {
    const result = parse('model m {\nBidirectional(\nLSTM(64))\nDense(1)\n}');
    assert.deepEqual(result.errors, []);
    assert.deepEqual(layerNames(result), ['Bidirectional', 'Dense']);
  });

  test('a run of unclosed layers gives one layer per line', () => {
    const text = 'model m {\n' + '    Dense(1,\n'.repeat(3000) + '}';
    const result = parse(text);
    assert.equal(model(result).layers.length, 3000);
    assert.equal(result.errors.length, 3000);
  });

  test('nesting deeper than the parser supports is reported, not a crash', () => {
    const result = parse(`model m { Dense(${'('.repeat(100_000)}) }\nfit { epochs: 1 }`);
    assert.ok(messages(result).includes('Values nested more than 64 deep are not supported'));
    assert.equal(settings(result, 'fit').settings.length, 1);
    const signs = parse(`model m { Dense(${'-'.repeat(100_000)}1) }`);
    assert.deepEqual(signs.errors, []);
    const closed = parse(`model m { Dense(${'['.repeat(5000)}${']'.repeat(5000)}) }`);
    assert.deepEqual(messages(closed), ['Values nested more than 64 deep are not supported']);
    assert.equal(model(closed).layers[0].closed, true);
  });

  test('unindented argument lines are still arguments: newlines carry no meaning', () => {
    const result = parse("model m {\nDense(10,\nactivation='relu')\n}");
    assert.deepEqual(result.errors, []);
    assert.equal(model(result).layers[0].args.length, 2);
  });

  test('an unclosed tuple and call are both reported, and the next layer survives', () => {
    const result = parse('model m {\n    Conv2D(32, kernel_size=(3, 3,\n    Flatten()\n}\nfit { epochs: 1 }');
    assert.deepEqual(messages(result), [
      "Expected ')' to close the '(' opened at line 2",
      "Expected ')' to close the call to Conv2D opened at line 2",
    ]);
    assert.deepEqual(layerNames(result), ['Conv2D…', 'Flatten']);
    assert.equal(settings(result, 'fit').settings.length, 1);
  });

  test('an unclosed list reports its opening line', () => {
    const result = parse("compile {\n    metrics: ['accuracy'\n    loss: 'mse'\n}");
    assert.deepEqual(messages(result), ["Expected ']' to close the list opened at line 2"]);
    assert.deepEqual(
      settings(result, 'compile').settings.map((s) => s.key.name),
      ['metrics', 'loss'],
    );
  });

  test('a missing comma between arguments is reported and parsing goes on', () => {
    const text = "model m { Dense(10 activation='relu') }";
    const result = parse(text);
    assert.deepEqual(messages(result), ["Expected ',' between arguments"]);
    assert.equal(result.errors[0].range.start.offset, text.indexOf('10') + 2);
    assert.equal(model(result).layers[0].args.length, 2);
    assert.equal(model(result).layers[0].closed, true);
  });

  test('a garbage line inside a block is skipped with one error', () => {
    const text = 'model m {\n    Dense(10)\n    this is not a layer\n    42 (\n    Flatten()\n}';
    const result = parse(text);
    assert.deepEqual(messages(result), [
      "Expected a layer call such as Dense(10), found 'this'",
      'Expected a layer call such as Dense(10), found the number 42',
    ]);
    assert.equal(slice(text, result.errors[0].range), 'this');
    assert.deepEqual(layerNames(result), ['Dense', 'Flatten']);
  });

  test('a garbage line in a settings block is skipped with one error', () => {
    const result = parse('fit {\n    epochs: 3\n    Dense(10)\n    batch_size: 32\n}');
    assert.deepEqual(messages(result), ["Expected a setting such as 'epochs: 12', found 'Dense'"]);
    assert.deepEqual(
      settings(result, 'fit').settings.map((s) => s.key.name),
      ['epochs', 'batch_size'],
    );
  });

  test('a missing } at the end of the file still yields the block', () => {
    const text = 'model m {\n    Dense(10)\n';
    const result = parse(text);
    assert.deepEqual(messages(result), ["Expected '}' to close the model block opened at line 1"]);
    assert.equal(result.errors[0].range.start.offset, text.indexOf(')') + 1);
    assert.deepEqual(layerNames(result), ['Dense']);
    assert.equal(model(result).range.end.offset, text.indexOf(')') + 1);
  });

  test('a missing } before the next block ends the block there', () => {
    const result = parse("model m {\n    Dense(10)\n\ncompile {\n    loss: 'mse'\n}");
    assert.deepEqual(messages(result), ["Expected '}' to close the model block opened at line 1"]);
    assert.deepEqual(
      result.file.blocks.map((b) => b.kind),
      ['model', 'compile'],
    );
    assert.equal(settings(result, 'compile').settings.length, 1);
  });

  test('an unknown top-level word is skipped with an error, up to the next block', () => {
    const text = 'modle x {\n    Dense(data=1)\n}\nmodel m { Dense(1) }';
    const result = parse(text);
    assert.deepEqual(messages(result), [
      "Expected a block ('model', 'compile', 'data', 'fit' or 'tune'), found 'modle'",
    ]);
    assert.equal(slice(text, result.errors[0].range), 'modle');
    assert.equal(result.file.blocks.length, 1);
    assert.equal(model(result).name?.name, 'm');
  });

  test('several errors in one file are all reported, in order', () => {
    const text =
      "model m {\n    Dense(10\n    Flatten(\n}\ncompile {\n    loss:\n    optimizer: 'adam'\n}\nfit { epochs 3 }";
    const result = parse(text);
    assert.deepEqual(messages(result), [
      "Expected ')' to close the call to Dense opened at line 2",
      "Expected ')' to close the call to Flatten opened at line 3",
      "Expected a value after 'loss:'",
      "Expected ':' after 'epochs'",
    ]);
    assert.equal(settings(result, 'compile').settings.length, 2);
    const epochs = settings(result, 'fit').settings[0].value;
    assert.ok(epochs.kind === 'number' && epochs.value === 3);
  });

  test('a bare name in a model body is an unclosed call with an error', () => {
    const text = 'model m {\n    Flatten\n    Dense(1)\n}';
    const result = parse(text);
    assert.deepEqual(messages(result), ["Expected '(' after 'Flatten': layers are written as calls, e.g. Flatten()"]);
    assert.deepEqual(layerNames(result), ['Flatten…', 'Dense']);
  });

  test('a missing model name or { is reported', () => {
    assert.deepEqual(messages(parse('model { Dense(1) }')), [
      "Expected a model name after 'model', e.g. model digits_cnn {",
    ]);
    const result = parse('model m\n    Dense(1)\n}');
    assert.deepEqual(messages(result), ["Expected '{' after 'model m' to start the block"]);
    assert.deepEqual(layerNames(result), ['Dense']);
  });

  test('stray punctuation where a value belongs becomes the error value', () => {
    const text = 'model m { Dense(units=:, activation=relu) }';
    const result = parse(text);
    assert.deepEqual(messages(result), ["Expected a value after 'units=', found ':'"]);
    assert.equal(slice(text, result.errors[0].range), ':');
    const args = model(result).layers[0].args;
    assert.equal(args[0].value.kind, 'error');
    assert.equal(args[1].value.kind, 'name');
  });
});

describe('partial input while typing', () => {
  test('`Conv2D(32, ` gives an unclosed call with the arguments so far', () => {
    const text = 'model m {\n    Conv2D(32, ';
    const result = parse(text);
    const call: CallValue = model(result).layers[0];
    assert.equal(call.closed, false);
    assert.equal(call.args.length, 1);
    assert.equal(call.argsRange.start.offset, text.indexOf('('));
    assert.equal(call.argsRange.end.offset, text.indexOf(',') + 1);
    assert.equal(messages(result)[0], "Expected ')' to close the call to Conv2D opened at line 2");
  });

  test('`Dense(` at the end of the file gives an unclosed call with no arguments', () => {
    const text = 'model m {\n    Dense(';
    const call = model(parse(text)).layers[0];
    assert.equal(call.closed, false);
    assert.deepEqual(call.args, []);
    assert.equal(slice(text, call.argsRange), '(');
  });

  test('`activation=` with nothing after gives an error value and a message', () => {
    const text = 'model m {\n    Dense(10, activation=';
    const result = parse(text);
    const arg = model(result).layers[0].args[1];
    assert.equal(arg.name?.name, 'activation');
    assert.equal(arg.value.kind, 'error');
    assert.deepEqual(arg.value.range.start, arg.value.range.end);
    assert.equal(arg.value.range.start.offset, text.length);
    assert.equal(messages(result)[0], "Expected a value after 'activation='");
  });

  test('`activation=` followed by `)` is a missing value, and the call is closed', () => {
    const result = parse('model m { Dense(10, activation=) }');
    assert.deepEqual(messages(result), ["Expected a value after 'activation='"]);
    assert.equal(model(result).layers[0].closed, true);
  });

  test('`model m {` with nothing else gives an empty model block', () => {
    const result = parse('model m {');
    assert.equal(model(result).name?.name, 'm');
    assert.deepEqual(model(result).layers, []);
    assert.deepEqual(messages(result), ["Expected '}' to close the model block opened at line 1"]);
  });

  test('a setting key still being typed gives a setting with an error value', () => {
    const result = parse('fit {\n    epo\n}');
    const s = settings(result, 'fit').settings[0];
    assert.equal(s.key.name, 'epo');
    assert.equal(s.value.kind, 'error');
    assert.deepEqual(messages(result), ["Expected ':' after 'epo', e.g. epo: value"]);
  });

  test('`loss:` followed by the next setting is a missing value, not a name', () => {
    const result = parse("compile {\n    loss:\n    optimizer: 'adam'\n}");
    const s = settings(result, 'compile').settings;
    assert.equal(s[0].value.kind, 'error');
    assert.equal(s[1].key.name, 'optimizer');
  });

  test('empty and whitespace-only files give an empty tree', () => {
    for (const text of ['', '   \n\n', '# only a comment\n']) {
      const result = parse(text);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(result.file.blocks, []);
    }
  });
});

test('a 2,000-layer file parses completely', () => {
  const lines = ['model big {', '    Input(shape=(28, 28, 1))'];
  for (let i = 0; i < 2000; i++) lines.push(`    Dense(${i + 1}, activation='relu')  # layer ${i}`);
  lines.push('}', 'fit { epochs: 1 }');
  const text = lines.join('\n');
  const result = parse(text);
  assert.deepEqual(result.errors, []);
  const layers = model(result).layers;
  assert.equal(layers.length, 2001);
  const last = layers[2000];
  assert.equal(last.range.start.line, 2001);
  assert.ok(last.args[0].value.kind === 'number' && last.args[0].value.value === 2000);
  assert.equal(result.file.comments.length, 2000);
  assert.equal(settings(result, 'fit').settings.length, 1);
});

describe('pasted Keras code (LANGUAGE.md, "Pasted Keras code")', () => {
  /** A layer's callee and arguments as text, without ranges: what every later stage reads. */
  const shapeOf = (text: string, call: ModelBlock['layers'][number]) => ({
    callee: call.callee.name,
    calleeText: slice(text, call.callee.range),
    args: call.args.map((a) => [a.name?.name, slice(text, a.value.range)]),
    closed: call.closed,
  });

  test('module prefixes and model.add(...) give the same layer node as the bare call, with what was dropped', () => {
    const plain = "model m {\n    Conv2D(32, kernel_size=(3, 3), activation='relu')\n}";
    const bare = parse(plain);
    assert.deepEqual(bare.errors, []);
    assert.equal(model(bare).layers[0].pasted, undefined);
    const expected = shapeOf(plain, model(bare).layers[0]);
    for (const pasted of [
      'layers.',
      'keras.layers.',
      'tf.keras.layers.',
      'model.add(',
      'model.add(layers.',
      'model.add(tf.keras.layers.',
    ]) {
      const text = plain
        .replace('Conv2D(32', `${pasted}Conv2D(32`)
        .replace("'relu')", pasted.startsWith('model.add(') ? "'relu'))" : "'relu')");
      const result = parse(text);
      assert.deepEqual(messages(result), [], pasted);
      const layers = model(result).layers;
      assert.equal(layers.length, 1, pasted);
      assert.deepEqual(shapeOf(text, layers[0]), expected, pasted);
      const prefix = pasted.replace('model.add(', '');
      assert.equal(layers[0].pasted?.prefix?.text, prefix || undefined, pasted);
      if (prefix) assert.equal(slice(text, layers[0].pasted!.prefix!.range), prefix);
      if (pasted.startsWith('model.add(')) {
        const wrapper = layers[0].pasted!.wrapper!;
        assert.equal(wrapper.text, 'model.add');
        assert.equal(slice(text, wrapper.open), 'model.add(');
        assert.equal(slice(text, wrapper.close), ')');
      } else assert.equal(layers[0].pasted?.wrapper, undefined);
    }
  });

  test('a prefixed call is one name token: no "Invalid character" per dot, also inside values', () => {
    const text =
      'model m {\n    layers.Bidirectional(layers.LSTM(64))\n}\ncompile {\n    optimizer: keras.optimizers.Adam(learning_rate=1e-3)\n}';
    const result = parse(text);
    assert.deepEqual(messages(result), []);
    const layer = model(result).layers[0];
    assert.equal(layer.callee.name, 'Bidirectional');
    const inner = layer.args[0].value;
    assert.ok(inner.kind === 'call' && inner.callee.name === 'LSTM' && inner.pasted?.prefix?.text === 'layers.');
    const optimizer = settings(result, 'compile').settings[0].value;
    assert.ok(
      optimizer.kind === 'call' &&
        optimizer.callee.name === 'Adam' &&
        optimizer.pasted?.prefix?.text === 'keras.optimizers.',
    );
  });

  test('a functional-API line is one functional-api error and the layers around it still parse', () => {
    const text = [
      'model m {',
      '    inputs = keras.Input(shape=(784,))',
      '    Dense(64)',
      '    x = layers.Dense(64,',
      "        activation='relu')(inputs)",
      '    layers.Dense(10)(x)',
      '    keras.Model(inputs, outputs)',
      '    Dense(10)',
      '}',
    ].join('\n');
    const result = parse(text);
    assert.deepEqual(
      result.errors.map((e) => [e.code, slice(text, e.range)]),
      [
        ['functional-api', 'inputs = keras.Input(shape=(784,))'],
        ['functional-api', "x = layers.Dense(64,\n        activation='relu')(inputs)"],
        ['functional-api', 'layers.Dense(10)(x)'],
        ['functional-api', 'keras.Model(inputs, outputs)'],
      ],
    );
    assert.match(result.errors[0].message, /Sequential models/);
    assert.deepEqual(
      model(result).layers.map((l) => slice(text, l.range)),
      ['Dense(64)', 'Dense(10)'],
    );
  });
});
