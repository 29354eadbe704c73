import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatModelFile, type IndentOptions } from '../../language/services/format';
import { parse } from '../../language/syntax/index';
import type { ModelFile, Value } from '../../language/syntax/index';
import { LANGUAGE_EXAMPLE } from '../helpers/language-example';

const EXAMPLE = LANGUAGE_EXAMPLE;

/** Formats and insists that formatting succeeded. */
function format(text: string): string {
  const out = formatModelFile(text);
  assert.ok(out !== undefined, 'expected the text to be formatted');
  return out;
}

/** Formats `model m { <layer> }` and returns the formatted layer line. */
function formatLayer(layer: string): string {
  return format(`model m { ${layer} }`).split('\n')[1].trim();
}

describe('formatModelFile', () => {
  test('leaves the LANGUAGE.md example exactly as it is', () => {
    assert.equal(format(EXAMPLE), EXAMPLE);
  });

  test('never formats code with syntax errors', () => {
    assert.equal(formatModelFile('model m {\n    Dense(10\n}'), undefined);
    assert.equal(formatModelFile("compile { loss: 'mse }"), undefined);
    assert.equal(formatModelFile('model m { Dense(1) } @'), undefined);
  });

  test('an empty file stays empty', () => {
    assert.equal(format(''), '');
    assert.equal(format('\n\n  \n'), '');
  });

  test('writes headers on one line and separates blocks by exactly one blank line', () => {
    const out = format("model\n  m\n{ Dense(1) }\n\n\n\ncompile\n{ loss: 'mse' } fit{epochs:1}");
    assert.equal(out, "model m {\n    Dense(1)\n}\n\ncompile {\n    loss: 'mse'\n}\n\nfit {\n    epochs: 1\n}\n");
  });

  test('puts one layer per line at 4 spaces, without separating commas', () => {
    const out = format('model m {\n  Flatten(), Dense(64),\n\t\tDense(10),\n}');
    assert.equal(out, 'model m {\n    Flatten()\n    Dense(64)\n    Dense(10)\n}\n');
  });

  test('writes an empty block as an open and a close line', () => {
    assert.equal(format('fit {}'), 'fit {\n}\n');
  });

  test("writes call arguments as Keras does: ', ' between them and '=' without spaces", () => {
    assert.equal(
      formatLayer("Conv2D( 32 ,kernel_size = ( 3,3 ) , activation = 'relu' , )"),
      "Conv2D(32, kernel_size=(3, 3), activation='relu')",
    );
  });

  test('writes tuples as (3, 3), (3,) and (), and lists as [a, b]', () => {
    assert.equal(formatLayer('Reshape((3 , 3 ,), (3 ,), ( ), [ 1,2, ], [])'), 'Reshape((3, 3), (3,), (), [1, 2], [])');
  });

  test('writes settings as key: value', () => {
    assert.equal(
      format("compile { loss :'mse' , metrics:[ 'accuracy' ] }"),
      "compile {\n    loss: 'mse'\n    metrics: ['accuracy']\n}\n",
    );
  });

  test('uses single quotes unless the string holds a single quote', () => {
    assert.equal(formatLayer('Dense(name="relu")'), "Dense(name='relu')");
    assert.equal(formatLayer(`Dense(name="it's")`), `Dense(name="it's")`);
    assert.equal(formatLayer(String.raw`Dense(name='it\'s "x"')`), String.raw`Dense(name='it\'s "x"')`);
    assert.equal(formatLayer(String.raw`Dense(name="a\\b\n")`), String.raw`Dense(name='a\\b\n')`);
  });

  test('quotes bare names everywhere except as a whole data source', () => {
    assert.equal(formatLayer('Dense(10, activation=relu)'), "Dense(10, activation='relu')");
    assert.equal(
      format('compile { optimizer: adam, metrics: [accuracy] }'),
      "compile {\n    optimizer: 'adam'\n    metrics: ['accuracy']\n}\n",
    );
    const data = format(
      "data { train: digits, test: csv('x.csv', label=y), validation: fashion_mnist, augment: flip }",
    );
    assert.equal(
      data,
      "data {\n    train: digits\n    test: csv('x.csv', label='y')\n    validation: fashion_mnist\n    augment: 'flip'\n}\n",
    );
    assert.equal(format('fit { train: digits }'), "fit {\n    train: 'digits'\n}\n");
  });

  test('keeps number text but drops the spaces inside expressions', () => {
    assert.equal(
      formatLayer('Dense(1 / 255, 1./255, 2e-3, - 1, ( 3 ), 2 * 64)'),
      'Dense(1/255, 1./255, 2e-3, -1, (3), 2*64)',
    );
  });

  test('writes True, False and None Python-style', () => {
    assert.equal(formatLayer('Dense(a=true, b=false, c=True, d=None)'), 'Dense(a=True, b=False, c=True, d=None)');
  });

  test('keeps own-line comments on their own line at the block indentation', () => {
    const out = format('# file\nmodel m {\n# first\n  Dense(1)\n        # second\n  Dense(2)\n}');
    assert.equal(out, '# file\nmodel m {\n    # first\n    Dense(1)\n    # second\n    Dense(2)\n}\n');
  });

  test('keeps trailing comments at the end of their line, two spaces before #', () => {
    const out = format("model m {   # the model\n  Dense(1) # one\n}# end\ncompile { loss: 'mse'    # loss\n}");
    assert.equal(
      out,
      "model m {  # the model\n    Dense(1)  # one\n}  # end\n\ncompile {\n    loss: 'mse'  # loss\n}\n",
    );
  });

  test('joins a multi-line call into one line, moving its inner comments above it in order', () => {
    const out = format(
      "model m {\n    Dense(10,  # units\n        # the activation\n        activation='relu')  # end\n}",
    );
    assert.equal(out, "model m {\n    # units\n    # the activation\n    Dense(10, activation='relu')  # end\n}\n");
  });

  test('keeps comments between blocks, attached to the block after them', () => {
    const out = format('model m { Dense(1) }\n# about fit\nfit { epochs: 1 }\n\n\n# at the end');
    assert.equal(out, 'model m {\n    Dense(1)\n}\n\n# about fit\nfit {\n    epochs: 1\n}\n\n# at the end\n');
  });

  test('keeps at most one blank line between layers where the user had blank lines', () => {
    const out = format('model m {\n\n    Dense(1)\n    Dense(2)\n\n\n\n    Dense(3)\n\n}');
    assert.equal(out, 'model m {\n    Dense(1)\n    Dense(2)\n\n    Dense(3)\n}\n');
  });

  test('keeps CRLF line endings', () => {
    assert.equal(format('model m {\r\n Dense(1)\r\n}\r\n'), 'model m {\r\n    Dense(1)\r\n}\r\n');
  });

  test('indents layers, settings and their comments as the editor asks: tabSize spaces, or a tab', () => {
    const text = "# file\nmodel m {\n# first\n  Dense(1)  # one\n}\ncompile { loss: 'mse' }\n";
    assert.equal(
      formatModelFile(text, { tabSize: 2, insertSpaces: true }),
      "# file\nmodel m {\n  # first\n  Dense(1)  # one\n}\n\ncompile {\n  loss: 'mse'\n}\n",
    );
    const tabbed = "# file\nmodel m {\n\t# first\n\tDense(1)  # one\n}\n\ncompile {\n\tloss: 'mse'\n}\n";
    assert.equal(formatModelFile(text, { tabSize: 4, insertSpaces: false }), tabbed);
    assert.equal(formatModelFile(tabbed, { tabSize: 8, insertSpaces: false }), tabbed, 'idempotent with tabs');
    // The default stays 4 spaces; a tab size no editor means is clamped, not trusted.
    assert.equal(formatModelFile(text), format(text));
    assert.equal(formatModelFile(text, { tabSize: 4, insertSpaces: true }), format(text));
    assert.equal(
      formatModelFile('fit { epochs: 1 }', { tabSize: 1e9, insertSpaces: true }),
      `fit {\n${' '.repeat(16)}epochs: 1\n}\n`,
    );
    assert.equal(
      formatModelFile('fit { epochs: 1 }', { tabSize: Number.NaN, insertSpaces: true }),
      'fit {\n    epochs: 1\n}\n',
    );
    // A client that leaves the options out (LSP requires them) gets the default.
    assert.equal(formatModelFile('fit { epochs: 1 }', {} as IndentOptions), 'fit {\n    epochs: 1\n}\n');
  });

  test('is idempotent on every example it formats', () => {
    const messy =
      '# top\n\n\nmodel   m{Dense(1,activation=relu),  # a\n\n\n  # b\nFlatten() }  # c\n# d\ndata{train:digits,test:mnist(split=test)}';
    for (const text of [EXAMPLE, messy, EXAMPLE.replace(/\n/g, '\r\n')]) {
      const once = format(text);
      assert.equal(format(once), once);
    }
  });
});

// ---- property test: random valid files written messily ----

/** What a file means, independent of layout: bare names read as strings except data sources. */
function meaning(file: ModelFile): unknown {
  const value = (v: Value, bare = false): unknown => {
    switch (v.kind) {
      case 'number':
        return { number: v.value };
      case 'string':
        return { string: v.value };
      case 'name':
        return bare ? { source: v.name } : { string: v.name };
      case 'boolean':
        return v.value;
      case 'none':
        return null;
      case 'tuple':
        return { tuple: v.items.map((i) => value(i)) };
      case 'list':
        return { list: v.items.map((i) => value(i)) };
      case 'call':
        return { call: v.callee.name, args: v.args.map((a) => [a.name?.name ?? null, value(a.value)]) };
      case 'error':
        return { error: true };
    }
  };
  return {
    blocks: file.blocks.map((b) =>
      b.kind === 'model'
        ? { model: b.name?.name, layers: b.layers.map((l) => value(l)) }
        : {
            [b.kind]: b.settings.map((s) => [
              s.key.name,
              value(s.value, b.kind === 'data' && ['train', 'test', 'validation'].includes(s.key.name)),
            ]),
          },
    ),
    comments: file.comments.map((c) => c.text.trimEnd()),
  };
}

/** Whitespace, newlines and comments that may go between any two tokens. */
const gap = fc.constantFrom('', ' ', '  ', '\n', '\n    ', '\t', '  # note\n', '\n\n');
const name = fc.constantFrom('relu', 'digits', 'mnist', 'x', 'data', 'model', 'units_2');
const numberText = fc.constantFrom('3', '32', '0.5', '1./255', '1 / 255', '2e-3', '-1', '(3)', '2 * 64', '.5');
const stringText = fc
  .tuple(
    fc.string({ maxLength: 8 }).filter((s) => !/[\r\n]/.test(s)),
    fc.constantFrom("'", '"'),
  )
  .map(
    ([s, q]) =>
      q +
      s
        .replace(/\\/g, '\\\\')
        .split(q)
        .join('\\' + q) +
      q,
  );
const constant = fc.constantFrom('True', 'False', 'true', 'false', 'None');

function joined(items: string[], gaps: string[], trailingComma: boolean): string {
  return items.map((item, i) => gaps[i % gaps.length] + item).join(',') + (trailingComma && items.length ? ',' : '');
}

const { value } = fc.letrec<{ value: string; call: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText,
    stringText,
    constant,
    name,
    fc
      .tuple(fc.array(tie('value'), { maxLength: 3 }), fc.array(gap, { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([items, gaps, comma]) =>
        items.length === 1 ? `(${gaps[0]}${items[0]},)` : `(${joined(items, gaps, comma && items.length > 1)})`,
      ),
    fc
      .tuple(fc.array(tie('value'), { maxLength: 3 }), fc.array(gap, { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([items, gaps, comma]) => `[${joined(items, gaps, comma)}]`),
    tie('call'),
  ),
  call: fc
    .tuple(
      fc.constantFrom('Dense', 'Conv2D', 'csv', 'Flatten'),
      fc.array(fc.tuple(fc.option(fc.constantFrom('units', 'activation', 'label'), { nil: undefined }), tie('value')), {
        maxLength: 3,
      }),
      fc.array(gap, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
    )
    .map(([callee, args, gaps, comma]) => {
      // Positional arguments first, as in Python.
      const sorted = [...args.filter(([n]) => !n), ...args.filter(([n]) => n)];
      return `${callee}(${joined(
        sorted.map(([n, v]) => (n ? `${n}${gaps[0]}=${gaps[0]}${v}` : v)),
        gaps,
        comma,
      )})`;
    }),
}));

const layerSeparator = fc.constantFrom('\n', ', ', ',\n', ' ', '\n\n', '  # layer\n');
const modelBlock = fc
  .tuple(
    fc.array(
      fc.tuple(
        value.filter((v) => /^[A-Z]\w*\(/.test(v)),
        layerSeparator,
      ),
      { maxLength: 4 },
    ),
    gap,
  )
  .map(([layers, g]) => `model${g === '' ? ' ' : g}m${g}{${layers.map(([l, sep]) => l + sep).join('')}}`);
const settingsBlock = fc
  .tuple(
    fc.constantFrom('compile', 'data', 'fit'),
    fc.array(fc.tuple(fc.constantFrom('loss', 'train', 'test', 'validation', 'epochs'), value, layerSeparator), {
      maxLength: 4,
    }),
    gap,
  )
  .map(([kind, settings, g]) => `${kind}${g}{${settings.map(([k, v, sep]) => `${k}${g}:${g}${v}${sep}`).join('')}}`);
const messyFile = fc
  .array(fc.tuple(fc.oneof(modelBlock, settingsBlock), fc.constantFrom('\n', '\n\n', ' ', '\n# between\n')), {
    maxLength: 4,
  })
  .map((blocks) => blocks.map(([b, sep]) => b + sep).join(''));

test('property: any valid file formats to an equivalent file, and formatting is idempotent', () => {
  fc.assert(
    fc.property(messyFile, (text) => {
      const before = parse(text);
      fc.pre(before.errors.length === 0);
      const once = format(text);
      const after = parse(once);
      assert.deepEqual(after.errors, []);
      assert.deepEqual(meaning(after.file), meaning(before.file));
      assert.equal(format(once), once);
    }),
    { numRuns: 300 },
  );
});
