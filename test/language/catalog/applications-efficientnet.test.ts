// EfficientNetB0–B7 as layer graphs (language/catalog/applications/efficientnet.ts).
// Ground truth: keras.io/api/applications' table (total parameters with the top) and Keras's
// model.summary() / len(model.weights) of keras.applications:
//   B0 5,330,571 = 5,288,548 trainable + 42,023; 314 weights, 213 trainable;
//      without the top 4,049,571 = 4,007,548 + 42,023
//   B1 7,856,239 = 7,794,184 + 62,055; 442 weights, 301 trainable
//   B2 9,177,569   B3 12,320,535   B4 19,466,823   B5 30,562,527   B6 43,265,143
//   B7 66,658,687 = 66,347,960 + 310,727; 1040 weights, 711 trainable
// The non-trainable part includes the stem Normalization's mean, variance and count (3 + 3 + 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declaredInputShape, getLayer } from '../../../language/catalog';
import { analyze } from '../../../language/analysis/analyze';
import { application, node, nodesOf, weightVariables } from '../../helpers/applications';

/** Keras's default size (EfficientNetB0() … B7()) and its total with the top. */
const KERAS: [variant: number, size: number, total: number][] = [
  [0, 224, 5330571],
  [1, 240, 7856239],
  [2, 260, 9177569],
  [3, 300, 12320535],
  [4, 380, 19466823],
  [5, 456, 30562527],
  [6, 528, 43265143],
  [7, 600, 66658687],
];

for (const [variant, size, total] of KERAS) {
  test(`EfficientNetB${variant} at its default ${size}×${size}: Keras's ${total.toLocaleString('en')} parameters`, () => {
    const name = `EfficientNetB${variant}`;
    assert.deepEqual(declaredInputShape(getLayer(name)!, {}), [size, size, 3]);
    const m = application(name, {}, [size, size, 3]);
    assert.equal(m.total, total);
    assert.deepEqual(m.output, [1000]);
  });
}

test("Keras's trainable/non-trainable split and weight variables of B0, B1 and B7", () => {
  const split = (variant: number, size: number) => {
    const m = application(`EfficientNetB${variant}`, {}, [size, size, 3]);
    return [m.trainable, m.nonTrainable, weightVariables(m.graph)];
  };
  assert.deepEqual(split(0, 224), [5288548, 42023, { all: 314, trainable: 213 }]);
  assert.deepEqual(split(1, 240), [7794184, 62055, { all: 442, trainable: 301 }]);
  assert.deepEqual(split(7, 600), [66347960, 310727, { all: 1040, trainable: 711 }]);
});

test('EfficientNetB0 without the top: 4,049,571 parameters (42,023 non-trainable), pooled or not', () => {
  const m = application('EfficientNetB0', { include_top: false }, [128, 128, 3]);
  assert.deepEqual([m.total, m.trainable, m.nonTrainable, m.output], [4049571, 4007548, 42023, [4, 4, 1280]]);
  const avg = application('EfficientNetB0', { include_top: false, pooling: 'avg' }, [128, 128, 3]);
  assert.deepEqual([avg.output, avg.graph.nodes.at(-1)!.node.name], [[1280], 'avg_pool']);
  const max = application('EfficientNetB0', { include_top: false, pooling: 'max' }, [32, 32, 3]);
  assert.deepEqual([max.output, max.graph.nodes.at(-1)!.node.name], [[1280], 'max_pool']);
});

test('the stem rescales to [0, 1] and normalises per channel (an unadapted Normalization: 7 weights)', () => {
  const m = application('EfficientNetB0', { include_top: false }, [224, 224, 3]);
  const [rescaling, normalization, pad] = m.graph.nodes;
  assert.deepEqual([rescaling.node.layer, rescaling.args.scale], ['Rescaling', 1 / 255]);
  assert.deepEqual([normalization.node.layer, normalization.args.axis], ['Normalization', 3]);
  assert.deepEqual(normalization.params, { trainable: 0, nonTrainable: 7 });
  // correct_pad on the even 224: ((0, 1), (0, 1)); on an odd input ((1, 1), (1, 1)).
  assert.deepEqual(
    [pad.node.name, pad.args.padding],
    [
      'stem_conv_pad',
      [
        [0, 1],
        [0, 1],
      ],
    ],
  );
  const odd = application('EfficientNetB0', { include_top: false }, [225, 225, 3]);
  assert.deepEqual(node(odd.graph, 'stem_conv_pad').args.padding, [
    [1, 1],
    [1, 1],
  ]);
  assert.deepEqual(odd.output, [8, 8, 1280]);
});

test("blocks: Keras's names, depth-scaled repeats, squeeze-and-excitation and drop-connect", () => {
  const b0 = application('EfficientNetB0', {}, [224, 224, 3]);
  const names = b0.graph.nodes.map((n) => n.node.name);
  const blocks = [...new Set(names.filter((n) => /^block\d[a-z]_/.test(n)).map((n) => n.slice(0, 7)))];
  assert.deepEqual(blocks, [
    'block1a',
    'block2a',
    'block2b',
    'block3a',
    'block3b',
    'block4a',
    'block4b',
    'block4c',
    'block5a',
    'block5b',
    'block5c',
    'block6a',
    'block6b',
    'block6c',
    'block6d',
    'block7a',
  ]);
  // block1a has no expansion (expand_ratio 1); the others expand 6×.
  assert.ok(!names.includes('block1a_expand_conv') && names.includes('block2a_expand_conv'));
  assert.deepEqual(node(b0.graph, 'block2a_expand_conv').output, [112, 112, 96]);
  assert.deepEqual(node(b0.graph, 'block2a_se_excite').node.inputs, ['block2a_activation', 'block2a_se_expand']);
  assert.deepEqual(node(b0.graph, 'block2a_se_reduce').output, [1, 1, 4]); // max(1, int(16 · 0.25))
  // Drop-connect: Dropout with one mask value per sample, its rate 0.2 · (block index) / 16.
  const drop = node(b0.graph, 'block2b_drop');
  assert.deepEqual([drop.args.rate, drop.args.noise_shape], [(0.2 * 2) / 16, [null, 1, 1, 1]]);
  assert.deepEqual(node(b0.graph, 'block2b_add').node.inputs, ['block2b_drop', 'block2a_project_bn']);
  assert.deepEqual(nodesOf(b0.graph, 'Dropout').at(-1), 'top_dropout');
  assert.equal(node(b0.graph, 'top_dropout').args.rate, 0.2);
  // B7: width 2.0 and depth 3.1 (block1 repeats ceil(3.1 · 1) = 4; top_conv round_filters(1280 · 2)).
  const b7 = application('EfficientNetB7', { include_top: false }, [64, 64, 3]);
  const b7names = b7.graph.nodes.map((n) => n.node.name);
  assert.ok(b7names.includes('block1d_project_bn') && !b7names.includes('block1e_project_bn'));
  assert.deepEqual(node(b7.graph, 'top_conv').output, [2, 2, 2560]);
  assert.equal(node(application('EfficientNetB7', {}, [64, 64, 3]).graph, 'top_dropout').args.rate, 0.5);
});

test("Keras's initializers: VarianceScaling(2.0, fan_out, truncated_normal) on convolutions, (1/3, fan_out, uniform) on the top", () => {
  const m = application('EfficientNetB0', {}, [224, 224, 3]);
  assert.deepEqual(node(m.graph, 'stem_conv').args.kernel_initializer, {
    call: 'VarianceScaling',
    args: { scale: 2.0, mode: 'fan_out', distribution: 'truncated_normal' },
  });
  assert.deepEqual(node(m.graph, 'block1a_dwconv').args.depthwise_initializer, {
    call: 'VarianceScaling',
    args: { scale: 2.0, mode: 'fan_out', distribution: 'truncated_normal' },
  });
  // Lowered as Keras writes them in the Functional config.
  const spec = getLayer('EfficientNetB0')!;
  const config = spec.toKeras({ args: m.args, input: [224, 224, 3] }, 'efficientnetb0') as unknown as {
    config: { layers: { name: string; config: Record<string, unknown> }[] };
  };
  const predictions = config.config.layers.find((l) => l.name === 'predictions')!;
  assert.deepEqual(predictions.config.kernel_initializer, {
    class_name: 'VarianceScaling',
    config: { scale: 1 / 3, mode: 'fan_out', distribution: 'uniform', seed: null },
  });
  const drop = config.config.layers.find((l) => l.name === 'block2b_drop')!;
  assert.deepEqual(drop.config.noise_shape, [null, 1, 1, 1]);
});

test('a model with EfficientNetB0 as a frozen base checks and counts the nested layer once', () => {
  const a = analyze(
    [
      'model cifar {',
      '    EfficientNetB0(include_top=False, input_shape=(32, 32, 3), pooling="avg", trainable=False)',
      '    Dense(10, activation="softmax")',
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
      ['efficientnetb0', [1280]],
      ['dense', [10]],
    ],
  );
  assert.deepEqual(a.model!.totals, { total: 4049571 + 12810, trainable: 12810, nonTrainable: 4049571 });
});

test("weights files: Keras's names (efficientnetb0.h5, efficientnetb0_notop.h5, …)", () => {
  for (let b = 0; b < 8; b++) {
    assert.deepEqual(getLayer(`EfficientNetB${b}`)!.weightsFiles, {
      top: `efficientnetb${b}.h5`,
      notop: `efficientnetb${b}_notop.h5`,
    });
  }
});
