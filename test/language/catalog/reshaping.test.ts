// Reshaping layers: element counts, -1 inference, axis permutations, padding and cropping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../../../language/catalog';
import { paramsOf, shapeOf } from './helpers';

const isShapeError = (code: string, pattern?: RegExp) => (e: unknown) =>
  e instanceof ShapeError && e.code === code && (!pattern || pattern.test(e.message));

test('Flatten multiplies the axes', () => {
  assert.deepEqual(shapeOf('Flatten', {}, [12, 12, 64]), [9216]);
  assert.deepEqual(shapeOf('Flatten', {}, [784]), [784]);
  assert.deepEqual(shapeOf('Flatten', {}, [null, 3]), [null]);
  assert.equal(paramsOf('Flatten', {}, [12, 12, 64]).trainable, 0);
});

test('Reshape keeps the element count', () => {
  assert.deepEqual(shapeOf('Reshape', { target_shape: [28, 28, 1] }, [784]), [28, 28, 1]);
  assert.deepEqual(shapeOf('Reshape', { target_shape: [-1, 7] }, [28, 2]), [8, 7]); // 56 / 7
  assert.deepEqual(shapeOf('Reshape', { target_shape: [4, -1, 2] }, [6, 4]), [4, 3, 2]); // 24 / 8
});

test('Reshape to a different element count is shape-mismatch naming both counts', () => {
  assert.throws(
    () => shapeOf('Reshape', { target_shape: [7, 7, 32] }, [26, 26, 1]),
    isShapeError(
      'shape-mismatch',
      /^Reshape to \(7, 7, 32\) needs 1568 elements but the input \(None, 26, 26, 1\) has 676; /,
    ),
  );
  assert.throws(
    () => shapeOf('Reshape', { target_shape: [-1, 7] }, [26, 26, 1]),
    isShapeError('shape-mismatch', /multiple of 7.*676/),
  );
  assert.throws(() => shapeOf('Reshape', { target_shape: [-1, -1] }, [4, 4]), isShapeError('shape-mismatch', /-1/));
  assert.throws(() => shapeOf('Reshape', { target_shape: [0, 4] }, [4, 4]), isShapeError('shape-nonpositive'));
});

test('Reshape of an input with an unknown size cannot check, and infers None', () => {
  assert.deepEqual(shapeOf('Reshape', { target_shape: [-1, 2] }, [null, 4]), [null, 2]);
});

test('Permute reorders axes counted from 1', () => {
  assert.deepEqual(shapeOf('Permute', { dims: [2, 1] }, [10, 64]), [64, 10]);
  assert.deepEqual(shapeOf('Permute', { dims: [3, 1, 2] }, [5, 6, 7]), [7, 5, 6]);
  assert.throws(() => shapeOf('Permute', { dims: [1, 3] }, [10, 64]), isShapeError('shape-mismatch'));
  assert.throws(() => shapeOf('Permute', { dims: [1] }, [10, 64]), isShapeError('shape-rank'));
});

test('RepeatVector turns (F) into (n, F)', () => {
  assert.deepEqual(shapeOf('RepeatVector', { n: 3 }, [32]), [3, 32]);
  assert.throws(() => shapeOf('RepeatVector', { n: 3 }, [4, 32]), isShapeError('shape-rank'));
});

test('UpSampling multiplies the spatial axes by size', () => {
  assert.deepEqual(shapeOf('UpSampling1D', {}, [10, 4]), [20, 4]);
  assert.deepEqual(shapeOf('UpSampling2D', {}, [7, 7, 16]), [14, 14, 16]);
  assert.deepEqual(shapeOf('UpSampling2D', { size: [3, 1] }, [7, 7, 16]), [21, 7, 16]);
  assert.deepEqual(shapeOf('UpSampling3D', { size: 2 }, [2, 3, 4, 1]), [4, 6, 8, 1]);
});

test('ZeroPadding adds before + after on each axis', () => {
  assert.deepEqual(shapeOf('ZeroPadding1D', {}, [10, 4]), [12, 4]); // default 1 each side
  assert.deepEqual(shapeOf('ZeroPadding1D', { padding: [2, 3] }, [10, 4]), [15, 4]);
  assert.deepEqual(shapeOf('ZeroPadding2D', {}, [28, 28, 1]), [30, 30, 1]);
  assert.deepEqual(shapeOf('ZeroPadding2D', { padding: [1, 2] }, [28, 28, 1]), [30, 32, 1]); // symmetric per axis
  assert.deepEqual(
    shapeOf(
      'ZeroPadding2D',
      {
        padding: [
          [1, 0],
          [2, 3],
        ],
      },
      [28, 28, 1],
    ),
    [29, 33, 1],
  );
  assert.deepEqual(shapeOf('ZeroPadding3D', { padding: 2 }, [4, 4, 4, 1]), [8, 8, 8, 1]);
});

test('Cropping removes before + after, and cropping everything is shape-nonpositive', () => {
  assert.deepEqual(shapeOf('Cropping1D', {}, [10, 4]), [8, 4]); // default (1, 1)
  assert.deepEqual(shapeOf('Cropping2D', {}, [28, 28, 1]), [28, 28, 1]); // default ((0, 0), (0, 0))
  assert.deepEqual(
    shapeOf(
      'Cropping2D',
      {
        cropping: [
          [2, 2],
          [4, 4],
        ],
      },
      [28, 28, 1],
    ),
    [24, 20, 1],
  );
  assert.deepEqual(shapeOf('Cropping3D', {}, [4, 5, 6, 1]), [2, 3, 4, 1]); // default 1 each side
  assert.throws(
    () => shapeOf('Cropping2D', { cropping: 3 }, [6, 10, 1]),
    isShapeError('shape-nonpositive', /3 \+ 3 from height 6, leaving 0/),
  );
});
