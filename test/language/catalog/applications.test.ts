// VGG16/VGG19 expand to their layers; counts are Keras's (keras.applications summaries).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, ShapeError, withDefaults } from '../../../language/catalog';
import { context, paramsOf, runModel, shapeOf } from './helpers';

test('VGG16 with top at 224×224×3: 138,357,544 parameters', () => {
  assert.equal(paramsOf('VGG16', {}, [224, 224, 3]).trainable, 138357544);
  assert.deepEqual(shapeOf('VGG16', {}, [224, 224, 3]), [1000]);
});

test('VGG16 without top: 14,714,688 parameters, (7, 7, 512) or pooled', () => {
  assert.equal(paramsOf('VGG16', { include_top: false }, [224, 224, 3]).trainable, 14714688);
  assert.deepEqual(shapeOf('VGG16', { include_top: false }, [224, 224, 3]), [7, 7, 512]);
  assert.deepEqual(shapeOf('VGG16', { include_top: false, pooling: 'avg' }, [224, 224, 3]), [512]);
  assert.deepEqual(shapeOf('VGG16', { include_top: false, pooling: 'max' }, [64, 64, 3]), [512]);
});

test('VGG19 with top: 143,667,240 parameters', () => {
  assert.equal(paramsOf('VGG19', {}, [224, 224, 3]).trainable, 143667240);
});

test('VGG classes changes only the predictions layer: 4096·classes + classes', () => {
  const diff =
    paramsOf('VGG16', {}, [224, 224, 3]).trainable - paramsOf('VGG16', { classes: 10 }, [224, 224, 3]).trainable;
  assert.equal(diff, 4096 * 1000 + 1000 - (4096 * 10 + 10));
});

test('VGG16 expansion matches the call: Keras layer names, same total', () => {
  const spec = getLayer('VGG16')!;
  const calls = spec.expand!(withDefaults(spec, {}));
  assert.equal(calls.length, 13 + 5 + 4); // 13 convs, 5 pools, Flatten + 3 Dense
  assert.equal(calls[0].args.name, 'block1_conv1');
  assert.equal(calls[calls.length - 1].args.name, 'predictions');
  const m = runModel(
    [224, 224, 3],
    calls.map((c) => [c.layer, c.args]),
  );
  assert.equal(m.total, 138357544);
  const frozen = spec.expand!(withDefaults(spec, { trainable: false }));
  assert.ok(frozen.every((c) => c.args.trainable === false));
});

test('VGG needs at least 32×32 input', () => {
  assert.throws(
    () => shapeOf('VGG16', { include_top: false }, [28, 28, 3]),
    (e: unknown) => e instanceof ShapeError && e.code === 'shape-nonpositive' && /32×32/.test(e.message),
  );
  assert.deepEqual(shapeOf('VGG16', { include_top: false }, [32, 32, 3]), [1, 1, 512]);
});

test('VGG lowers to a nested Sequential of Keras layers', () => {
  const k = getLayer('VGG16')!.toKeras(context('VGG16', { include_top: false }, [64, 64, 3]), 'vgg16');
  assert.equal(k.class_name, 'Sequential');
  const layers = k.config.layers as { class_name: string; config: Record<string, unknown> }[];
  assert.equal(layers.length, 18);
  assert.equal(layers[0].class_name, 'Conv2D');
  assert.equal(layers[0].config.name, 'block1_conv1');
  assert.equal(layers[0].config.padding, 'same');
});
