// Recurrent layers and wrappers. Weights with F features and u units:
//   SimpleRNN u(u + F + 1); LSTM 4u(u + F + 1); GRU reset_after=True 3u(u + F + 2), else 3u(u + F + 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, ShapeError } from '../../../language/catalog';
import { call, context, paramsOf, shapeOf } from './helpers';

const isShapeError = (code: string, pattern?: RegExp) => (e: unknown) =>
  e instanceof ShapeError && e.code === code && (!pattern || pattern.test(e.message));

test('LSTM(64) on (None, 100, 32): 24,832 weights; last output or the sequence', () => {
  assert.deepEqual(paramsOf('LSTM', { units: 64 }, [100, 32]), { trainable: 4 * 64 * (64 + 32 + 1), nonTrainable: 0 });
  assert.equal(paramsOf('LSTM', { units: 64 }, [100, 32]).trainable, 24832);
  assert.deepEqual(shapeOf('LSTM', { units: 64 }, [100, 32]), [64]);
  assert.deepEqual(shapeOf('LSTM', { units: 64, return_sequences: true }, [100, 32]), [100, 64]);
});

test('GRU(64) on (10, 32): 18,816 weights with reset_after=True (the default)', () => {
  assert.equal(paramsOf('GRU', { units: 64 }, [10, 32]).trainable, 18816); // 3·64·(64+32+2)
  assert.equal(paramsOf('GRU', { units: 64, reset_after: false }, [10, 32]).trainable, 3 * 64 * (64 + 32 + 1));
  assert.deepEqual(shapeOf('GRU', { units: 64, return_sequences: true }, [10, 32]), [10, 64]);
});

test('SimpleRNN: u(u + F + 1)', () => {
  assert.equal(paramsOf('SimpleRNN', { units: 32 }, [10, 8]).trainable, 32 * (32 + 8 + 1));
  assert.equal(paramsOf('SimpleRNN', { units: 32, use_bias: false }, [10, 8]).trainable, 32 * (32 + 8));
  assert.deepEqual(shapeOf('SimpleRNN', { units: 32 }, [null, 8]), [32]);
});

test('return_state cannot feed a Sequential model', () => {
  assert.throws(
    () => shapeOf('LSTM', { units: 8, return_state: true }, [10, 4]),
    isShapeError('shape-mismatch', /^LSTM with return_state=True/),
  );
});

test('Recurrent layers take (timesteps, features)', () => {
  assert.throws(
    () => shapeOf('LSTM', { units: 8 }, [784]),
    isShapeError('shape-rank', /before LSTM: it expects a rank-2 input/),
  );
  assert.throws(() => shapeOf('GRU', { units: 8 }, [28, 28, 1]), isShapeError('shape-rank'));
  assert.throws(() => paramsOf('LSTM', { units: 8 }, [10, null]), isShapeError('shape-unknown'));
});

test('Bidirectional(LSTM) concat: doubled last axis and twice the weights', () => {
  const args = { layer: call('LSTM', { units: 64 }) };
  assert.deepEqual(shapeOf('Bidirectional', args, [100, 32]), [128]);
  assert.deepEqual(paramsOf('Bidirectional', args, [100, 32]), { trainable: 2 * 24832, nonTrainable: 0 });
  assert.deepEqual(
    shapeOf('Bidirectional', { layer: call('LSTM', { units: 64, return_sequences: true }) }, [100, 32]),
    [100, 128],
  );
});

test('Bidirectional merge modes other than concat keep the size; None cannot be chained', () => {
  for (const mode of ['sum', 'mul', 'ave']) {
    assert.deepEqual(shapeOf('Bidirectional', { layer: call('GRU', { units: 16 }), merge_mode: mode }, [10, 4]), [16]);
  }
  assert.throws(
    () => shapeOf('Bidirectional', { layer: call('GRU', { units: 16 }), merge_mode: null }, [10, 4]),
    isShapeError('shape-mismatch', /merge_mode=None/),
  );
});

test('Bidirectional wraps only recurrent layers', () => {
  assert.throws(
    () => shapeOf('Bidirectional', { layer: call('Dense', { units: 4 }) }, [10, 4]),
    isShapeError('shape-mismatch', /not Dense/),
  );
});

test('Bidirectional uses ctx.inner when the analyzer supplies it', () => {
  const spec = getLayer('Bidirectional')!;
  const inner = { spec: getLayer('SimpleRNN')!, args: context('SimpleRNN', { units: 4 }, [3, 2]).args };
  const ctx = { ...context('Bidirectional', { layer: call('SimpleRNN', { units: 4 }) }, [3, 2]), inner };
  assert.equal(spec.params(ctx).trainable, 2 * 4 * (4 + 2 + 1));
});

test('TimeDistributed(Dense): the inner layer on each step, its weights once', () => {
  assert.deepEqual(shapeOf('TimeDistributed', { layer: call('Dense', { units: 8 }) }, [10, 16]), [10, 8]);
  assert.deepEqual(paramsOf('TimeDistributed', { layer: call('Dense', { units: 8 }) }, [10, 16]), {
    trainable: 16 * 8 + 8,
    nonTrainable: 0,
  });
});

test('TimeDistributed(Conv2D) on a sequence of images', () => {
  const args = { layer: call('Conv2D', { filters: 16, kernel_size: 3 }) };
  assert.deepEqual(shapeOf('TimeDistributed', args, [5, 28, 28, 1]), [5, 26, 26, 16]);
  assert.equal(paramsOf('TimeDistributed', args, [5, 28, 28, 1]).trainable, 160);
});

test('TimeDistributed needs rank 2 or more and reports inner errors in context', () => {
  assert.throws(
    () => shapeOf('TimeDistributed', { layer: call('Dense', { units: 8 }) }, [16]),
    isShapeError('shape-rank'),
  );
  assert.throws(
    () => shapeOf('TimeDistributed', { layer: call('Conv2D', { filters: 4, kernel_size: 3 }) }, [5, 784]),
    isShapeError(
      'shape-rank',
      /^TimeDistributed applies Conv2D to each step of shape \(None, 784\): Add Reshape\(\(28, 28, 1\)\) before Conv2D: it expects/,
    ),
  );
});

test('Recurrent Keras configs: GRU reset_after, nested wrapper configs', () => {
  const gru = getLayer('GRU')!.toKeras(context('GRU', { units: 8 }, [10, 4]), 'gru').config;
  assert.equal(gru.reset_after, true);
  assert.equal(gru.recurrent_activation, 'sigmoid');
  assert.deepEqual(gru.recurrent_initializer, { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } });
  const bi = getLayer('Bidirectional')!.toKeras(
    context('Bidirectional', { layer: call('LSTM', { units: 8 }) }, [10, 4]),
    'bidirectional',
  );
  assert.equal(bi.class_name, 'Bidirectional');
  assert.equal(bi.config.merge_mode, 'concat');
  const inner = bi.config.layer as { class_name: string; config: Record<string, unknown> };
  assert.equal(inner.class_name, 'LSTM');
  assert.equal(inner.config.units, 8);
  assert.equal(inner.config.name, 'lstm');
  const td = getLayer('TimeDistributed')!.toKeras(
    context('TimeDistributed', { layer: call('Dense', { units: 3 }) }, [10, 4]),
    'time_distributed',
  );
  assert.equal((td.config.layer as { class_name: string }).class_name, 'Dense');
});
