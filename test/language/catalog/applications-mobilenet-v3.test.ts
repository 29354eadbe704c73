// MobileNetV3Small and MobileNetV3Large as layer graphs (language/catalog/applications/mobilenet-v3.ts).
// Ground truth, Keras's model.summary() and len(model.weights) of keras.applications:
//   MobileNetV3Small()                   2,554,968 = 2,542,856 trainable + 12,112; 210 weights, 142 trainable
//   MobileNetV3Small(include_top=False)    939,120, output (7, 7, 576) at 224×224 (Keras 3 summary)
//   MobileNetV3Large()                   5,507,432 = 5,483,032 + 24,400; 266 weights, 174 trainable
//   MobileNetV3Large(include_top=False)  2,996,352 = 2,971,952 + 24,400, output (7, 7, 960)
// For alpha and minimalistic no printed Keras summary was found: those tests check the structure
// Keras's source gives them (which layers exist, their widths by _depth), not a total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declaredInputShape, getLayer } from '../../../language/catalog';
import { analyze } from '../../../language/analysis/analyze';
import { application, node, nodesOf, weightVariables } from '../../helpers/applications';

const AT_224 = [224, 224, 3];

const KERAS: [
  name: string,
  total: number,
  trainable: number,
  nonTrainable: number,
  weights: number,
  trainableWeights: number,
][] = [
  ['MobileNetV3Small', 2554968, 2542856, 12112, 210, 142],
  ['MobileNetV3Large', 5507432, 5483032, 24400, 266, 174],
];

for (const [name, total, trainable, nonTrainable, weights, trainableWeights] of KERAS) {
  test(`${name} with the top: Keras's ${total.toLocaleString('en')} parameters, split and weight variables`, () => {
    const m = application(name, {}, AT_224);
    assert.deepEqual([m.total, m.trainable, m.nonTrainable], [total, trainable, nonTrainable]);
    assert.deepEqual(weightVariables(m.graph), { all: weights, trainable: trainableWeights });
    assert.deepEqual(m.output, [1000]);
    // Keras's top: kept-dims pooling, conv_2, hard_swish, Dropout, logits, Flatten, predictions.
    assert.deepEqual(
      m.graph.nodes.slice(-5).map((n) => [n.node.layer, n.output]),
      [
        ['Multiply', [1, 1, name.endsWith('Small') ? 1024 : 1280]],
        ['Dropout', [1, 1, name.endsWith('Small') ? 1024 : 1280]],
        ['Conv2D', [1, 1, 1000]],
        ['Flatten', [1000]],
        ['Activation', [1000]],
      ],
    );
    assert.deepEqual(
      ['conv_2', 'logits', 'predictions'].map((n) => node(m.graph, n).node.layer),
      ['Conv2D', 'Conv2D', 'Activation'],
    );
  });
}

test("without the top: Keras's 939,120 (Small, (7, 7, 576)) and 2,996,352 (Large, (7, 7, 960))", () => {
  const small = application('MobileNetV3Small', { include_top: false }, AT_224);
  assert.deepEqual(
    [small.total, small.trainable, small.nonTrainable, small.output],
    [939120, 927008, 12112, [7, 7, 576]],
  );
  const large = application('MobileNetV3Large', { include_top: false }, AT_224);
  assert.deepEqual(
    [large.total, large.trainable, large.nonTrainable, large.output],
    [2996352, 2971952, 24400, [7, 7, 960]],
  );
  assert.deepEqual(
    application('MobileNetV3Large', { include_top: false, pooling: 'avg' }, AT_224).graph.nodes.at(-1)!.node.name,
    'avg_pool',
  );
  assert.deepEqual(application('MobileNetV3Small', { include_top: false, pooling: 'max' }, [32, 32, 3]).output, [576]);
});

test("hard_swish and the squeeze-and-excitation gate are Keras 3's hard_sigmoid (relu6(x + 3) / 6) with a Multiply", () => {
  const m = application('MobileNetV3Small', {}, AT_224);
  // The first block's gate: Keras's ReLU(6)(x + 3) * (1 / 6) is one Activation('hard_sigmoid').
  const mul = node(m.graph, 'expanded_conv_squeeze_excite_mul');
  assert.equal(mul.node.inputs[0], 're_lu'); // the block's activation (relu in Small's first block)
  const gate = node(m.graph, mul.node.inputs[1]);
  assert.deepEqual([gate.node.layer, gate.args.activation], ['Activation', 'hard_sigmoid']);
  assert.deepEqual(gate.node.inputs, ['expanded_conv_squeeze_excite_conv_1']);
  // hard_swish after conv_bn: x · hard_sigmoid(x), the Multiply reads conv_bn twice.
  const after = m.graph.nodes.findIndex((n) => n.node.name === 'conv_bn');
  const [sig, swish] = m.graph.nodes.slice(after + 1, after + 3);
  assert.deepEqual([sig.node.layer, sig.args.activation, sig.node.inputs], ['Activation', 'hard_sigmoid', ['conv_bn']]);
  assert.deepEqual([swish.node.layer, swish.node.inputs], ['Multiply', ['conv_bn', sig.node.name]]);
  // Activations carry no weights: every weight-bearing node has Keras's name, none an auto name.
  const weighted = m.graph.nodes.filter((n) => n.params.trainable + n.params.nonTrainable > 0).map((n) => n.node.name);
  assert.deepEqual(
    weighted.filter((n) => !/^(conv|conv_bn|conv_1|conv_1_bn|conv_2|logits|expanded_conv_.*)$/.test(n)),
    [],
  );
});

test('include_preprocessing rescales [0, 255] to [-1, 1] with a Rescaling layer; False leaves it out', () => {
  const m = application('MobileNetV3Large', { include_top: false }, AT_224);
  const first = m.graph.nodes[0];
  assert.deepEqual([first.node.layer, first.args.scale, first.args.offset], ['Rescaling', 1 / 127.5, -1]);
  const raw = application('MobileNetV3Large', { include_top: false, include_preprocessing: false }, AT_224);
  assert.deepEqual(nodesOf(raw.graph, 'Rescaling'), []);
  assert.equal(raw.total, m.total);
});

test('dropout_rate=0 has no Dropout layer (Keras adds it only above 0)', () => {
  assert.deepEqual(nodesOf(application('MobileNetV3Small', {}, AT_224).graph, 'Dropout'), ['dropout']);
  assert.equal(node(application('MobileNetV3Small', { dropout_rate: 0.5 }, AT_224).graph, 'dropout').args.rate, 0.5);
  assert.deepEqual(nodesOf(application('MobileNetV3Small', { dropout_rate: 0 }, AT_224).graph, 'Dropout'), []);
});

test('minimalistic: 3×3 kernels, relu, no squeeze-and-excitation', () => {
  const m = application('MobileNetV3Large', { minimalistic: true }, AT_224);
  assert.deepEqual(nodesOf(m.graph, 'Multiply'), []);
  assert.deepEqual(nodesOf(m.graph, 'Activation'), ['predictions']);
  assert.ok(m.graph.nodes.filter((n) => n.node.layer === 'DepthwiseConv2D').every((n) => n.args.kernel_size === 3));
  const full = application('MobileNetV3Large', {}, AT_224);
  assert.deepEqual(
    [
      ...new Set(full.graph.nodes.filter((n) => n.node.layer === 'DepthwiseConv2D').map((n) => n.args.kernel_size)),
    ].sort(),
    [3, 5],
  );
  assert.ok(m.total < full.total);
  assert.deepEqual(m.output, [1000]);
});

test('alpha scales every block by _depth(filters · alpha); the last point-wise widens only above 1', () => {
  const m = application('MobileNetV3Small', { alpha: 0.75, include_top: false }, AT_224);
  // Block 8's 96 filters → _depth(72) = 72; conv_1 is _depth(72 · 6) = 432.
  assert.deepEqual(node(m.graph, 'expanded_conv_8_project').output, [7, 7, 72]);
  assert.deepEqual(m.output, [7, 7, 432]);
  assert.deepEqual(node(application('MobileNetV3Small', { alpha: 0.75 }, AT_224).graph, 'conv_2').output, [1, 1, 1024]);
  assert.deepEqual(node(application('MobileNetV3Small', { alpha: 1.5 }, AT_224).graph, 'conv_2').output, [1, 1, 1536]);
});

test("Keras's MobileNetV3 takes any input size: its default input is (None, None, 3)", () => {
  const spec = getLayer('MobileNetV3Small')!;
  assert.deepEqual(declaredInputShape(spec, {}), [null, null, 3]);
  const m = application('MobileNetV3Small', {}, [null, null, 3]);
  assert.deepEqual([m.output, m.total], [[1000], 2554968]);
  assert.deepEqual(application('MobileNetV3Small', { include_top: false }, [null, null, 3]).output, [null, null, 576]);
  // At 32×32 the feature map is 1×1, as Keras gives it.
  assert.deepEqual(application('MobileNetV3Large', { include_top: false }, [32, 32, 3]).output, [1, 1, 960]);
});

test("Keras's positional order: (input_shape, alpha, minimalistic, include_top, weights, classes, pooling, dropout_rate, …)", () => {
  const a = analyze(
    [
      'model m {',
      '    MobileNetV3Small((64, 64, 3), 1.0, False, False, None, 1000, "avg", trainable=False)',
      '    Dense(3, activation="softmax")',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual(
    a.model!.layers.map((l) => [l.name, l.output]),
    [
      ['MobileNetV3Small', [576]],
      ['dense', [3]],
    ],
  );
  assert.deepEqual(a.model!.totals, { total: 939120 + 576 * 3 + 3, trainable: 576 * 3 + 3, nonTrainable: 939120 });
});

test("weights files: Keras's names (the no-top file is Keras's _v2)", () => {
  assert.deepEqual(getLayer('MobileNetV3Small')!.weightsFiles, {
    top: 'weights_mobilenet_v3_small_224_1.0_float.h5',
    notop: 'weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5',
  });
  assert.deepEqual(getLayer('MobileNetV3Large')!.weightsFiles, {
    top: 'weights_mobilenet_v3_large_224_1.0_float.h5',
    notop: 'weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5',
  });
});

test('the Functional config both engines build: hard_swish as Activation + Multiply with both inbound nodes', () => {
  const spec = getLayer('MobileNetV3Small')!;
  const m = application('MobileNetV3Small', { include_top: false }, [64, 64, 3]);
  const config = spec.toKeras({ args: m.args, input: [64, 64, 3] }, 'MobileNetV3Small') as unknown as {
    class_name: string;
    config: {
      name: string;
      layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[];
      output_layers: unknown[];
    };
  };
  assert.equal(config.class_name, 'Functional');
  const layers = config.config.layers;
  assert.deepEqual(
    [layers[0].class_name, layers[1].class_name, layers[1].config.scale, layers[1].config.offset],
    ['InputLayer', 'Rescaling', 1 / 127.5, -1],
  );
  const swish = layers.find((l) => l.class_name === 'Multiply' && !l.name.includes('squeeze_excite'))!;
  const gate = layers.find((l) => l.name === (swish.inbound_nodes as [string, number, number, object][][])[0][1][0])!;
  assert.deepEqual([gate.class_name, gate.config.activation], ['Activation', 'hard_sigmoid']);
  assert.deepEqual(swish.inbound_nodes, [
    [
      ['conv_bn', 0, 0, {}],
      [gate.name, 0, 0, {}],
    ],
  ]);
  assert.deepEqual(config.config.output_layers, [[m.graph.graph.output, 0, 0]]);
  assert.equal(layers.length, m.graph.nodes.length + 1);
});
