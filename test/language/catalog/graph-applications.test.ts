// Keras Applications that are layer graphs (language/catalog/graph/, applications/): the fold of
// shapes and counts over the graph, its Functional config, and each application's Keras counts.
// Ground truth: Keras's model.summary() totals as printed for keras.applications (e.g. ResNet50
// "Total params: 25,636,712 / Trainable params: 25,583,592 / Non-trainable params: 53,120",
// ResNet50V2 "25,613,800 / 25,568,360 / 45,440"), and keras.io/api/applications' table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, ShapeError, withDefaults } from '../../../language/catalog';
import { foldGraph, functionalConfig, GraphBuilder } from '../../../language/catalog/graph/layer-graph';
import { analyze } from '../../../language/analysis/analyze';

function counts(name: string, args: Record<string, unknown>, input: (number | null)[]) {
  const spec = getLayer(name)!;
  const bound = withDefaults(spec, args as never);
  const p = spec.params({ args: bound, input });
  return { total: p.trainable + p.nonTrainable, ...p, output: spec.outputShape({ args: bound, input }) };
}

const KERAS_TOTALS: [name: string, withTop: number, trainable: number, nonTrainable: number][] = [
  ['ResNet50', 25636712, 25583592, 53120],
  ['ResNet101', 44707176, 44601832, 105344],
  ['ResNet152', 60419944, 60268520, 151424],
  ['ResNet50V2', 25613800, 25568360, 45440],
];

for (const [name, total, trainable, nonTrainable] of KERAS_TOTALS) {
  test(`${name} with the top at 224×224×3: ${total.toLocaleString('en')} parameters, Keras's split`, () => {
    const c = counts(name, {}, [224, 224, 3]);
    assert.deepEqual([c.total, c.trainable, c.nonTrainable], [total, trainable, nonTrainable]);
    assert.deepEqual(c.output, [1000]);
  });
}

test('ResNet50 without the top: 23,587,712 parameters, (7, 7, 2048) or pooled', () => {
  assert.equal(counts('ResNet50', { include_top: false }, [224, 224, 3]).total, 23587712);
  assert.deepEqual(counts('ResNet50', { include_top: false }, [224, 224, 3]).output, [7, 7, 2048]);
  assert.deepEqual(counts('ResNet50', { include_top: false, pooling: 'avg' }, [32, 32, 3]).output, [2048]);
  assert.deepEqual(counts('ResNet50', { include_top: false }, [32, 32, 3]).output, [1, 1, 2048]);
});

test('trainable=False moves every weight to non-trainable', () => {
  const c = counts('ResNet50', { trainable: false }, [224, 224, 3]);
  assert.deepEqual([c.trainable, c.nonTrainable], [0, 25636712]);
});

test('an input below the minimum size is a shape error that says how to fix it', () => {
  assert.throws(
    () => counts('ResNet50', { include_top: false }, [28, 28, 3]),
    (e: unknown) => e instanceof ShapeError && /at least 32×32/.test(e.message) && /Resizing/.test(e.message),
  );
});

test('a shape error inside the graph names the node', () => {
  const g = new GraphBuilder('toy');
  const a = g.layer('Conv2D', { filters: 4, kernel_size: 3, name: 'a' }, g.input);
  const b = g.layer('Conv2D', { filters: 4, kernel_size: 3, padding: 'same', name: 'b' }, g.input);
  const graph = g.build(g.merge('Add', [a, b], { name: 'sum' }));
  assert.throws(
    () => foldGraph(graph, [8, 8, 3]),
    (e: unknown) => e instanceof ShapeError && e.message.startsWith('sum: Add needs inputs of one shape'),
  );
});

test('Concatenate and Multiply: shapes and auto names', () => {
  const g = new GraphBuilder('toy');
  const a = g.layer('Conv2D', { filters: 4, kernel_size: 1 }, g.input);
  const b = g.layer('Conv2D', { filters: 6, kernel_size: 1 }, g.input);
  const cat = g.merge('Concatenate', [a, b]);
  const gate = g.layer('Reshape', { target_shape: [1, 1, 10] }, g.layer('GlobalAveragePooling2D', {}, cat));
  const out = g.merge('Multiply', [cat, gate]);
  const folded = foldGraph(g.build(out), [5, 5, 3]);
  assert.deepEqual(
    folded.nodes.map((n) => [n.node.name, n.output]),
    [
      ['conv2d', [5, 5, 4]],
      ['conv2d_1', [5, 5, 6]],
      ['concatenate', [5, 5, 10]],
      ['global_average_pooling2d', [10]],
      ['reshape', [1, 1, 10]],
      ['multiply', [5, 5, 10]],
    ],
  );
  assert.deepEqual(folded.params, { trainable: 16 + 24, nonTrainable: 0 });
});

test('the Functional config lists every node with its inbound nodes, in Keras 2 layout', () => {
  const spec = getLayer('ResNet50')!;
  const args = withDefaults(spec, { include_top: false });
  const config = spec.toKeras({ args, input: [64, 64, 3] }, 'resnet50') as {
    class_name: string;
    config: { name: string; layers: { name: string; class_name: string; inbound_nodes: unknown[] }[] } & Record<
      string,
      unknown
    >;
  };
  assert.equal(config.class_name, 'Functional');
  assert.equal(config.config.name, 'resnet50');
  const byName = new Map(config.config.layers.map((l) => [l.name, l]));
  assert.deepEqual(byName.get('input_layer')!.inbound_nodes, []);
  assert.deepEqual(byName.get('conv2_block1_add')!.inbound_nodes, [
    [
      ['conv2_block1_0_bn', 0, 0, {}],
      ['conv2_block1_3_bn', 0, 0, {}],
    ],
  ]);
  assert.deepEqual(config.config.output_layers, [['conv5_block3_out', 0, 0]]);
  const folded = spec.graph!({ args, input: [64, 64, 3] });
  assert.equal(config.config.layers.length, folded.nodes.length + 1);
  assert.deepEqual(functionalConfig(folded, 'resnet50', true), config);
});

test('a model with ResNet50 as its base checks, and its summary counts the nested layer once', () => {
  const a = analyze(
    [
      'model cifar {',
      '    ResNet50(include_top=False, input_shape=(32, 32, 3), trainable=False)',
      '    GlobalAveragePooling2D()',
      '    Dense(10, activation="softmax")',
      '}',
    ].join('\n'),
  );
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, []);
  const model = a.model!;
  assert.deepEqual(
    model.layers.map((l) => [l.name, l.output]),
    [
      ['resnet50', [1, 1, 2048]],
      ['global_average_pooling2d', [2048]],
      ['dense', [10]],
    ],
  );
  assert.deepEqual(model.totals, { total: 23587712 + 20490, trainable: 20490, nonTrainable: 23587712 });
});

test("LayerScale and CustomScaleLayer: ConvNeXt's per-channel gamma, InceptionResNetV2's scaled residual", () => {
  const g = new GraphBuilder('toy');
  const a = g.layer('Conv2D', { filters: 8, kernel_size: 1, name: 'a' }, g.input);
  const scaled = g.merge('LayerScale', [a], { init_values: 1e-6, projection_dim: 8, name: 'gamma' });
  const out = g.merge('CustomScaleLayer', [a, scaled], { scale: 0.17, name: 'res' });
  const folded = foldGraph(g.build(out), [4, 4, 3]);
  assert.deepEqual(folded.params, { trainable: 32 + 8, nonTrainable: 0 });
  assert.deepEqual(folded.output, [4, 4, 8]);
  const bad = new GraphBuilder('toy');
  const wrong = bad.merge('LayerScale', [bad.input], { init_values: 1e-6, projection_dim: 8, name: 'gamma' });
  assert.throws(
    () => foldGraph(bad.build(wrong), [4, 4, 3]),
    /gamma: LayerScale has 8 scales but its input has 3 channels/,
  );
});

test('the checker puts an application that gets too small an input under its call, with the numbers and the fix', () => {
  const text = 'model m {\n    Input(shape=(28, 28, 3))\n    ResNet50(include_top=False)\n    Flatten()\n}\n';
  const a = analyze(text);
  const d = a.diagnostics.find((x) => x.code === 'shape-nonpositive');
  assert.ok(d, JSON.stringify(a.diagnostics));
  assert.equal(text.slice(d.range.start.offset, d.range.end.offset), 'ResNet50');
  assert.match(
    d.message,
    /ResNet50 needs at least 32×32 input, but gets 28×28; resize the images \(Resizing\(32, 32\)\)/,
  );
});

test('an application folds its graph once for the same arguments and input, and keeps only its last 8 folds', () => {
  const spec = getLayer('ResNet50')!;
  const ctx = (side: number) => ({ args: withDefaults(spec, { include_top: false }), input: [side, side, 3] });
  const first = spec.graph!(ctx(64));
  // Equal arguments in new objects (as every analysis binds them) find the same fold.
  assert.equal(spec.graph!(ctx(64)), first);
  assert.deepEqual(spec.outputShape(ctx(64)), first.output);
  // Another input is another fold, with its own shapes.
  const other = spec.graph!(ctx(96));
  assert.notEqual(other, first);
  assert.deepEqual(other.output, [3, 3, 2048]);
  // Eight more inputs push the first out: it is folded again, to equal values.
  for (let side = 100; side < 108; side++) spec.graph!(ctx(side));
  const again = spec.graph!(ctx(64));
  assert.notEqual(again, first);
  assert.deepEqual(again.output, first.output);
  assert.deepEqual(again.params, first.params);
  // A shape error is remembered too, and thrown again.
  assert.throws(() => spec.graph!(ctx(16)), ShapeError);
  assert.throws(() => spec.graph!(ctx(16)), ShapeError);
});
