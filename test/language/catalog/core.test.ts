// Core layers: Input, Dense, Activation, Dropout, Embedding, and the Keras mnist_mlp example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, matchesType, ShapeError } from '../../../language/catalog';
import { context, paramsOf, runModel, shapeOf } from './helpers';

test('Input declares its shape and has no weights', () => {
  assert.deepEqual(shapeOf('Input', { shape: [28, 28, 1] }, []), [28, 28, 1]);
  assert.deepEqual(shapeOf('Input', { shape: 784 }, []), [784]);
  assert.deepEqual(paramsOf('Input', { shape: [784] }, []), { trainable: 0, nonTrainable: 0 });
  assert.equal(getLayer('Input')!.args.find((a) => a.name === 'shape')?.required, true);
});

test('Dense replaces the last axis: F·units + units weights', () => {
  assert.deepEqual(shapeOf('Dense', { units: 512 }, [784]), [512]);
  assert.deepEqual(paramsOf('Dense', { units: 512 }, [784]), { trainable: 784 * 512 + 512, nonTrainable: 0 });
  assert.deepEqual(paramsOf('Dense', { units: 10, use_bias: false }, [128]), { trainable: 1280, nonTrainable: 0 });
});

test('Dense on rank > 1 applies to the last axis, as Keras does', () => {
  // (None, 26, 26, 32) -> (None, 26, 26, 10); kernel 32·10 + bias 10
  assert.deepEqual(shapeOf('Dense', { units: 10 }, [26, 26, 32]), [26, 26, 10]);
  assert.equal(paramsOf('Dense', { units: 10 }, [26, 26, 32]).trainable, 330);
});

test('Dense cannot count weights when the last axis is None', () => {
  assert.throws(
    () => paramsOf('Dense', { units: 4 }, [null]),
    (e: unknown) => e instanceof ShapeError && e.code === 'shape-unknown',
  );
  assert.deepEqual(shapeOf('Dense', { units: 4 }, [null, 8]), [null, 4]);
});

test('Activation and Dropout keep the shape and have no weights', () => {
  assert.deepEqual(shapeOf('Activation', { activation: 'relu' }, [5, 7]), [5, 7]);
  assert.deepEqual(shapeOf('Dropout', { rate: 0.5 }, [5, 7]), [5, 7]);
  assert.equal(paramsOf('Dropout', { rate: 0.5 }, [5, 7]).trainable, 0);
});

test('Dropout rate is in [0, 1): 1.0 is out of range', () => {
  const rate = getLayer('Dropout')!.args.find((a) => a.name === 'rate')!;
  assert.equal(rate.required, true);
  assert.equal(matchesType(rate.type, 1.0), false);
  assert.equal(matchesType(rate.type, 1.5), false);
  assert.equal(matchesType(rate.type, -0.1), false);
  assert.equal(matchesType(rate.type, 0), true);
  assert.equal(matchesType(rate.type, 0.99), true);
});

test('Embedding adds an axis of output_dim; input_dim·output_dim weights', () => {
  assert.deepEqual(shapeOf('Embedding', { input_dim: 1000, output_dim: 64 }, [10]), [10, 64]);
  assert.deepEqual(paramsOf('Embedding', { input_dim: 1000, output_dim: 64 }, [10]), {
    trainable: 64000,
    nonTrainable: 0,
  });
});

test('Embedding keeps its own input_dim (the vocabulary), not the base-layer one', () => {
  const spec = getLayer('Embedding')!;
  const inputDims = spec.args.filter((a) => a.name === 'input_dim');
  assert.equal(inputDims.length, 1);
  assert.equal(inputDims[0].required, true);
});

test('Keras mnist_mlp: 669,706 parameters', () => {
  // 784·512+512 = 401,920; 512·512+512 = 262,656; 512·10+10 = 5,130
  const m = runModel(
    [784],
    [
      ['Dense', { units: 512, activation: 'relu' }],
      ['Dropout', { rate: 0.2 }],
      ['Dense', { units: 512, activation: 'relu' }],
      ['Dropout', { rate: 0.2 }],
      ['Dense', { units: 10, activation: 'softmax' }],
    ],
  );
  assert.equal(m.total, 669706);
  assert.deepEqual(m.output, [10]);
});

test('Dense rejects rank 0 input', () => {
  assert.throws(
    () => getLayer('Dense')!.outputShape(context('Dense', { units: 3 }, [])),
    (e: unknown) => e instanceof ShapeError && e.code === 'shape-rank',
  );
});
