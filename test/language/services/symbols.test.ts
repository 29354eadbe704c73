import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentSymbols } from '../../../language/services/symbols';
import { analyzed, DIGITS_CNN } from './helpers';

test('the outline holds the model with its Keras-named layers, then the settings blocks', () => {
  const symbols = documentSymbols(analyzed(DIGITS_CNN));
  assert.deepEqual(
    symbols.map((s) => [s.name, s.kind, s.detail]),
    [
      ['digits_cnn', 'model', '1,199,882 params'],
      ['compile', 'block', undefined],
      ['data', 'block', undefined],
      ['fit', 'block', undefined],
    ],
  );
  const layers = symbols[0].children;
  assert.deepEqual(
    layers.slice(0, 2).map((l) => [l.name, l.detail, l.kind]),
    [
      ['conv2d', 'Conv2D → (None, 26, 26, 32)', 'layer'],
      ['conv2d_1', 'Conv2D → (None, 24, 24, 64)', 'layer'],
    ],
  );
  assert.equal(layers[layers.length - 1].name, 'dense_1');
  assert.equal(layers.length, 8, 'Input is not a layer row');
  // The selection range is the layer's name in the source.
  assert.equal(layers[0].selectionRange.start.line, 2);
  assert.equal(DIGITS_CNN.slice(layers[0].selectionRange.start.offset, layers[0].selectionRange.end.offset), 'Conv2D');

  const compile = symbols[1].children;
  assert.deepEqual(
    compile.map((c) => [c.name, c.detail]),
    [
      ['loss', "'categorical_crossentropy'"],
      ['optimizer', 'Adadelta(learning_rate=1.0)'],
      ['metrics', "['accuracy']"],
    ],
  );
});

test('an incomplete model still has an outline (no totals, layer names as far as known)', () => {
  const symbols = documentSymbols(analyzed(`model broken {\n  Dense(\n`));
  assert.equal(symbols[0].name, 'broken');
  assert.equal(symbols[0].detail, undefined);
});

test('an application is one outline entry, detailed with the output of its last layer', () => {
  const symbols = documentSymbols(
    analyzed(`model m {\n  VGG16(include_top=False, input_shape=(64, 64, 3))\n  Flatten()\n}\n`),
  );
  assert.deepEqual(
    symbols[0].children.map((c) => [c.name, c.detail]),
    [
      ['VGG16', 'VGG16 → (None, 2, 2, 512)'],
      ['flatten', 'Flatten → (None, 2048)'],
    ],
  );
});
