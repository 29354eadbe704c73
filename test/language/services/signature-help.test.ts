import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signatureHelp } from '../../../language/services/signature-help';
import { analyzed, withCursor } from './helpers';

function help(marked: string) {
  const { text, pos } = withCursor(marked);
  return signatureHelp(analyzed(text), pos);
}

/** The parameter text the active parameter highlights in the label. */
function active(marked: string): string | undefined {
  const s = help(marked);
  if (!s) return undefined;
  const p = s.parameters[s.activeParameter];
  return p ? s.label.slice(p.label[0], p.label[1]) : '(none)';
}

test('the label is the Keras signature with a span per parameter', () => {
  const s = help('model m {\n  Conv2D(|\n}\n');
  assert.ok(s);
  assert.match(s.label, /^Conv2D\(filters, kernel_size, strides=\(1, 1\), padding='valid', /);
  assert.equal(s.label.slice(s.parameters[0].label[0], s.parameters[0].label[1]), 'filters');
  assert.equal(s.label.slice(s.parameters[3].label[0], s.parameters[3].label[1]), "padding='valid'");
  assert.match(s.documentation, /convolution/i);
});

test('base-layer arguments (name=, trainable=, …) appear only when written or being typed', () => {
  const plain = help('model m {\n  Dense(|)\n}\n');
  assert.ok(plain);
  assert.match(plain.label, /bias_constraint=None, …\)$/);
  assert.doesNotMatch(plain.label, /trainable/);
  assert.equal(plain.parameters.length, plain.label.split('=').length, 'one span per shown parameter');
  assert.equal(active('model m {\n  Dense(4, trainable=|)\n}\n'), 'trainable=True');
  assert.equal(active('model m {\n  Dense(4, na|)\n}\n'), 'name=None');
  // Input's own name= and dtype= are not hidden.
  assert.match(
    help('model m {\n  Input(|)\n}\n')?.label ?? '',
    /^Input\(shape, batch_size=None, dtype=None, sparse=None, name=None\)$/,
  );
});

test('the active parameter follows positional arguments', () => {
  assert.equal(active('model m {\n  Conv2D(|\n}\n'), 'filters');
  assert.equal(active('model m {\n  Conv2D(32, |\n}\n'), 'kernel_size');
  assert.equal(active('model m {\n  Conv2D(32, (3, |3))\n}\n'), 'kernel_size');
  assert.equal(active('model m {\n  Conv2D(32, (3, 3), |)\n}\n'), 'strides=(1, 1)');
});

test('a keyword argument, written or being typed, is the active one', () => {
  assert.equal(active('model m {\n  Conv2D(32, 3, activation=|)\n}\n'), 'activation=None');
  assert.equal(active('model m {\n  Conv2D(32, 3, padd|)\n}\n'), "padding='valid'");
  assert.equal(active("model m {\n  Dense(10, activation='re|lu')\n}\n"), 'activation=None');
});

test('nested calls: optimizers, callbacks, sources, ImageDataGenerator, wrapped layers, initializers', () => {
  assert.equal(help('compile {\n  optimizer: Adam(|)\n}\n')?.label.startsWith('Adam(learning_rate=0.001'), true);
  assert.equal(active('compile {\n  optimizer: SGD(0.1, |)\n}\n'), 'momentum=0');
  assert.equal(active('fit {\n  callbacks: [EarlyStopping(patience=|)]\n}\n'), 'patience=0');
  assert.equal(active("data {\n  train: csv('a.csv', |)\n}\n"), 'label=None');
  assert.equal(active('data {\n  augment: ImageDataGenerator(rotation_range=|)\n}\n'), 'rotation_range=0');
  assert.match(help('model m {\n  Bidirectional(LSTM(|))\n}\n')?.label ?? '', /^LSTM\(units/);
  assert.match(
    help('model m {\n  Dense(4, kernel_initializer=RandomNormal(|))\n}\n')?.label ?? '',
    /^RandomNormal\(mean=0, stddev=0.05/,
  );
});

test('outside any call there is no signature', () => {
  assert.equal(help('model m {\n  Dense(10)|\n}\n'), undefined);
  assert.equal(help('|model m {\n}\n'), undefined);
  assert.equal(help('compile {\n  loss: |\n}\n'), undefined);
});
