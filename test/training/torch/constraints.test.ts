// Keras applies each weight's constraint after every optimizer update; the PyTorch engine must
// too (kernel_constraint=NonNeg(), MaxNorm(...)), not ignore them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SKIP, dense, layer, mlpSpec, pythonEval, tempDir, train } from './helpers';

test('NonNeg and MaxNorm kernel constraints hold on the trained weights', { skip: SKIP }, async () => {
  const dir = tempDir();
  const spec = mlpSpec(dir, { n: 200 });
  spec.model.config.layers = [
    layer('InputLayer', { name: 'input', batch_shape: [null, 8] }),
    dense('dense', 16, 'relu', { kernel_constraint: { class_name: 'NonNeg', config: {} } }),
    dense('dense_1', 3, 'softmax', {
      kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 0.5, axis: 0 } },
    }),
  ];
  spec.fit.epochs = 1;
  spec.fit.mixedPrecision = false;
  const { status, stderr } = train(dir, spec);
  assert.equal(status, 0, stderr);
  const out = await pythonEval(`
import numpy as np
a = np.load(${JSON.stringify(join(spec.runDir, 'keras_weights.npz'))})
k0, k1 = a['arr_0'], a['arr_2']
print(float(k0.min()), float(np.sqrt((k1.astype(np.float64) ** 2).sum(0)).max()), int((k0 > 0).sum()))
`);
  const [min0, maxNorm1, positive] = out.trim().split(' ').map(Number);
  assert.ok(min0! >= 0, `NonNeg kernel has a negative weight: ${min0}`);
  assert.ok(positive! > 0, 'the NonNeg kernel is not all zeros');
  assert.ok(maxNorm1! <= 0.5 + 1e-5, `MaxNorm(0.5) column norm is ${maxNorm1}`);
});
