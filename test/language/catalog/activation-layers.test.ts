// Activation layers; only PReLU has weights (one alpha per element, shared along shared_axes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, ShapeError, withDefaults } from '../../../language/catalog';
import { context, paramsOf, shapeOf } from './helpers';

test('ReLU, LeakyReLU, ELU, Softmax keep the shape and have no weights', () => {
  for (const name of ['ReLU', 'LeakyReLU', 'ELU', 'Softmax']) {
    assert.deepEqual(shapeOf(name, {}, [26, 26, 32]), [26, 26, 32], name);
    assert.equal(paramsOf(name, {}, [26, 26, 32]).trainable, 0, name);
  }
});

test('PReLU: one alpha per element by default, shared along shared_axes', () => {
  assert.deepEqual(paramsOf('PReLU', {}, [26, 26, 32]), { trainable: 26 * 26 * 32, nonTrainable: 0 });
  assert.deepEqual(paramsOf('PReLU', { shared_axes: [1, 2] }, [26, 26, 32]), { trainable: 32, nonTrainable: 0 });
  assert.deepEqual(paramsOf('PReLU', {}, [64]), { trainable: 64, nonTrainable: 0 });
  assert.throws(
    () => shapeOf('PReLU', { shared_axes: [4] }, [26, 26, 32]),
    (e: unknown) => e instanceof ShapeError && e.code === 'shape-rank',
  );
});

test('LeakyReLU: negative_slope defaults to 0.3 and Keras 2 alpha is its alias', () => {
  const spec = getLayer('LeakyReLU')!;
  assert.equal(withDefaults(spec, {}).negative_slope, 0.3);
  assert.equal(withDefaults(spec, { alpha: 0.1 }).negative_slope, 0.1);
  assert.equal(spec.toKeras(context('LeakyReLU', { alpha: 0.2 }, [4]), 'leaky_re_lu').config.negative_slope, 0.2);
});

test('Softmax axis must exist', () => {
  assert.throws(
    () => shapeOf('Softmax', { axis: 2 }, [10]),
    (e: unknown) => e instanceof ShapeError && e.code === 'shape-rank',
  );
  assert.deepEqual(shapeOf('Softmax', { axis: 1 }, [10]), [10]);
});
