// A run's hyperparameters (TensorBoard's HParams, `modelspec runs`): the optimizer and its
// arguments, batch_size, epochs, and the layer arguments the catalog marks as hyperparameters
// (ArgSpec.hyperparameter), read from the lowered model as the RunSpec carries it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../language/analysis/analyze';
import { allLayers } from '../../language/catalog';
import { lowerModel } from '../../language/lowering';
import type { RunSpec } from '../../training/protocol';
import { runHyperparameters } from '../../training/run-hyperparameters';

const MODEL = `model m {
    Input(shape=(28, 28, 1))
    Conv2D(8, (3, 3), activation='relu', padding='same')
    MaxPooling2D(2)
    Flatten()
    Dropout(0.25)
    Dense(16, activation='relu', use_bias=false)
    Dense(10, activation='softmax')
}
`;

test("a layer's hyperparameters are the arguments the catalog marks, by <layer name>.<argument>", () => {
  const model = analyze(MODEL).model;
  assert.ok(model);
  const hp = runHyperparameters({
    model: lowerModel(model),
    compile: {
      loss: 'categorical_crossentropy',
      optimizer: { name: 'Adam', args: { learning_rate: 0.01 } },
      metrics: [],
    },
    // runHyperparameters reads only these two of the fit settings.
    fit: { epochs: 3, batchSize: 32 } as RunSpec['fit'],
  });
  assert.equal(hp.optimizer, 'Adam');
  assert.equal(hp.learning_rate, 0.01);
  assert.equal(hp.batch_size, 32);
  assert.equal(hp.epochs, 3);
  assert.equal(hp['conv2d.filters'], 8);
  assert.equal(hp['conv2d.kernel_size'], '(3, 3)');
  assert.equal(hp['conv2d.padding'], 'same');
  assert.equal(hp['conv2d.activation'], 'relu');
  assert.equal(hp['max_pooling2d.pool_size'], '(2, 2)');
  assert.equal(hp['dropout.rate'], 0.25);
  assert.equal(hp['dense.units'], 16);
  assert.equal(hp['dense_1.activation'], 'softmax');
  // Arguments a search does not vary stay out, so the comparison stays readable.
  for (const key of Object.keys(hp)) assert.doesNotMatch(key, /use_bias|initializer|trainable|dtype|data_format/);
});

test('the catalog marks the arguments KerasTuner searches usually vary, and only those', () => {
  const marked = new Set(allLayers().flatMap((l) => l.args.filter((a) => a.hyperparameter).map((a) => a.name)));
  assert.deepEqual([...marked].sort(), [
    'activation',
    'dilation_rate',
    'filters',
    'groups',
    'kernel_size',
    'l1',
    'l2',
    'output_dim',
    'padding',
    'pool_size',
    'rate',
    'return_sequences',
    'strides',
    'units',
  ]);
});
