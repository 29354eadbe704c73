import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readableMemorySize, summaryJson, summaryTable } from '../../../language/services/summary';
import { analyzed } from './helpers';
import { LANGUAGE_EXAMPLE } from '../../helpers/language-example';

// Keras's examples/vision/mnist_convnet-style mnist_cnn (the classic Keras 2 example).
// Named `sequential`, as Keras names a Sequential built without a name.
const MNIST_CNN = LANGUAGE_EXAMPLE.slice(
  LANGUAGE_EXAMPLE.indexOf('model '),
  LANGUAGE_EXAMPLE.indexOf('}\n') + 2,
).replace('model digits_cnn', 'model sequential');

// What Keras 3 prints for model.summary() of that model.
const KERAS_SUMMARY = `Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 26, 26, 32)     │           320 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 24, 24, 64)     │        18,496 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 12, 12, 64)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 12, 12, 64)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 9216)           │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 128)            │     1,179,776 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout_1 (Dropout)             │ (None, 128)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 1,199,882 (4.58 MB)
 Trainable params: 1,199,882 (4.58 MB)
 Non-trainable params: 0 (0.00 B)`;

test('the summary table of mnist_cnn is Keras 3 model.summary() verbatim', () => {
  const model = analyzed(MNIST_CNN).model;
  assert.ok(model);
  assert.equal(summaryTable(model), KERAS_SUMMARY);
});

test('a column widens for a long layer name instead of breaking the box', () => {
  const model = analyzed(
    `model m {\n  Input(shape=(4,))\n  Dense(2, name='a_very_long_layer_name_for_the_table')\n}\n`,
  ).model;
  assert.ok(model);
  const lines = summaryTable(model).split('\n').slice(1, -3);
  const widths = new Set(lines.map((l) => l.length));
  assert.equal(widths.size, 1, 'every line of the box has the same width');
  assert.match(summaryTable(model), /│ a_very_long_layer_name_for_the_table \(Dense\) │/);
});

test('memory sizes are Keras readable_memory_size: base 1024, two decimals', () => {
  assert.equal(readableMemorySize(0), '0.00 B');
  assert.equal(readableMemorySize(1199882 * 4), '4.58 MB');
  assert.equal(readableMemorySize(1023), '1023.00 B');
  assert.equal(readableMemorySize(1024), '1.00 KB');
  assert.equal(readableMemorySize(138357544 * 4), '527.79 MB');
});

test('summaryJson lists Keras-named rows without the Input, with batch axes as null', () => {
  const model = analyzed(MNIST_CNN).model;
  assert.ok(model);
  const json = summaryJson(model);
  assert.deepEqual(json.input_shape, [null, 28, 28, 1]);
  assert.equal(json.layers.length, 8);
  assert.deepEqual(json.layers[0], {
    name: 'conv2d',
    class_name: 'Conv2D',
    output_shape: [null, 26, 26, 32],
    params: 320,
    trainable_params: 320,
  });
  assert.deepEqual(
    json.layers.map((l) => l.name),
    ['conv2d', 'conv2d_1', 'max_pooling2d', 'dropout', 'flatten', 'dense', 'dropout_1', 'dense_1'],
  );
  assert.equal(json.total_params, 1199882);
  assert.equal(json.trainable_params, 1199882);
  assert.equal(json.non_trainable_params, 0);
});

test('non-trainable parameters (BatchNormalization moving statistics) are counted apart', () => {
  const model = analyzed(`model m {\n  Input(shape=(8,))\n  BatchNormalization()\n}\n`).model;
  assert.ok(model);
  const table = summaryTable(model);
  assert.match(table, / Total params: 32 \(128\.00 B\)/);
  assert.match(table, / Trainable params: 16 \(64\.00 B\)/);
  assert.match(table, / Non-trainable params: 16 \(64\.00 B\)/);
});
