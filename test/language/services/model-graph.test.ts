// The model graph's data (what "Show Model Graph" draws): nodes, shapes on edges, parameter
// counts, groups for applications, errors on their layer, and the memory estimate checked against
// numbers worked out by hand for the digits CNN.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelGraph, optimizerSlots, type ModelGraph } from '../../../language/services/model-graph';
import { analyzed, DIGITS_CNN } from './helpers';

function graphOf(text: string, precision?: 'float32' | 'mixed_float16'): ModelGraph {
  const g = modelGraph(analyzed(text), { precision });
  assert.ok(g, 'the file has a model');
  return g;
}

describe('model graph of the digits CNN', () => {
  const g = graphOf(DIGITS_CNN);

  it('has the input and one node per layer, in order, with class, kind, arguments, shape and parameters', () => {
    assert.deepEqual(
      g.nodes.map((n) => [n.name, n.className, n.kind, n.output, n.params]),
      [
        ['input', 'Input', 'input', '(None, 28, 28, 1)', 0],
        ['conv2d', 'Conv2D', 'conv', '(None, 26, 26, 32)', 320],
        ['conv2d_1', 'Conv2D', 'conv', '(None, 24, 24, 64)', 18_496],
        ['max_pooling2d', 'MaxPooling2D', 'pooling', '(None, 12, 12, 64)', 0],
        ['dropout', 'Dropout', 'regularization', '(None, 12, 12, 64)', 0],
        ['flatten', 'Flatten', 'reshaping', '(None, 9216)', 0],
        ['dense', 'Dense', 'core', '(None, 128)', 1_179_776],
        ['dropout_1', 'Dropout', 'regularization', '(None, 128)', 0],
        ['dense_1', 'Dense', 'core', '(None, 10)', 1_290],
      ],
    );
    assert.equal(g.nodes[1].args, "32, kernel_size=(3, 3), activation='relu'");
    assert.equal(g.nodes[2].args, "64, (3, 3), activation='relu'");
    assert.equal(g.nodes[0].args, 'shape=(28, 28, 1)');
    // Lines point at the calls (zero-based): Input is line 1, the last Dense line 9.
    assert.deepEqual([g.nodes[0].line, g.nodes[1].line, g.nodes[8].line], [1, 2, 9]);
    assert.equal(g.groups.length, 0);
    assert.ok(g.nodes.every((n) => n.error === undefined));
  });

  it('links each node to the next with an edge labelled by the tensor between them', () => {
    assert.equal(g.edges.length, g.nodes.length - 1);
    assert.deepEqual(
      g.edges.slice(0, 3).map((e) => [e.from, e.to, e.label]),
      [
        ['input', 'n1', '(None, 28, 28, 1)'],
        ['n1', 'n2', '(None, 26, 26, 32)'],
        ['n2', 'n3', '(None, 24, 24, 64)'],
      ],
    );
    assert.equal(g.edges.at(-1)?.label, '(None, 128)');
  });

  it('estimates training memory at batch 128 with Adadelta (2 slots), float32, as worked out by hand', () => {
    // Parameters: 320 + 18,496 + 1,179,776 + 1,290 = 1,199,882, all trainable, 4 bytes each.
    const params = 1_199_882;
    // Values per sample kept for the backward pass: the input 28·28·1 = 784, then each output:
    // 26·26·32 = 21,632; 24·24·64 = 36,864; 12·12·64 = 9,216 three times (pool, dropout, flatten);
    // 128 twice (dense, dropout); 10.
    const perSample = 784 + 21_632 + 36_864 + 3 * 9_216 + 2 * 128 + 10; // 87,194
    assert.equal(g.memory.batchSize, 128);
    assert.equal(g.memory.optimizer, 'Adadelta');
    assert.equal(g.memory.optimizerSlots, 2);
    assert.equal(g.memory.complete, true);
    assert.deepEqual(g.memory.total, {
      parameters: params * 4, // 4,799,528
      gradients: params * 4,
      optimizer: params * 2 * 4, // 9,599,056
      activations: 128 * perSample * 4, // 44,643,328
      total: 4 * params * 4 + 128 * perSample * 4, // 63,841,440
    });
    assert.equal(g.memory.total.total, 63_841_440);
    // One layer: the first Dense, 1,179,776 weights and a 128-wide output per sample.
    assert.deepEqual(g.nodes[6].memory, {
      parameters: 4_719_104,
      gradients: 4_719_104,
      optimizer: 9_438_208,
      activations: 128 * 128 * 4,
      total: 4_719_104 * 4 + 65_536,
    });
  });

  it('halves the activations under mixed precision and keeps float32 weights, gradients and slots', () => {
    const mixed = graphOf(DIGITS_CNN, 'mixed_float16');
    assert.equal(mixed.memory.precision, 'mixed_float16');
    // The input batch stays float32 (Keras casts at the first layer); layer outputs are float16.
    const layerValues = 87_194 - 784;
    assert.equal(mixed.memory.total.activations, 128 * 784 * 4 + 128 * layerValues * 2);
    assert.equal(mixed.memory.total.parameters, g.memory.total.parameters);
    assert.equal(mixed.memory.total.optimizer, g.memory.total.optimizer);
  });
});

describe('model graph: optimizers, batch size, errors and applications', () => {
  it('counts Keras 3 optimizer slots: Adam 2, amsgrad 3, SGD 0 or 1 with momentum, RMSprop 1–3, default rmsprop', () => {
    assert.deepEqual(optimizerSlots('adam'), { name: 'Adam', slots: 2 });
    assert.deepEqual(optimizerSlots({ call: 'Adam', args: { amsgrad: true } }), { name: 'Adam', slots: 3 });
    assert.deepEqual(optimizerSlots('sgd'), { name: 'SGD', slots: 0 });
    assert.deepEqual(optimizerSlots({ call: 'SGD', args: { momentum: 0.9 } }), { name: 'SGD', slots: 1 });
    assert.deepEqual(optimizerSlots({ call: 'RMSprop', args: { momentum: 0.9, centered: true } }), {
      name: 'RMSprop',
      slots: 3,
    });
    assert.deepEqual(optimizerSlots(undefined), { name: 'RMSprop', slots: 1 });
    assert.deepEqual(optimizerSlots('adagrad'), { name: 'Adagrad', slots: 1 });
  });

  it('uses Keras’s batch size 32 when fit sets none, and the optimizer the file names', () => {
    const g = graphOf(
      "model m {\n  Input(shape=(4,))\n  Dense(2)\n}\ncompile {\n  loss: 'mse'\n  optimizer: 'adam'\n}\n",
    );
    // Dense(2) on 4 inputs: 10 weights; Adam keeps 2 per weight.
    assert.equal(g.memory.batchSize, 32);
    assert.deepEqual(g.memory.total, {
      parameters: 40,
      gradients: 40,
      optimizer: 80,
      activations: 32 * (4 + 2) * 4,
      total: 160 + 768,
    });
  });

  it('puts a shape error on the layer that breaks, with its message; later layers have no shape', () => {
    const g = graphOf('model m {\n  Input(shape=(64,))\n  Conv2D(8, 3)\n  Dense(5)\n}\n');
    const [input, conv, next] = g.nodes;
    assert.equal(input.error, undefined);
    assert.match(conv.error ?? '', /Conv2D.*rank|rank.*Conv2D|Reshape/i);
    assert.equal(conv.output, undefined);
    assert.equal(next.output, undefined);
    assert.equal(next.error, undefined);
    assert.equal(g.memory.complete, false);
    assert.equal(g.edges[1].label, undefined, 'no shape leaves the broken layer');
  });

  it('draws an unknown layer as a node of its own, with the checker’s message', () => {
    const g = graphOf('model m {\n  Input(shape=(8,))\n  Dens(10)\n  Dense(5)\n}\n');
    assert.deepEqual(
      g.nodes.map((n) => [n.className, n.kind]),
      [
        ['Input', 'input'],
        ['Dens', 'unknown'],
        ['Dense', 'core'],
      ],
    );
    assert.match(g.nodes[1].error ?? '', /Unknown layer 'Dens'.*Dense/);
    assert.equal(g.nodes[1].line, 2);
  });

  it('groups the layers an application expands to, with their total parameters and last output', () => {
    const text =
      "model t {\n  Input(shape=(32, 32, 3))\n  VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))\n  GlobalAveragePooling2D()\n  Dense(10, activation='softmax')\n}\n";
    const a = analyzed(text);
    const g = modelGraph(a);
    assert.ok(g && a.model?.totals);
    assert.equal(g.groups.length, 1);
    const [vgg] = g.groups;
    assert.equal(vgg.label, 'VGG16');
    assert.equal(vgg.line, 2);
    // VGG16 without its top: 13 convolutions and 5 poolings, 14,714,688 weights (Keras's count).
    assert.equal(vgg.nodeIds.length, 18);
    assert.equal(vgg.params, 14_714_688);
    assert.equal(vgg.output, '(None, 1, 1, 512)');
    const members = g.nodes.filter((n) => n.group === vgg.id);
    assert.deepEqual(
      members.map((n) => n.id),
      vgg.nodeIds,
    );
    assert.equal(members[0].className, 'Conv2D');
    assert.match(members[0].args, /^filters=64, kernel_size=\(3, 3\)/);
    // The whole model: the group, the pooling and the head add up to the checker's total.
    assert.equal(
      g.nodes.reduce((s, n) => s + (n.params ?? 0), 0),
      a.model.totals.total,
    );
  });

  it('has no graph for a file without a model block', () => {
    assert.equal(modelGraph(analyzed("compile {\n  loss: 'mse'\n}\n")), undefined);
  });
});

describe('a layer-graph application (ResNet50)', () => {
  const text = [
    'model r {',
    '    Input(shape=(32, 32, 3))',
    '    ResNet50(include_top=False, trainable=False)',
    '    GlobalAveragePooling2D()',
    "    Dense(10, activation='softmax')",
    '}',
  ].join('\n');
  const graph = modelGraph(analyzed(text))!;
  const group = graph.groups[0]!;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const named = (name: string) => graph.nodes.find((n) => n.name === name)!;
  const into = (name: string) => graph.edges.filter((e) => e.to === named(name).id).map((e) => byId.get(e.from)!.name);

  it('is one group of its own layers that starts closed, with the application totals', () => {
    assert.equal(graph.groups.length, 1);
    assert.deepEqual(
      { label: group.label, collapsed: group.collapsed, params: group.params, output: group.output, line: group.line },
      { label: 'ResNet50', collapsed: true, params: 23587712, output: '(None, 1, 1, 2048)', line: 2 },
    );
    const members = group.nodeIds.map((id) => byId.get(id)!);
    assert.equal(
      members.reduce((s, n) => s + n.params!, 0),
      23587712,
    );
    assert.deepEqual(
      [named('conv1_conv').className, named('conv2_block1_add').className, named('conv2_block1_add').kind],
      ['Conv2D', 'Add', 'core'],
    );
  });

  it("draws the graph's own edges: a residual Add reads both branches, the next layer reads the output", () => {
    assert.deepEqual(into('conv1_pad'), ['input']);
    assert.deepEqual(into('conv2_block1_add').sort(), ['conv2_block1_0_bn', 'conv2_block1_3_bn']);
    assert.deepEqual(into('conv2_block2_add').sort(), ['conv2_block1_out', 'conv2_block2_3_bn']);
    assert.deepEqual(into('global_average_pooling2d'), ['conv5_block3_out']);
    assert.deepEqual(
      graph.edges.find((e) => e.to === named('global_average_pooling2d').id)!.label,
      '(None, 1, 1, 2048)',
    );
    // Every node but the input has at least one edge in; ids are unique.
    assert.deepEqual(
      graph.nodes.filter((n) => n.id !== 'input' && !graph.edges.some((e) => e.to === n.id)).map((n) => n.name),
      [],
    );
    assert.equal(new Set(graph.edges.map((e) => e.id)).size, graph.edges.length);
  });
});
