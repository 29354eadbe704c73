// Shape-preserving regularization layers and their rank requirements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, matchesType, ShapeError } from '../../../language/catalog';
import { paramsOf, shapeOf } from './helpers';

const isRank = (e: unknown) => e instanceof ShapeError && e.code === 'shape-rank';

test('SpatialDropout needs the rank of its dimension and keeps the shape', () => {
  assert.deepEqual(shapeOf('SpatialDropout1D', { rate: 0.2 }, [100, 8]), [100, 8]);
  assert.deepEqual(shapeOf('SpatialDropout2D', { rate: 0.2 }, [28, 28, 8]), [28, 28, 8]);
  assert.deepEqual(shapeOf('SpatialDropout3D', { rate: 0.2 }, [4, 4, 4, 8]), [4, 4, 4, 8]);
  assert.throws(() => shapeOf('SpatialDropout2D', { rate: 0.2 }, [100, 8]), isRank);
  assert.throws(() => shapeOf('SpatialDropout1D', { rate: 0.2 }, [100]), isRank);
});

test('GaussianNoise and GaussianDropout keep any shape and have no weights', () => {
  assert.deepEqual(shapeOf('GaussianNoise', { stddev: 0.1 }, [5]), [5]);
  assert.deepEqual(shapeOf('GaussianDropout', { rate: 0.1 }, [5, 6]), [5, 6]);
  assert.equal(paramsOf('GaussianNoise', { stddev: 0.1 }, [5]).trainable, 0);
});

test('Regularization rates are in [0, 1)', () => {
  for (const name of ['SpatialDropout2D', 'GaussianDropout']) {
    const rate = getLayer(name)!.args.find((a) => a.name === 'rate')!;
    assert.equal(matchesType(rate.type, 1.0), false, name);
    assert.equal(matchesType(rate.type, 0.5), true, name);
  }
});
