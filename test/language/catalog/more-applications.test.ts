// DenseNet121/169/201, Xception, InceptionV3, InceptionResNetV2, NASNetMobile and ConvNeXtTiny
// (language/catalog/applications/): Keras's parameter counts with and without the top, the
// trainable/non-trainable split, Keras's argument order, default inputs and minimum sizes, the
// layer names a Keras weights file is matched by, and what each graph lowers to.
// Ground truth: Keras's model.summary() of keras.applications as printed in public notebooks and
// scripts, e.g. "DenseNet121 … Total params: 8,062,504 / Trainable params: 7,978,856 /
// Non-trainable params: 83,648", "xception … 22,910,480 / 22,855,952 / 54,528", without the top
// "Total params: 20,861,480 / Trainable params: 20,806,952 / Non-trainable params: 54,528",
// InceptionV3 "21,802,784 / 21,768,352 / 34,432", DenseNet121 "7,037,504 / 6,953,856 / 83,648",
// "convnext_tiny (Functional)  (None, 7, 7, 768)  27820128". Where no printed summary without the
// top was found (DenseNet169/201, InceptionResNetV2, NASNetMobile), the figure is Keras's total
// with the top less its predictions Dense (channels × 1000 + 1000), the only layer the top adds.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allLayers,
  getLayer,
  matchesType,
  ShapeError,
  SUPPORT_TARGETS,
  unsupportedUse,
  withDefaults,
  type ArgValue,
  type Shape,
} from '../../../language/catalog';
import { analyze } from '../../../language/analysis/analyze';
import { correctPad, shapedGraphBuilder } from '../../../language/catalog/graph/shaped-builder';

function fold(name: string, args: Record<string, ArgValue>, input?: Shape) {
  const spec = getLayer(name);
  assert.ok(spec, `${name} is in the catalog`);
  const bound = withDefaults(spec, args);
  const ctx = { args: bound, input: input ?? spec.defaultInput! };
  const graph = spec.graph!(ctx);
  return {
    spec,
    ctx,
    graph,
    total: graph.params.trainable + graph.params.nonTrainable,
    split: [graph.params.trainable, graph.params.nonTrainable],
    output: graph.output,
    names: graph.nodes.map((n) => n.node.name),
  };
}

// name, default input, Keras's totals with the top (total, trainable, non-trainable), without the
// top (total, non-trainable), the feature map at the default input.
const KERAS: [string, Shape, [number, number, number], [number, number], [number, number, number]][] = [
  ['DenseNet121', [224, 224, 3], [8062504, 7978856, 83648], [7037504, 83648], [7, 7, 1024]],
  ['DenseNet169', [224, 224, 3], [14307880, 14149480, 158400], [12642880, 158400], [7, 7, 1664]],
  ['DenseNet201', [224, 224, 3], [20242984, 20013928, 229056], [18321984, 229056], [7, 7, 1920]],
  ['Xception', [299, 299, 3], [22910480, 22855952, 54528], [20861480, 54528], [10, 10, 2048]],
  ['InceptionV3', [299, 299, 3], [23851784, 23817352, 34432], [21802784, 34432], [8, 8, 2048]],
  ['InceptionResNetV2', [299, 299, 3], [55873736, 55813192, 60544], [54336736, 60544], [8, 8, 1536]],
  ['NASNetMobile', [224, 224, 3], [5326716, 5289978, 36738], [4269716, 36738], [7, 7, 1056]],
  ['ConvNeXtTiny', [224, 224, 3], [28589128, 28589128, 0], [27820128, 0], [7, 7, 768]],
];

for (const [name, input, [total, trainable, nonTrainable], [notop, notopNon], features] of KERAS) {
  test(`${name}: Keras's ${total.toLocaleString('en')} parameters with the top at its default input, ${notop.toLocaleString('en')} without`, () => {
    assert.deepEqual(getLayer(name)!.defaultInput, input);
    const top = fold(name, {});
    assert.deepEqual([top.total, ...top.split], [total, trainable, nonTrainable]);
    assert.deepEqual(top.output, [1000]);
    const bare = fold(name, { include_top: false });
    assert.deepEqual([bare.total, bare.split[1]], [notop, notopNon]);
    assert.deepEqual(bare.output, features);
    assert.deepEqual(fold(name, { include_top: false, pooling: 'avg' }).output, [features[2]]);
    assert.deepEqual(fold(name, { include_top: false, pooling: 'max' }).output, [features[2]]);
    // classes resizes the predictions layer only.
    const ten = fold(name, { classes: 10 });
    assert.equal(ten.total, notop + features[2] * 10 + 10);
  });

  test(`${name} with trainable=False: every weight is non-trainable`, () => {
    const frozen = fold(name, { trainable: false });
    assert.deepEqual(frozen.split, [0, total]);
  });
}

test("the minimum input sizes are Keras's: Xception 71, InceptionV3 and InceptionResNetV2 75, the others 32", () => {
  for (const [name, min] of [
    ['Xception', 71],
    ['InceptionV3', 75],
    ['InceptionResNetV2', 75],
    ['DenseNet121', 32],
    ['NASNetMobile', 32],
    ['ConvNeXtTiny', 32],
  ] as const) {
    assert.doesNotThrow(() => fold(name, { include_top: false }, [min, min, 3]));
    assert.throws(
      () => fold(name, { include_top: false }, [min - 1, min, 3]),
      (e: unknown) => e instanceof ShapeError && e.message.includes(`at least ${min}×${min}`),
      name,
    );
  }
});

test("the arguments are in Keras's positional order (NASNetMobile takes input_shape first; ConvNeXtTiny include_preprocessing second)", () => {
  const order = (name: string) => getLayer(name)!.args.map((a) => a.name);
  const standard = ['include_top', 'weights', 'input_shape', 'pooling', 'classes', 'classifier_activation'];
  for (const name of ['DenseNet121', 'DenseNet169', 'DenseNet201', 'Xception', 'InceptionV3', 'InceptionResNetV2']) {
    assert.deepEqual(order(name), [...standard, 'name', 'trainable'], name);
  }
  assert.deepEqual(order('NASNetMobile'), [
    'input_shape',
    'include_top',
    'weights',
    'pooling',
    'classes',
    'classifier_activation',
    'name',
    'trainable',
  ]);
  assert.deepEqual(order('ConvNeXtTiny'), [
    'include_top',
    'include_preprocessing',
    'weights',
    'input_shape',
    'pooling',
    'classes',
    'classifier_activation',
    'name',
    'trainable',
  ]);
});

test("weights files are Keras's file names", () => {
  assert.deepEqual(getLayer('DenseNet169')!.weightsFiles, {
    top: 'densenet169_weights_tf_dim_ordering_tf_kernels.h5',
    notop: 'densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5',
  });
  assert.deepEqual(getLayer('InceptionResNetV2')!.weightsFiles, {
    top: 'inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5',
    notop: 'inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5',
  });
  assert.deepEqual(getLayer('Xception')!.weightsFiles?.notop, 'xception_weights_tf_dim_ordering_tf_kernels_notop.h5');
  assert.deepEqual(getLayer('InceptionV3')!.weightsFiles?.top, 'inception_v3_weights_tf_dim_ordering_tf_kernels.h5');
  assert.deepEqual(getLayer('NASNetMobile')!.weightsFiles, {
    top: 'nasnet_mobile.h5',
    notop: 'nasnet_mobile_no_top.h5',
  });
  assert.deepEqual(getLayer('ConvNeXtTiny')!.weightsFiles, {
    top: 'convnext_tiny.h5',
    notop: 'convnext_tiny_notop.h5',
  });
});

test("layer names are Keras's, auto names included (a weights file is matched by them)", () => {
  // Keras's layer counts (len(model.layers), the input included) without the top.
  const layers = (name: string) => fold(name, { include_top: false }).names.length + 1;
  assert.equal(layers('DenseNet121'), 427);
  assert.equal(layers('InceptionV3'), 311);
  assert.equal(layers('InceptionResNetV2'), 780);
  assert.equal(layers('Xception'), 132);
  assert.equal(layers('NASNetMobile'), 769);

  const dense = fold('DenseNet121', { include_top: false }).names;
  assert.deepEqual(dense.slice(0, 6), [
    'zero_padding2d',
    'conv1_conv',
    'conv1_bn',
    'conv1_relu',
    'zero_padding2d_1',
    'pool1',
  ]);
  assert.deepEqual(dense.slice(-3), ['conv5_block16_concat', 'bn', 'relu']);
  assert.ok(dense.includes('pool4_pool'));

  const xception = fold('Xception', {}).names;
  assert.deepEqual(
    xception.filter((n) => /^(conv2d|add)/.test(n)),
    [
      'conv2d',
      'add',
      'conv2d_1',
      'add_1',
      'conv2d_2',
      'add_2',
      ...Array.from({ length: 8 }, (_, i) => `add_${i + 3}`),
      'conv2d_3',
      'add_11',
    ],
  );
  assert.deepEqual(xception.slice(-4), ['block14_sepconv2_bn', 'block14_sepconv2_act', 'avg_pool', 'predictions']);

  const inception = fold('InceptionV3', { include_top: false }).names;
  // 94 conv2d_bn units: conv2d … conv2d_93, as the summaries' last `activation_93[0][0]` shows.
  assert.ok(inception.includes('conv2d_93') && inception.includes('activation_93') && !inception.includes('conv2d_94'));
  assert.ok(inception.includes('batch_normalization_93'));
  assert.equal(inception.at(-1), 'mixed10');
  assert.ok(inception.includes('mixed9_1') && inception.includes('concatenate_1'));

  const irv2 = fold('InceptionResNetV2', { include_top: false, pooling: 'avg' }).names;
  assert.deepEqual(irv2.slice(-5), [
    'custom_scale_layer_39',
    'conv_7b',
    'conv_7b_bn',
    'conv_7b_ac',
    'global_average_pooling2d',
  ]);
  assert.ok(irv2.includes('block35_10_ac') && irv2.includes('block17_20_mixed') && !irv2.includes('block8_10_ac'));

  const nasnet = fold('NASNetMobile', {}).names;
  assert.deepEqual(nasnet.slice(0, 2), ['stem_conv1', 'stem_bn1']);
  // Cell 0's previous output (stem_1's) is twice as wide: reduced (adjust_conv_1/2); cell 1's is projected.
  assert.ok(
    nasnet.includes('adjust_conv_1_0') &&
      nasnet.includes('adjust_conv_2_0') &&
      !nasnet.includes('adjust_conv_projection_0'),
  );
  assert.ok(nasnet.includes('adjust_bn_stem_2') && nasnet.includes('adjust_conv_projection_1'));
  assert.ok(
    nasnet.includes('reduction_concat_reduce_8') && nasnet.includes('separable_conv_1_pad_reduction_left1_stem_1'),
  );
  assert.match(nasnet.at(-3)!, /^activation_\d+$/);
  assert.deepEqual(nasnet.slice(-2), ['global_average_pooling2d', 'predictions']);
});

test('ConvNeXtTiny: layers named from the model name, LayerScale per block, no StochasticDepth at drop_path_rate 0', () => {
  const c = fold('ConvNeXtTiny', {});
  assert.deepEqual(c.names.slice(0, 3), [
    'convnext_tiny_prestem_normalization',
    'convnext_tiny_stem_conv',
    'convnext_tiny_stem_layernorm',
  ]);
  assert.deepEqual(c.names.slice(-3), [
    'convnext_tiny_head_gap',
    'convnext_tiny_head_layernorm',
    'convnext_tiny_head_dense',
  ]);
  const block = c.names.filter((n) => n.startsWith('convnext_tiny_stage_2_block_8_'));
  assert.deepEqual(block, [
    'convnext_tiny_stage_2_block_8_depthwise_conv',
    'convnext_tiny_stage_2_block_8_layernorm',
    'convnext_tiny_stage_2_block_8_pointwise_conv_1',
    'convnext_tiny_stage_2_block_8_gelu',
    'convnext_tiny_stage_2_block_8_pointwise_conv_2',
    'convnext_tiny_stage_2_block_8_layer_scale',
    'convnext_tiny_stage_2_block_8_identity',
  ]);
  assert.equal(c.graph.nodes.filter((n) => n.node.layer === 'LayerScale').length, 18);
  // The block's depthwise convolution is a grouped Conv2D: 7·7·1·C + C weights.
  const dw = c.graph.nodes.find((n) => n.node.name === 'convnext_tiny_stage_3_block_0_depthwise_conv')!;
  assert.deepEqual(dw.params, { trainable: 49 * 768 + 768, nonTrainable: 0 });
  // The fixed ImageNet normalisation holds no weights; without it (or on a non-RGB input) it is gone.
  const norm = c.graph.nodes[0];
  assert.deepEqual([norm.node.layer, norm.params.trainable + norm.params.nonTrainable], ['Normalization', 0]);
  assert.equal(fold('ConvNeXtTiny', { include_preprocessing: false }).names[0], 'convnext_tiny_stem_conv');
  assert.equal(fold('ConvNeXtTiny', { include_top: false }, [64, 64, 1]).names[0], 'convnext_tiny_stem_conv');
  // Its grouped convolutions run on both engines (the TF.js engine's KerasConv2D has groups).
  assert.equal(getLayer('ConvNeXtTiny')!.support.tfjs, true);
  // name= renames every layer, as Keras's name argument does.
  const renamed = fold('ConvNeXtTiny', { name: 'backbone' });
  assert.ok(renamed.names.includes('backbone_stage_0_block_0_layer_scale'));
  assert.equal(renamed.total, 28589128);
  // Without the top Keras still normalises the (optionally pooled) features.
  assert.deepEqual(fold('ConvNeXtTiny', { include_top: false, pooling: 'avg' }).names.slice(-2), [
    'global_average_pooling2d',
    'layer_normalization',
  ]);
});

test('NASNetMobile needs fixed sizes (its cells compare them while building); the others accept None', () => {
  assert.throws(
    () => fold('NASNetMobile', { include_top: false }, [null, null, 3]),
    (e: unknown) =>
      e instanceof ShapeError && e.code === 'shape-unknown' && e.message.includes('fixed input height and width'),
  );
  for (const name of ['DenseNet121', 'Xception', 'InceptionV3', 'InceptionResNetV2', 'ConvNeXtTiny']) {
    const c = fold(name, { include_top: false, pooling: 'avg' }, [null, null, 3]);
    assert.equal(c.output.length, 1, name);
  }
  assert.equal(fold('DenseNet121', { include_top: false }, [null, null, 3]).total, 7037504);
});

test("NASNetMobile follows Keras's correct_pad on odd and even sizes", () => {
  // 33×37: odd sizes pad (1, 1) before a stride-2 3×3 instead of (0, 1); every cell still lines up.
  const odd = fold('NASNetMobile', { include_top: false }, [33, 37, 3]);
  assert.deepEqual(odd.output, [1, 2, 1056]);
  const pad = odd.graph.nodes.find((n) => n.node.name === 'reduction_pad_1_stem_1')!;
  assert.deepEqual(pad.inputs[0].slice(0, 2), [16, 18]);
  assert.deepEqual(pad.args.padding, [
    [0, 1],
    [0, 1],
  ]);
  const oddPad = odd.graph.nodes.find((n) => n.node.name === 'reduction_pad_1_stem_2')!;
  assert.deepEqual(oddPad.inputs[0].slice(0, 2), [8, 9]);
  assert.deepEqual(oddPad.args.padding, [
    [0, 1],
    [1, 1],
  ]);
});

test('the Functional config carries the graph ops with their Keras configs', () => {
  const lower = (name: string, args: Record<string, ArgValue>, input: Shape) => {
    const spec = getLayer(name)!;
    const config = spec.toKeras({ args: withDefaults(spec, args), input }, spec.kerasName) as unknown as {
      config: {
        name: string;
        layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown }[];
      };
    };
    return new Map(config.config.layers.map((l) => [l.name, l]));
  };
  const irv2 = lower('InceptionResNetV2', { include_top: false }, [75, 75, 3]);
  const scale = irv2.get('custom_scale_layer')!;
  assert.equal(scale.class_name, 'CustomScaleLayer');
  assert.equal(scale.config.scale, 0.17);
  assert.deepEqual(scale.inbound_nodes, [
    [
      ['mixed_5b', 0, 0, {}],
      ['block35_1_conv', 0, 0, {}],
    ],
  ]);
  assert.equal(irv2.get('custom_scale_layer_39')!.config.scale, 1);
  const convnext = lower('ConvNeXtTiny', { include_top: false }, [32, 32, 3]);
  const gamma = convnext.get('convnext_tiny_stage_1_block_2_layer_scale')!;
  assert.equal(gamma.class_name, 'LayerScale');
  assert.deepEqual([gamma.config.init_values, gamma.config.projection_dim], [1e-6, 192]);
  assert.equal(convnext.get('convnext_tiny_stage_0_block_0_depthwise_conv')!.config.groups, 96);
  const dense = lower('DenseNet121', { include_top: false }, [32, 32, 3]);
  assert.equal(dense.get('conv2_block1_concat')!.config.axis, 3);
  assert.equal(dense.get('pool2_conv')!.config.filters, 128);
});

test('a model with a frozen NASNetMobile base checks and counts the nested layer once', () => {
  const a = analyze(
    [
      'model flowers {',
      '    NASNetMobile(input_shape=(96, 96, 3), include_top=False, pooling="avg", trainable=False)',
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
      ['nasnet_mobile', [1056]],
      ['dense', [5]],
    ],
  );
  assert.deepEqual(a.model!.totals, { total: 4269716 + 5285, trainable: 5285, nonTrainable: 4269716 });
});

test('positional arguments bind in Keras order: ConvNeXtTiny(False, False, …) has no top and no preprocessing', () => {
  const a = analyze(['model m {', '    Input(shape=(64, 64, 3))', '    ConvNeXtTiny(False, False)', '}'].join('\n'));
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const layer = a.model!.layers.at(-1)!;
  assert.deepEqual(layer.output, [2, 2, 768]);
  assert.equal(layer.params!.trainable + layer.params!.nonTrainable, 27820128);
});

test('ShapedGraphBuilder knows each shape as the graph is built, and a shape error names the node', () => {
  const g = shapedGraphBuilder('toy', [9, 10, 3]);
  const a = g.layer('Conv2D', { filters: 4, kernel_size: 3, strides: 2, name: 'a' }, g.input);
  assert.deepEqual(g.shape(a), [4, 4, 4]);
  const cat = g.merge('Concatenate', [a, a], { axis: -1 });
  assert.equal(g.channels(cat), 8);
  // correct_pad: an odd side pads (k//2, k//2), an even one one less before, an unknown one as an even one.
  assert.deepEqual(correctPad([9, 10, 3], 3), [
    [1, 1],
    [0, 1],
  ]);
  assert.deepEqual(correctPad([null, 7, 3], 5), [
    [1, 2],
    [1, 2],
  ]);
  assert.throws(
    () => g.merge('Add', [g.input, a], { name: 'bad_add' }),
    (e: unknown) => e instanceof ShapeError && e.message.startsWith('bad_add: Add needs inputs of one shape'),
  );
});

test("every node of every layer-graph application passes its catalog layer's argument names and types", () => {
  const apps = allLayers().filter((s) => s.graph);
  assert.ok(apps.length >= 12, 'the graph applications are in the catalog');
  const problems: string[] = [];
  for (const spec of apps) {
    const { graph } = fold(spec.name, { include_top: true });
    const bare = fold(spec.name, { include_top: false, pooling: 'max' }, spec.defaultInput);
    for (const f of [...graph.nodes, ...bare.graph.nodes]) {
      if (!f.spec) continue; // a graph op (graph-ops.ts): its own rules
      const known = new Map(f.spec.args.map((a) => [a.name, a]));
      for (const [key, value] of Object.entries(f.node.args)) {
        const a = known.get(key);
        if (!a) problems.push(`${spec.name}/${f.node.name}: ${f.node.layer} has no argument ${key}`);
        else if (!matchesType(a.type, value)) {
          problems.push(
            `${spec.name}/${f.node.name}: ${f.node.layer} ${key}=${JSON.stringify(value)} does not fit its type`,
          );
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('NASNetMobile binds input_shape as its first positional argument, as Keras does', () => {
  const a = analyze(['model m {', '    NASNetMobile((64, 64, 3), False, None, "avg")', '    Dense(2)', '}'].join('\n'));
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.deepEqual(
    a.model!.layers.map((l) => l.output),
    [[1056], [2]],
  );
});

test('a graph application runs on no target that one of its layers lacks', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const spec of allLayers().filter((s) => s.graph)) {
    const targets = SUPPORT_TARGETS.filter((t) => spec.support[t]);
    const { graph } = fold(spec.name, { include_top: false, pooling: 'avg' });
    for (const f of graph.nodes) {
      if (!f.spec) continue;
      for (const t of targets) {
        checked++;
        const why = unsupportedUse(f.spec, f.args, t, (v) => JSON.stringify(v));
        if (why) problems.push(`${spec.name}/${f.node.name} on ${t}: ${why}`);
      }
    }
  }
  assert.ok(checked > 0);
  assert.deepEqual(problems, []);
});

test('the graph modules load whichever is imported first (the catalog imports them in a cycle)', () => {
  // layer-graph.ts reads the layer registry, which lists the applications, which build with
  // shaped-builder.ts: a fresh process importing one of these first must still load them all.
  // (define-application.ts first, or an application module that imports it first, fails on main
  // already: its STANDARD_ORDER is read while the applications it is importing define themselves.)
  for (const first of ['language/catalog/graph/layer-graph.ts', 'language/catalog/graph/shaped-builder.ts']) {
    const code = `await import(${JSON.stringify(join(process.cwd(), first))});
const { getLayer, withDefaults } = await import(${JSON.stringify(join(process.cwd(), 'language/catalog/index.ts'))});
const s = getLayer('DenseNet121');
const p = s.params({ args: withDefaults(s, { include_top: false }), input: [32, 32, 3] });
console.log(p.trainable + p.nonTrainable);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, `importing ${first} first: ${r.stderr}`);
    assert.equal(r.stdout.trim(), '7037504', first);
  }
});
