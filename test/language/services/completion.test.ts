import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { complete, resolveCompletion } from '../../../language/services/completion';
import type { CompletionEntry } from '../../../language/services/types';
import { analyzed, withCursor } from './helpers';

function completions(marked: string): { items: CompletionEntry[]; text: string } {
  const { text, pos } = withCursor(marked);
  return { items: complete(analyzed(text), pos), text };
}

const labels = (marked: string) => completions(marked).items.map((i) => i.label);
const find = (items: CompletionEntry[], label: string) => items.find((i) => i.label === label);

/** The text the editor shows after accepting `label` (snippet placeholders left as written). */
function accept(marked: string, label: string): string {
  const { items, text } = completions(marked);
  const item = find(items, label);
  assert.ok(item, `no completion '${label}' in ${items.map((i) => i.label).join(', ')}`);
  assert.ok(item.replace);
  return (
    text.slice(0, item.replace.start.offset) + (item.insertText ?? item.label) + text.slice(item.replace.end.offset)
  );
}

test('at a layer position: every layer, with a snippet of its required arguments and its signature', () => {
  const { items } = completions('model m {\n    |\n}\n');
  const conv = find(items, 'Conv2D');
  assert.ok(conv);
  assert.equal(conv.insertText, 'Conv2D(${1:filters}, kernel_size=${2:(3, 3)})');
  assert.equal(conv.snippet, true);
  assert.equal(conv.kind, 'layer');
  assert.match(conv.detail ?? '', /^Conv2D\(filters, kernel_size, strides=\(1, 1\)/);
  assert.equal(find(items, 'Dense')?.insertText, 'Dense(${1:units})');
  assert.equal(find(items, 'Input')?.insertText, 'Input(shape=${1:(28, 28, 1)})');
  for (const name of ['Flatten', 'LSTM', 'BatchNormalization', 'VGG16', 'MaxPooling2D'])
    assert.ok(find(items, name), name);
  assert.equal(conv.documentation, undefined, 'docs come lazily');
  assert.match(resolveCompletion(conv.data!) ?? '', /```python\nConv2D\(filters[\s\S]*2D convolution/);
});

test('works on incomplete text: `model m {` with nothing after it, and a half-typed layer name', () => {
  assert.ok(labels('model m {\n    |').includes('Dense'));
  const typed = completions('model m {\n    Con|\n}\n');
  const conv = find(typed.items, 'Conv2D');
  assert.ok(conv?.replace);
  assert.equal(typed.text.slice(conv.replace.start.offset, conv.replace.end.offset), 'Con');
  // Before an existing `(`, only the name is inserted.
  assert.equal(accept('model m {\n    Con|(32, 3)\n}\n', 'Conv2D'), 'model m {\n    Conv2D(32, 3)\n}\n');
});

test('inside a call: the arguments not yet given, as name=', () => {
  const items = labels('model m {\n    Conv2D(32, |');
  assert.ok(items.includes('padding='));
  assert.ok(items.includes('activation='));
  assert.ok(items.includes('strides='));
  const given = labels("model m {\n    Conv2D(32, 3, activation='relu', |)\n}\n");
  assert.ok(!given.includes('activation='), 'activation is already given');
  assert.ok(given.includes('padding='));
  const arg = find(completions('model m {\n    Conv2D(32, |').items, 'padding=');
  assert.equal(arg?.kind, 'argument');
  assert.equal(arg?.retrigger, true);
  assert.match(arg?.detail ?? '', /'valid' \| 'same' = 'valid'/);
});

test('inside a call: an argument given by position is not offered again, nor preselected', () => {
  const half = completions('model m {\n    Input(shape=(28, 28, 1))\n    Conv2D(32, |').items;
  assert.ok(!half.some((i) => i.label === 'filters='), '32 fills filters');
  assert.equal(half[0]?.label, 'kernel_size=', 'the next parameter comes first');
  assert.ok(!half.some((i) => i.preselect));
  const two = labels("model m {\n    Conv2D(32, (3, 3), |, activation='relu')\n}\n");
  for (const filled of ['filters=', 'kernel_size=', 'activation=']) assert.ok(!two.includes(filled), filled);
  assert.ok(two.includes('strides='));
  // Optimizers bind the same way: Adam(0.01, |) has its learning_rate.
  const adam = labels('compile {\n    optimizer: Adam(0.01, |)\n}\n');
  assert.ok(!adam.includes('learning_rate='));
  assert.ok(adam.includes('beta_1='));
  // The argument being written is still offered: Conv2D(fil| completes to filters=.
  assert.ok(labels('model m {\n    Conv2D(fil|)\n}\n').includes('filters='));
});

test('after name=: the values of that argument', () => {
  const activations = labels('model m {\n    Dense(10, activation=|');
  for (const a of ["'relu'", "'softmax'", "'sigmoid'", "'tanh'", "'gelu'"]) assert.ok(activations.includes(a), a);
  assert.deepEqual(labels('model m {\n    Conv2D(8, 3, padding=|)\n}\n').sort(), ["'same'", "'valid'"]);
  // …and the search space of its type, after them (LANGUAGE.md, "Search spaces and the tune block").
  assert.deepEqual(labels('model m {\n    Dense(4, use_bias=|)\n}\n'), ['True', 'False', 'Boolean()']);
  assert.ok(labels('model m {\n    Dense(4, kernel_initializer=|)\n}\n').includes("'he_normal'"));
  // A quoted word being typed is replaced whole.
  assert.equal(
    accept("model m {\n    Dense(4, activation='re|')\n}\n", "'relu'"),
    "model m {\n    Dense(4, activation='relu')\n}\n",
  );
  // Quoted values match what is typed, with or without the opening quote.
  assert.equal(find(completions('model m {\n    Dense(4, activation=re|)\n}\n').items, "'relu'")?.filterText, 'relu');
  assert.equal(
    find(completions("model m {\n    Dense(4, activation='re|)\n}\n").items, "'relu'")?.filterText,
    "'relu'",
  );
  // A positional slot offers its values too: Activation's first argument.
  assert.ok(labels('model m {\n    Activation(|)\n}\n').includes("'relu'"));
});

test("units of the last layer: the data's class count, preselected", () => {
  const text = 'model m {\n    Flatten()\n    Dense(|)\n}\ndata {\n    train: mnist\n}\n';
  const ten = find(completions(text).items, '10');
  assert.equal(ten?.preselect, true);
  const keyword = find(
    completions('model m {\n    Flatten()\n    Dense(units=|)\n}\ndata {\n    train: digits\n}\n').items,
    '10',
  );
  assert.equal(keyword?.preselect, true);
  // Not for a layer that is not the last.
  assert.equal(
    find(completions('model m {\n    Dense(|)\n    Dense(10)\n}\ndata {\n    train: mnist\n}\n').items, '10'),
    undefined,
  );
});

test('top level: the blocks not yet in the file, as snippets', () => {
  const { items } = completions('|');
  assert.deepEqual(
    items.map((i) => i.label),
    ['model', 'compile', 'data', 'fit', 'tune'],
  );
  assert.equal(find(items, 'model')?.insertText, 'model ${1:name} {\n\t$0\n}');
  assert.match(find(items, 'compile')?.insertText ?? '', /loss: \$\{1:'categorical_crossentropy'\}/);
  assert.deepEqual(labels('model m {\n  Dense(1)\n}\nfi|'), ['compile', 'data', 'fit', 'tune']);
});

test('inside compile/data/fit: the settings not yet written, as key: ', () => {
  const items = completions("compile {\n    loss: 'mse'\n    |\n}\n").items;
  assert.deepEqual(
    items.map((i) => i.label),
    ['optimizer', 'metrics'],
  );
  assert.equal(items[0].insertText, 'optimizer: ');
  assert.equal(items[0].retrigger, true);
  assert.ok(labels('fit {\n    |\n}\n').includes('callbacks'));
  assert.ok(labels('data {\n    tr|\n}\n').includes('train'));
});

test('after key: the values of that setting', () => {
  const losses = labels('compile {\n    loss: |\n}\n');
  for (const l of ["'categorical_crossentropy'", "'sparse_categorical_crossentropy'", "'mse'", "'binary_crossentropy'"])
    assert.ok(losses.includes(l), l);
  const optimizers = completions('compile {\n    optimizer: |\n}\n').items;
  assert.ok(find(optimizers, "'adam'"));
  assert.equal(find(optimizers, 'Adam(…)')?.insertText, 'Adam(learning_rate=${1:0.001})');
  const metrics = labels('compile {\n    metrics: [|]\n}\n');
  assert.ok(metrics.includes("'accuracy'") && metrics.includes("'precision'"));
  const datasets = completions('data {\n    train: |\n}\n').items;
  for (const d of ['digits', 'mnist', 'fashion_mnist']) assert.equal(find(datasets, d)?.kind, 'dataset');
  assert.equal(find(datasets, 'csv(…)')?.insertText, "csv(${1:'path'}, label=${2:'label'})");
  assert.ok(labels('fit {\n    callbacks: [|\n}\n').includes('EarlyStopping(…)'));
  assert.ok(labels('data {\n    augment: |\n}\n').includes('ImageDataGenerator(…)'));
  assert.deepEqual(labels('fit {\n    backend: |\n}\n'), ["'auto'", "'tfjs'", "'torch'"]);
  // Inside a nested call, its own arguments.
  assert.ok(labels('fit {\n    callbacks: [EarlyStopping(|)]\n}\n').includes('patience='));
  assert.ok(labels('compile {\n    optimizer: Adam(|)\n}\n').includes('learning_rate='));
});

test('resolve fills in the documentation of values, calls and arguments', () => {
  assert.match(resolveCompletion({ kind: 'value', name: 'relu', owner: 'activation' }) ?? '', /Rectified linear unit/);
  assert.match(
    resolveCompletion({ kind: 'function', name: 'Adam', owner: 'optimizer' }) ?? '',
    /```python\nAdam\(learning_rate=0\.001/,
  );
  assert.match(
    resolveCompletion({ kind: 'function', name: 'ImageDataGenerator', owner: 'augmentation' }) ?? '',
    /rotation_range=0/,
  );
  assert.match(resolveCompletion({ kind: 'argument', name: 'padding', owner: 'Conv2D' }) ?? '', /`padding='valid'`/);
  assert.equal(resolveCompletion({ kind: 'value', name: 'relu', owner: 'no-such-table' }), undefined);
  assert.equal(resolveCompletion({ kind: 'layer', name: 'NoSuchLayer' }), undefined);
});

test('for a client without snippets or the retrigger command: plain, useful text', () => {
  const plain = { snippets: false, retrigger: false };
  const at = (marked: string) => {
    const { text, pos } = withCursor(marked);
    return complete(analyzed(text), pos, plain);
  };
  const places = [
    'model m {\n    |\n}\n',
    'model m {\n    Conv2D(32, |',
    'compile {\n    |\n}\n',
    'compile {\n    optimizer: |\n}\n',
    'data {\n    train: |\n}\n',
    'fit {\n    callbacks: [|\n}\n',
    'data {\n    augment: |\n}\n',
    '|',
  ];
  for (const marked of places) {
    const items = at(marked);
    assert.ok(items.length > 0, marked);
    for (const i of items) {
      assert.ok(!i.snippet, `${i.label} at ${JSON.stringify(marked)} is a snippet`);
      assert.doesNotMatch(i.insertText ?? i.label, /\$\{|\$\d/, `${i.label} at ${JSON.stringify(marked)}`);
      assert.ok(!i.retrigger, `${i.label} retriggers`);
    }
  }
  const layers = at('model m {\n    |\n}\n');
  assert.equal(find(layers, 'Dense')?.insertText, 'Dense(', 'opened: its units come next');
  assert.equal(find(layers, 'Flatten')?.insertText, 'Flatten()', 'nothing to write: whole');
  assert.equal(find(at('compile {\n    optimizer: |\n}\n'), 'Adam(…)')?.insertText, 'Adam()');
  assert.equal(find(at('data {\n    train: |\n}\n'), 'csv(…)')?.insertText, 'csv(');
  assert.equal(find(at('fit {\n    callbacks: [|\n}\n'), 'EarlyStopping(…)')?.insertText, 'EarlyStopping()');
  const blocks = at('|');
  assert.equal(find(blocks, 'model')?.insertText, 'model ');
  assert.equal(
    find(blocks, 'compile')?.insertText,
    "compile {\n    loss: 'categorical_crossentropy'\n    optimizer: 'adam'\n    metrics: ['accuracy']\n}",
  );
  assert.equal(find(at('compile {\n    |\n}\n'), 'loss')?.insertText, 'loss: ', 'plain entries are unchanged');
  // Snippets but no retrigger command (an editor that is not VS Code): snippets stay.
  const { text, pos } = withCursor('model m {\n    |\n}\n');
  const snippets = complete(analyzed(text), pos, { snippets: true, retrigger: false });
  assert.equal(find(snippets, 'Dense')?.insertText, 'Dense(${1:units})');
});

test('nothing is offered where nothing fits', () => {
  assert.deepEqual(labels('model m {\n    Dense(10|)\n}\n'), []);
  assert.deepEqual(labels("compile {\n    loss: 'mse' |\n}\n"), []);
  assert.deepEqual(labels('model m {\n    # a Den|\n}\n'), [], 'not in comments');
});

test('completion on a 2,000-layer file answers in well under 10 ms', () => {
  const layers = Array.from({ length: 2000 }, (_, i) => `    Dense(${(i % 50) + 1}, activation='relu')`).join('\n');
  const { text, pos } = withCursor(`model big {\n    Input(shape=(32,))\n${layers}\n    Dense(10, activation=|)\n}\n`);
  const analysis = analyzed(text);
  complete(analysis, pos);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const items = complete(analysis, pos);
    times.push(performance.now() - t0);
    assert.ok(items.length > 10);
  }
  times.sort((a, b) => a - b);
  assert.ok(times[10] < 10, `median ${times[10].toFixed(2)} ms`);
});
