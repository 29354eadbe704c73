// Keras's layer order of a Functional model (language/catalog/graph/keras-order.ts), which the
// Functional config follows so that both engines list the weights as get_weights() does.
// Ground truth: ResNet50's model.summary() in Keras lists conv2_block1 as 1_conv, 1_bn, 1_relu,
// 2_conv, 2_bn, 2_relu, 0_conv, 3_conv, 0_bn, 3_bn, add, out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, withDefaults } from '../../../language/catalog';
import { kerasLayerOrder } from '../../../language/catalog/graph/keras-order';

test("ResNet50's Functional config lists its layers in Keras's summary order", () => {
  const spec = getLayer('ResNet50')!;
  const config = spec.toKeras({ args: withDefaults(spec, { include_top: false }), input: [32, 32, 3] }, 'resnet50');
  const names = (config.config as { layers: { name: string }[] }).layers.map((l) => l.name);
  const at = names.indexOf('conv2_block1_1_conv');
  assert.deepEqual(names.slice(0, 7), [
    'input_layer',
    'conv1_pad',
    'conv1_conv',
    'conv1_bn',
    'conv1_relu',
    'pool1_pad',
    'pool1_pool',
  ]);
  assert.deepEqual(
    names.slice(at, at + 12).map((n) => n.replace('conv2_block1_', '')),
    ['1_conv', '1_bn', '1_relu', '2_conv', '2_bn', '2_relu', '0_conv', '3_conv', '0_bn', '3_bn', 'add', 'out'],
  );
  assert.equal(names.at(-1), 'conv5_block3_out');
});

test('a node comes after every node it reads, whatever order the graph was written in', () => {
  const nodes = [
    { name: 'b', inputs: ['in'] },
    { name: 'a', inputs: ['in'] },
    { name: 'c', inputs: ['a'] },
    { name: 'out', inputs: ['b', 'c'] },
  ];
  const order = kerasLayerOrder(nodes, 'out').map((n) => n.name);
  assert.deepEqual(order, ['a', 'b', 'c', 'out']);
});
