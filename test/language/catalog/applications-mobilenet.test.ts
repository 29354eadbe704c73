// MobileNet and MobileNetV2 as layer graphs (language/catalog/applications/mobilenet*.ts).
// Ground truth, Keras's model.summary() and len(model.weights) of keras.applications:
//   MobileNet()                       4,253,864 = 4,231,976 trainable + 21,888; 137 weights, 83 trainable
//   MobileNet(include_top=False)      3,228,864 = 3,206,976 + 21,888, output (7, 7, 1024)
//   MobileNet(alpha=0.25 / 0.5 / 0.75)  475,544 / 1,342,536 / 2,601,976 (keras-applications'
//                                     mobilenet.py docstring table, 224×224)
//   MobileNetV2()                     3,538,984 = 3,504,872 + 34,112; 262 weights, 158 trainable
//   MobileNetV2(include_top=False)    2,257,984 = 2,223,872 + 34,112, output (7, 7, 1280)
//   MobileNetV2(alpha=0.35, include_top=False, pooling='max')  410,208 = 396,128 + 14,080
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, ShapeError, withDefaults } from '../../../language/catalog';
import { analyze } from '../../../language/analysis/analyze';
import { hover } from '../../../language/services/hover';
import { application, node, nodesOf, weightVariables } from '../../helpers/applications';

const AT_224 = [224, 224, 3];

test("MobileNet with the top: Keras's 4,253,864 parameters, split and weight variables", () => {
  const m = application('MobileNet', {}, AT_224);
  assert.deepEqual([m.total, m.trainable, m.nonTrainable], [4253864, 4231976, 21888]);
  assert.deepEqual(weightVariables(m.graph), { all: 137, trainable: 83 });
  assert.deepEqual(m.output, [1000]);
  // Keras's top: a 1×1 convolution on the kept-dims pooling, reshaped, then the activation.
  assert.deepEqual(
    m.graph.nodes.slice(-5).map((n) => [n.node.name, n.node.layer, n.output]),
    [
      ['global_average_pooling2d', 'GlobalAveragePooling2D', [1, 1, 1024]],
      ['dropout', 'Dropout', [1, 1, 1024]],
      ['conv_preds', 'Conv2D', [1, 1, 1000]],
      ['reshape_2', 'Reshape', [1000]],
      ['predictions', 'Activation', [1000]],
    ],
  );
  assert.equal(node(m.graph, 'dropout').args.rate, 1e-3);
});

test('MobileNet without the top: 3,228,864 parameters, (7, 7, 1024), pooled to (1024,)', () => {
  const m = application('MobileNet', { include_top: false }, AT_224);
  assert.deepEqual([m.total, m.trainable, m.nonTrainable, m.output], [3228864, 3206976, 21888, [7, 7, 1024]]);
  assert.deepEqual(application('MobileNet', { include_top: false, pooling: 'avg' }, AT_224).output, [1024]);
  assert.deepEqual(application('MobileNet', { include_top: false, pooling: 'max' }, [32, 32, 3]).output, [1024]);
});

test("MobileNet's width multiplier: Keras's counts for alpha 0.25, 0.5 and 0.75", () => {
  const totals = [0.25, 0.5, 0.75].map((alpha) => application('MobileNet', { alpha }, AT_224).total);
  assert.deepEqual(totals, [475544, 1342536, 2601976]);
  // int(filters * alpha): the last block of alpha=0.5 has 512 channels.
  assert.deepEqual(application('MobileNet', { alpha: 0.5, include_top: false }, AT_224).output, [7, 7, 512]);
});

test('MobileNet depth_multiplier widens the depthwise convolutions only', () => {
  const m = application('MobileNet', { depth_multiplier: 2, include_top: false }, AT_224);
  const dw = node(m.graph, 'conv_dw_1');
  assert.equal(dw.args.depth_multiplier, 2);
  assert.deepEqual(dw.output, [112, 112, 64]); // 32 channels × 2
  assert.deepEqual(node(m.graph, 'conv_pw_1').output, [112, 112, 64]);
  assert.deepEqual(m.output, [7, 7, 1024]);
});

test("MobileNet's strided blocks pad ((0, 1), (0, 1)) before a valid depthwise convolution", () => {
  const m = application('MobileNet', { include_top: false }, AT_224);
  assert.deepEqual(nodesOf(m.graph, 'ZeroPadding2D'), ['conv_pad_2', 'conv_pad_4', 'conv_pad_6', 'conv_pad_12']);
  assert.deepEqual(node(m.graph, 'conv_pad_2').args.padding, [
    [0, 1],
    [0, 1],
  ]);
  assert.equal(node(m.graph, 'conv_dw_2').args.padding, 'valid');
  assert.deepEqual(node(m.graph, 'conv_dw_2').output, [56, 56, 64]);
});

test("MobileNet's classes and classifier_activation=None: logits from conv_preds", () => {
  const m = application('MobileNet', { classes: 10, classifier_activation: null }, [64, 64, 3]);
  assert.deepEqual(m.output, [10]);
  assert.equal(node(m.graph, 'predictions').args.activation, 'linear');
  assert.equal(m.total, 3228864 + 1024 * 10 + 10);
});

test("MobileNetV2 with the top: Keras's 3,538,984 parameters, split and weight variables", () => {
  const m = application('MobileNetV2', {}, AT_224);
  assert.deepEqual([m.total, m.trainable, m.nonTrainable], [3538984, 3504872, 34112]);
  assert.deepEqual(weightVariables(m.graph), { all: 262, trainable: 158 });
  assert.deepEqual(m.output, [1000]);
  assert.deepEqual(
    m.graph.nodes.slice(-2).map((n) => n.node.name),
    ['global_average_pooling2d', 'predictions'],
  );
});

test('MobileNetV2 without the top: 2,257,984 parameters, (7, 7, 1280)', () => {
  const m = application('MobileNetV2', { include_top: false }, AT_224);
  assert.deepEqual([m.total, m.trainable, m.nonTrainable, m.output], [2257984, 2223872, 34112, [7, 7, 1280]]);
});

test("MobileNetV2 alpha=0.35 without the top, pooling='max': Keras's 410,208 (14,080 non-trainable)", () => {
  const m = application('MobileNetV2', { alpha: 0.35, include_top: false, pooling: 'max' }, [96, 96, 3]);
  assert.deepEqual([m.total, m.trainable, m.nonTrainable, m.output], [410208, 396128, 14080, [1280]]);
  // Below alpha 1 the last convolution keeps 1280 filters; above, it widens (_make_divisible(1280 α, 8)).
  assert.deepEqual(application('MobileNetV2', { alpha: 1.4, include_top: false }, AT_224).output, [7, 7, 1792]);
});

test("MobileNetV2 has Keras's layer names and residual adds", () => {
  const m = application('MobileNetV2', { include_top: false }, AT_224);
  const names = m.graph.nodes.map((n) => n.node.name);
  for (const name of ['Conv1', 'bn_Conv1', 'Conv1_relu', 'expanded_conv_depthwise', 'expanded_conv_project_BN']) {
    assert.ok(names.includes(name), name);
  }
  assert.ok(names.includes('block_16_expand_BN') && names.includes('Conv_1_bn') && names.includes('out_relu'));
  assert.equal(names.at(-1), 'out_relu');
  // Blocks that keep their width and stride 1 add their input: 2, 4, 5, 7, 8, 9, 11, 12, 14, 15.
  assert.deepEqual(
    nodesOf(m.graph, 'Add'),
    [2, 4, 5, 7, 8, 9, 11, 12, 14, 15].map((i) => `block_${i}_add`),
  );
  assert.deepEqual(node(m.graph, 'block_2_add').node.inputs, ['block_1_project_BN', 'block_2_project_BN']);
  assert.equal(new Set(names).size, names.length);
});

test("MobileNetV2's correct_pad follows the feature map's parity, as Keras's imagenet_utils does", () => {
  // 224 → Conv1 'same' stride 2 → 112 (even): pad ((0, 1), (0, 1)).
  assert.deepEqual(node(application('MobileNetV2', { include_top: false }, AT_224).graph, 'block_1_pad').args.padding, [
    [0, 1],
    [0, 1],
  ]);
  // 226 → 113 (odd): pad ((1, 1), (1, 1)); unknown sizes pad as even ones.
  const odd = application('MobileNetV2', { include_top: false }, [226, 226, 3]);
  assert.deepEqual(node(odd.graph, 'block_1_pad').args.padding, [
    [1, 1],
    [1, 1],
  ]);
  assert.deepEqual(odd.output, [8, 8, 1280]);
  const unknown = application('MobileNetV2', { include_top: false }, [null, null, 3]);
  assert.deepEqual(node(unknown.graph, 'block_1_pad').args.padding, [
    [0, 1],
    [0, 1],
  ]);
  assert.deepEqual(unknown.output, [null, null, 1280]);
});

test('MobileNet and MobileNetV2 need at least 32×32', () => {
  for (const name of ['MobileNet', 'MobileNetV2']) {
    assert.throws(
      () => application(name, { include_top: false }, [31, 31, 3]),
      (e: unknown) => e instanceof ShapeError && e.message.includes('at least 32×32'),
    );
  }
});

test("Keras's positional order: MobileNetV2(input_shape, alpha, include_top, …), MobileNet(…, depth_multiplier, dropout, include_top, …)", () => {
  const a = analyze(
    [
      'model flowers {',
      '    MobileNetV2((96, 96, 3), 0.35, False, None, "max", trainable=False)',
      '    Dense(5, activation="softmax")',
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
      ['mobilenetv2_0.35_96', [1280]],
      ['dense', [5]],
    ],
  );
  assert.deepEqual(a.model!.totals, { total: 410208 + 1280 * 5 + 5, trainable: 1280 * 5 + 5, nonTrainable: 410208 });
  const b = analyze(
    ['model m {', '    MobileNet((128, 128, 3), 0.5, 1, 0.1, False, None, "avg")', '    Dense(2)', '}'].join('\n'),
  );
  assert.deepEqual(
    b.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual(b.model!.layers[0].output, [512]);
});

test("weights files: Keras's names for the default alpha and size", () => {
  const { spec: v1 } = application('MobileNet', {}, AT_224);
  const { spec: v2 } = application('MobileNetV2', {}, AT_224);
  assert.deepEqual(v1.weightsFiles, { top: 'mobilenet_1_0_224_tf.h5', notop: 'mobilenet_1_0_224_tf_no_top.h5' });
  assert.deepEqual(v2.weightsFiles, {
    top: 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5',
    notop: 'mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5',
  });
});

test("Keras's model names: mobilenet_{alpha:.2f}_{rows}, as the Sequential summary prints them", () => {
  const names = (line: string) =>
    analyze(['model m {', `    ${line}`, '    Dense(2)', '}'].join('\n')).model!.layers[0].name;
  assert.equal(names('MobileNetV2()'), 'mobilenetv2_1.00_224');
  assert.equal(names('MobileNet()'), 'mobilenet_1.00_224');
  assert.equal(
    names('MobileNet(input_shape=(160, 160, 3), alpha=0.5, include_top=False, pooling="avg")'),
    'mobilenet_0.50_160',
  );
  assert.equal(
    names('MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, include_top=False, pooling="avg")'),
    'mobilenetv2_0.35_96',
  );
  // weights='imagenet' at a size Keras has no weights for loads the 224 ones, and says so in the name.
  assert.equal(
    names('MobileNetV2(input_shape=(100, 100, 3), include_top=False, pooling="avg", weights="imagenet")'),
    'mobilenetv2_1.00_224',
  );
  // Without the top and without input_shape Keras builds (None, None, 3): rows is None.
  const a = analyze(
    [
      'model m {',
      '    Input(shape=(64, 64, 3))',
      '    MobileNet(include_top=False, pooling="avg")',
      '    Dense(2)',
      '}',
    ].join('\n'),
  );
  assert.equal(a.model!.layers[0].name, 'mobilenet_1.00_None');
  // The graph (the hover's "Model" line) and the nested Functional config carry the same name.
  assert.equal(
    application('MobileNetV2', { input_shape: [96, 96, 3], alpha: 0.35, include_top: false }, [96, 96, 3]).graph.graph
      .name,
    'mobilenetv2_0.35_96',
  );
  assert.equal(application('MobileNet', {}, AT_224).graph.graph.name, 'mobilenet_1.00_224');
  const spec = getLayer('MobileNetV2')!;
  const args = withDefaults(spec, { alpha: 0.35, include_top: false });
  assert.equal(
    (spec.toKeras({ args, input: [96, 96, 3] }, 'mobilenetv2_0.35_96').config as { name: string }).name,
    'mobilenetv2_0.35_96',
  );
});

test("the hover lists MobileNetV2's own summary under Keras's model name, with its residual adds' inputs", () => {
  const text =
    'model m {\n  MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, include_top=False, pooling="max")\n  Dense(2)\n}\n';
  const a = analyze(text);
  const h = hover(a, { line: 1, character: 4 });
  assert.ok(h);
  assert.match(h.contents, /Keras name: `mobilenetv2_0\.35_96`/);
  assert.match(
    h.contents,
    /\*\*Model "mobilenetv2\\?_0\.35\\?_96"\*\* \(\d+ layers\) · Total params: 410,208 · Trainable: 396,128 · Non-trainable: 14,080/,
  );
  const lines = h.contents.split('\n');
  assert.ok(
    lines.includes(
      '| block\\_2\\_add (Add) | (None, 24, 24, 8) | 0 | block\\_1\\_project\\_BN, block\\_2\\_project\\_BN |',
    ),
    h.contents,
  );
  assert.ok(lines.includes('| global\\_max\\_pooling2d (GlobalMaxPooling2D) | (None, 1280) | 0 | out\\_relu |'));
});
