// Convolutions: output shapes for each padding/stride/dilation combination and exact weights.
// Weights: ConvND k1·…·kN·(C/groups)·filters + filters; Conv2DTranspose kh·kw·filters·C + filters;
// SeparableConv2D kh·kw·C·dm + C·dm·filters + filters; DepthwiseConv2D kh·kw·C·dm + C·dm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../../../language/catalog';
import { paramsOf, runModel, shapeOf } from './helpers';

const isShapeError = (code: string, pattern?: RegExp) => (e: unknown) =>
  e instanceof ShapeError && e.code === code && (!pattern || pattern.test(e.message));

test('Conv2D valid: 28 - 3 + 1 = 26; 3·3·1·32 + 32 = 320 weights', () => {
  assert.deepEqual(shapeOf('Conv2D', { filters: 32, kernel_size: [3, 3] }, [28, 28, 1]), [26, 26, 32]);
  assert.deepEqual(paramsOf('Conv2D', { filters: 32, kernel_size: [3, 3] }, [28, 28, 1]), {
    trainable: 320,
    nonTrainable: 0,
  });
});

test('Conv2D: a scalar kernel_size means the same on both axes', () => {
  assert.deepEqual(shapeOf('Conv2D', { filters: 64, kernel_size: 3 }, [26, 26, 32]), [24, 24, 64]);
  assert.equal(paramsOf('Conv2D', { filters: 64, kernel_size: 3 }, [26, 26, 32]).trainable, 3 * 3 * 32 * 64 + 64); // 18,496
});

test('Conv2D same keeps the size; strides divide rounding up', () => {
  assert.deepEqual(shapeOf('Conv2D', { filters: 8, kernel_size: 3, padding: 'same' }, [28, 28, 1]), [28, 28, 8]);
  assert.deepEqual(
    shapeOf('Conv2D', { filters: 8, kernel_size: 3, padding: 'same', strides: 2 }, [27, 27, 1]),
    [14, 14, 8],
  ); // ceil(27/2)
  assert.deepEqual(shapeOf('Conv2D', { filters: 8, kernel_size: 3, strides: [2, 1] }, [28, 28, 1]), [13, 26, 8]); // ceil(26/2), 26
});

test('Conv2D non-square kernels and dilation', () => {
  assert.deepEqual(shapeOf('Conv2D', { filters: 4, kernel_size: [5, 3] }, [20, 10, 2]), [16, 8, 4]);
  assert.equal(paramsOf('Conv2D', { filters: 4, kernel_size: [5, 3] }, [20, 10, 2]).trainable, 5 * 3 * 2 * 4 + 4);
  // dilation 2: reach 3 + 2·1 = 5, so 28 - 5 + 1 = 24; weights do not change with dilation
  assert.deepEqual(shapeOf('Conv2D', { filters: 4, kernel_size: 3, dilation_rate: 2 }, [28, 28, 1]), [24, 24, 4]);
  assert.equal(
    paramsOf('Conv2D', { filters: 4, kernel_size: 3, dilation_rate: 2 }, [28, 28, 1]).trainable,
    3 * 3 * 1 * 4 + 4,
  );
});

test('Conv2D without bias and with groups', () => {
  assert.equal(
    paramsOf('Conv2D', { filters: 16, kernel_size: 3, use_bias: false }, [8, 8, 4]).trainable,
    3 * 3 * 4 * 16,
  );
  // groups=2: each group sees 4/2 channels: 3·3·2·16 + 16
  assert.equal(
    paramsOf('Conv2D', { filters: 16, kernel_size: 3, groups: 2 }, [8, 8, 4]).trainable,
    3 * 3 * 2 * 16 + 16,
  );
  assert.throws(
    () => shapeOf('Conv2D', { filters: 16, kernel_size: 3, groups: 3 }, [8, 8, 4]),
    isShapeError('shape-mismatch', /groups=3/),
  );
});

test('Conv2D kernel larger than its input: shape-nonpositive naming the sizes and the fix', () => {
  assert.throws(
    () => shapeOf('Conv2D', { filters: 8, kernel_size: 5 }, [3, 3, 1]),
    isShapeError(
      'shape-nonpositive',
      /^Use padding='same' or a smaller kernel on Conv2D: with kernel_size \(5, 5\) and padding 'valid' it needs at least 5×5 input, but gets 3×3$/,
    ),
  );
  // dilation counts: kernel 3 dilated 3 reaches 7
  assert.throws(
    () => shapeOf('Conv2D', { filters: 8, kernel_size: 3, dilation_rate: 3 }, [6, 6, 1]),
    isShapeError('shape-nonpositive', /dilation_rate \(3, 3\).*7×7/),
  );
  assert.deepEqual(shapeOf('Conv2D', { filters: 8, kernel_size: 5, padding: 'same' }, [3, 3, 1]), [3, 3, 8]);
});

test('Conv2D rejects strides > 1 with dilation_rate > 1, as Keras does', () => {
  assert.throws(
    () => shapeOf('Conv2D', { filters: 8, kernel_size: 3, strides: 2, dilation_rate: 2 }, [28, 28, 1]),
    isShapeError('shape-mismatch'),
  );
});

test('Conv2D needs a rank-3 input', () => {
  assert.throws(
    () => shapeOf('Conv2D', { filters: 8, kernel_size: 3 }, [784]),
    isShapeError('shape-rank', /^Add Reshape\(\(28, 28, 1\)\) before Conv2D: it expects a rank-3 input.*\(None, 784\)/),
  );
  assert.throws(() => shapeOf('Conv2D', { filters: 8, kernel_size: 3 }, [2, 28, 28, 1]), isShapeError('shape-rank'));
});

test('Conv2D on an unknown spatial size keeps it unknown but still counts weights', () => {
  assert.deepEqual(shapeOf('Conv2D', { filters: 8, kernel_size: 3 }, [null, null, 3]), [null, null, 8]);
  assert.equal(paramsOf('Conv2D', { filters: 8, kernel_size: 3 }, [null, null, 3]).trainable, 3 * 3 * 3 * 8 + 8);
  assert.throws(() => paramsOf('Conv2D', { filters: 8, kernel_size: 3 }, [5, 5, null]), isShapeError('shape-unknown'));
});

test('Conv1D: valid, same, causal, strides, dilation', () => {
  assert.deepEqual(shapeOf('Conv1D', { filters: 16, kernel_size: 3 }, [100, 8]), [98, 16]);
  assert.deepEqual(shapeOf('Conv1D', { filters: 16, kernel_size: 3, padding: 'same' }, [100, 8]), [100, 16]);
  assert.deepEqual(shapeOf('Conv1D', { filters: 16, kernel_size: 3, padding: 'causal' }, [100, 8]), [100, 16]);
  assert.deepEqual(shapeOf('Conv1D', { filters: 16, kernel_size: 3, strides: 3 }, [100, 8]), [33, 16]); // ceil(98/3)
  assert.deepEqual(shapeOf('Conv1D', { filters: 16, kernel_size: 3, dilation_rate: 4 }, [100, 8]), [92, 16]); // reach 9
  assert.equal(paramsOf('Conv1D', { filters: 16, kernel_size: 3 }, [100, 8]).trainable, 3 * 8 * 16 + 16);
  assert.throws(
    () => shapeOf('Conv1D', { filters: 16, kernel_size: 5 }, [3, 8]),
    isShapeError('shape-nonpositive', /needs at least 5 steps, but gets 3/),
  );
  assert.throws(() => shapeOf('Conv1D', { filters: 16, kernel_size: 3 }, [28, 28, 1]), isShapeError('shape-rank'));
});

test('Conv3D: three spatial axes', () => {
  assert.deepEqual(shapeOf('Conv3D', { filters: 8, kernel_size: 3 }, [16, 16, 16, 2]), [14, 14, 14, 8]);
  assert.deepEqual(
    shapeOf('Conv3D', { filters: 8, kernel_size: [3, 3, 3], strides: 2, padding: 'same' }, [16, 15, 16, 2]),
    [8, 8, 8, 8],
  );
  assert.equal(paramsOf('Conv3D', { filters: 8, kernel_size: 3 }, [16, 16, 16, 2]).trainable, 27 * 2 * 8 + 8);
});

test('Conv2DTranspose: deconv lengths and kh·kw·filters·C + filters', () => {
  assert.deepEqual(shapeOf('Conv2DTranspose', { filters: 16, kernel_size: 3, strides: 2 }, [7, 7, 32]), [15, 15, 16]); // 7·2 + 1
  assert.deepEqual(
    shapeOf('Conv2DTranspose', { filters: 16, kernel_size: 3, strides: 2, padding: 'same' }, [7, 7, 32]),
    [14, 14, 16],
  );
  assert.deepEqual(shapeOf('Conv2DTranspose', { filters: 16, kernel_size: 3 }, [7, 7, 32]), [9, 9, 16]); // 7 + 2
  assert.deepEqual(
    shapeOf(
      'Conv2DTranspose',
      { filters: 16, kernel_size: 3, strides: 2, padding: 'same', output_padding: 1 },
      [7, 7, 32],
    ),
    [14, 14, 16],
  );
  assert.deepEqual(paramsOf('Conv2DTranspose', { filters: 16, kernel_size: 3, strides: 2 }, [7, 7, 32]), {
    trainable: 3 * 3 * 16 * 32 + 16,
    nonTrainable: 0,
  });
  assert.throws(
    () => shapeOf('Conv2DTranspose', { filters: 16, kernel_size: 3, strides: 2, output_padding: 2 }, [7, 7, 32]),
    isShapeError('shape-mismatch', /output_padding/),
  );
});

test('SeparableConv2D: depthwise + pointwise + bias', () => {
  // 3·3·32·1 = 288 depthwise, 32·1·64 = 2048 pointwise, 64 bias
  assert.deepEqual(shapeOf('SeparableConv2D', { filters: 64, kernel_size: 3 }, [28, 28, 32]), [26, 26, 64]);
  assert.deepEqual(paramsOf('SeparableConv2D', { filters: 64, kernel_size: 3 }, [28, 28, 32]), {
    trainable: 2400,
    nonTrainable: 0,
  });
  // depth_multiplier 2: 3·3·32·2 = 576, 64·64 = 4096, 64
  assert.equal(
    paramsOf('SeparableConv2D', { filters: 64, kernel_size: 3, depth_multiplier: 2 }, [28, 28, 32]).trainable,
    576 + 4096 + 64,
  );
});

test('DepthwiseConv2D: C·depth_multiplier outputs; kh·kw·C·dm + C·dm weights', () => {
  assert.deepEqual(shapeOf('DepthwiseConv2D', { kernel_size: 3 }, [10, 10, 12]), [8, 8, 12]);
  assert.deepEqual(shapeOf('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 3 }, [10, 10, 12]), [8, 8, 36]);
  assert.equal(
    paramsOf('DepthwiseConv2D', { kernel_size: 3, depth_multiplier: 3 }, [10, 10, 12]).trainable,
    3 * 3 * 36 + 36,
  );
  assert.throws(() => shapeOf('DepthwiseConv2D', { kernel_size: 3 }, [2, 10, 12]), isShapeError('shape-nonpositive'));
});

test('Keras mnist_cnn: 1,199,882 parameters', () => {
  // 320 + 18,496 + 0 + 0 + 0 + (9216·128 + 128 = 1,179,776) + 0 + 1,290
  const m = runModel(
    [28, 28, 1],
    [
      ['Conv2D', { filters: 32, kernel_size: [3, 3], activation: 'relu' }],
      ['Conv2D', { filters: 64, kernel_size: [3, 3], activation: 'relu' }],
      ['MaxPooling2D', { pool_size: [2, 2] }],
      ['Dropout', { rate: 0.25 }],
      ['Flatten'],
      ['Dense', { units: 128, activation: 'relu' }],
      ['Dropout', { rate: 0.5 }],
      ['Dense', { units: 10, activation: 'softmax' }],
    ],
  );
  assert.deepEqual(m.shapes[2], [12, 12, 64]);
  assert.deepEqual(m.shapes[4], [9216]);
  assert.equal(m.total, 1199882);
});
