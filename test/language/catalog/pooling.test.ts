// Pooling: strides default to pool_size; valid drops partial windows, same keeps ceil(L / s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, ShapeError } from '../../../language/catalog';
import { context, paramsOf, shapeOf } from './helpers';

const isShapeError = (code: string, pattern?: RegExp) => (e: unknown) =>
  e instanceof ShapeError && e.code === code && (!pattern || pattern.test(e.message));

test('MaxPooling2D: strides default to pool_size', () => {
  assert.deepEqual(shapeOf('MaxPooling2D', {}, [24, 24, 64]), [12, 12, 64]); // pool 2: floor((24-2)/2)+1
  assert.deepEqual(shapeOf('MaxPooling2D', { pool_size: 3 }, [10, 10, 4]), [3, 3, 4]); // ceil((10-3+1)/3)
  assert.deepEqual(shapeOf('MaxPooling2D', { pool_size: [2, 2] }, [7, 7, 4]), [3, 3, 4]); // partial window dropped
  assert.deepEqual(paramsOf('MaxPooling2D', {}, [24, 24, 64]), { trainable: 0, nonTrainable: 0 });
});

test('MaxPooling2D same padding and explicit strides', () => {
  assert.deepEqual(shapeOf('MaxPooling2D', { padding: 'same' }, [7, 7, 4]), [4, 4, 4]); // ceil(7/2)
  assert.deepEqual(shapeOf('MaxPooling2D', { pool_size: 3, strides: 1 }, [10, 10, 4]), [8, 8, 4]);
  assert.deepEqual(shapeOf('MaxPooling2D', { pool_size: 3, strides: 2 }, [10, 10, 4]), [4, 4, 4]); // ceil(8/2)
});

test('Pooling a window larger than the input is shape-nonpositive', () => {
  assert.throws(
    () => shapeOf('MaxPooling2D', {}, [1, 1, 64]),
    isShapeError(
      'shape-nonpositive',
      /^Use padding='same' or a smaller pool_size on MaxPooling2D: with pool_size \(2, 2\) and padding 'valid' it needs at least 2×2 input, but gets 1×1$/,
    ),
  );
  assert.deepEqual(shapeOf('MaxPooling2D', { padding: 'same' }, [1, 1, 64]), [1, 1, 64]);
});

test('Pooling 1D and 3D', () => {
  assert.deepEqual(shapeOf('MaxPooling1D', {}, [100, 8]), [50, 8]);
  assert.deepEqual(shapeOf('AveragePooling1D', { pool_size: 4, strides: 2 }, [100, 8]), [49, 8]); // (100-4)/2+1
  assert.deepEqual(shapeOf('MaxPooling3D', {}, [8, 9, 10, 3]), [4, 4, 5, 3]);
  assert.deepEqual(shapeOf('AveragePooling3D', { pool_size: [1, 2, 2] }, [8, 8, 8, 3]), [8, 4, 4, 3]);
  assert.deepEqual(shapeOf('AveragePooling2D', {}, [6, 6, 3]), [3, 3, 3]);
});

test('Pooling checks its rank', () => {
  assert.throws(() => shapeOf('MaxPooling2D', {}, [784]), isShapeError('shape-rank'));
  assert.throws(() => shapeOf('MaxPooling1D', {}, [28, 28, 1]), isShapeError('shape-rank'));
});

test('Global pooling reduces every spatial axis; keepdims keeps them as 1', () => {
  assert.deepEqual(shapeOf('GlobalAveragePooling2D', {}, [7, 7, 512]), [512]);
  assert.deepEqual(shapeOf('GlobalMaxPooling2D', { keepdims: true }, [7, 7, 512]), [1, 1, 512]);
  assert.deepEqual(shapeOf('GlobalMaxPooling1D', {}, [100, 16]), [16]);
  assert.deepEqual(shapeOf('GlobalAveragePooling3D', {}, [4, 4, 4, 8]), [8]);
  assert.throws(() => shapeOf('GlobalAveragePooling2D', {}, [100, 16]), isShapeError('shape-rank'));
});

test('The Keras config of a pooling layer carries the resolved strides', () => {
  const spec = getLayer('MaxPooling2D')!;
  const config = spec.toKeras(context('MaxPooling2D', { pool_size: 3 }, [9, 9, 1]), 'max_pooling2d').config;
  assert.deepEqual(config.pool_size, [3, 3]);
  assert.deepEqual(config.strides, [3, 3]);
  assert.equal(config.padding, 'valid');
  assert.equal(config.data_format, 'channels_last');
});
