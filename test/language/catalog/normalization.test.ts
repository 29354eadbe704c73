// BatchNormalization (gamma, beta trainable; moving mean/variance not) and LayerNormalization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError } from '../../../language/catalog';
import { paramsOf, shapeOf } from './helpers';

const isShapeError = (code: string) => (e: unknown) => e instanceof ShapeError && e.code === code;

test('BatchNormalization on 64 channels: 256 weights, 128 non-trainable', () => {
  const p = paramsOf('BatchNormalization', {}, [26, 26, 64]);
  assert.deepEqual(p, { trainable: 128, nonTrainable: 128 });
  assert.equal(p.trainable + p.nonTrainable, 256);
  assert.deepEqual(shapeOf('BatchNormalization', {}, [26, 26, 64]), [26, 26, 64]);
});

test('BatchNormalization: center/scale off drop beta/gamma; axis picks the normalised axis', () => {
  assert.deepEqual(paramsOf('BatchNormalization', { center: false }, [10, 32]), { trainable: 32, nonTrainable: 64 });
  assert.deepEqual(paramsOf('BatchNormalization', { center: false, scale: false }, [10, 32]), {
    trainable: 0,
    nonTrainable: 64,
  });
  assert.deepEqual(paramsOf('BatchNormalization', { axis: 1 }, [10, 32]), { trainable: 20, nonTrainable: 20 });
  assert.throws(() => shapeOf('BatchNormalization', { axis: 3 }, [10, 32]), isShapeError('shape-rank'));
  assert.throws(() => shapeOf('BatchNormalization', { axis: 0 }, [10, 32]), isShapeError('shape-rank')); // the batch axis
  assert.throws(() => paramsOf('BatchNormalization', {}, [10, null]), isShapeError('shape-unknown'));
});

test('LayerNormalization: 2·C on the last axis; products over several axes', () => {
  assert.deepEqual(paramsOf('LayerNormalization', {}, [10, 32]), { trainable: 64, nonTrainable: 0 });
  assert.deepEqual(paramsOf('LayerNormalization', { axis: [1, 2, 3] }, [20, 30, 40]), {
    trainable: 2 * 20 * 30 * 40,
    nonTrainable: 0,
  });
  assert.deepEqual(paramsOf('LayerNormalization', { center: false }, [10, 32]), { trainable: 32, nonTrainable: 0 });
  assert.deepEqual(paramsOf('LayerNormalization', { rms_scaling: true }, [10, 32]), { trainable: 32, nonTrainable: 0 }); // gamma only
  assert.deepEqual(shapeOf('LayerNormalization', {}, [10, 32]), [10, 32]);
});
