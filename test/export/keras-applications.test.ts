// The Keras script writes a Keras Application as Keras's function builds it: before the model,
// with the file's arguments, weights=None unless the file gives weights (ModelSpec's default;
// Keras's default 'imagenet' would download), and trainable=False as `.trainable = False` (Keras's
// application functions take no trainable=). Keras is not installed here, so the script is checked
// as Python (compiled by /usr/bin/python3) and by what it says.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { exportKeras } from '../../interop/export/keras';
import { analyze } from '../../language/analysis/analyze';
import { planModel } from '../../language/analysis/plan';

function script(layers: string): string {
  const text = `model m {\n${layers}\n    GlobalAveragePooling2D()\n    Dense(10, activation='softmax')\n}\n`;
  const plan = planModel(analyze(text), '/tmp/m.model');
  assert.ok(plan);
  const source = exportKeras(plan);
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys; compile(sys.stdin.read(), "script.py", "exec")'], {
    input: source,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${r.stderr}\n${source}`);
  return source;
}

test('a frozen application is built before the model, with weights=None and .trainable = False', () => {
  const source = script('    Input(shape=(32, 32, 3))\n    ResNet50(include_top=False, trainable=False)');
  const lines = source.split('\n');
  assert.ok(lines.includes('resnet50 = keras.applications.ResNet50(include_top=False, weights=None)'), source);
  assert.ok(lines.includes('resnet50.trainable = False'), source);
  assert.ok(lines.indexOf('resnet50.trainable = False') < lines.indexOf('model = keras.Sequential('));
  assert.ok(lines.includes('        resnet50,'), source);
  assert.doesNotMatch(source, /trainable=False/);
});

test('weights given by the file (by name or position) are kept; a trainable base has no statement', () => {
  const named = script('    MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, include_top=False, weights=None)');
  assert.match(
    named,
    /mobilenetv2 = keras\.applications\.MobileNetV2\(\s*input_shape=\(96, 96, 3\), alpha=0\.35, include_top=False, weights=None\s*\)/,
  );
  assert.equal(named.match(/weights=/g)?.length, 1);
  assert.doesNotMatch(named, /\.trainable = False/);
  const positional = script('    Input(shape=(32, 32, 3))\n    ResNet50(False, None)');
  assert.match(positional, /resnet50 = keras\.applications\.ResNet50\(False, None\)\n/);
});

test('two applications get two variables', () => {
  const source = script(
    '    Input(shape=(64, 64, 3))\n    VGG16(include_top=False)\n    Resizing(32, 32)\n    ResNet50(include_top=False)',
  );
  assert.match(source, /^vgg16 = keras\.applications\.VGG16\(include_top=False, weights=None\)$/m);
  assert.match(source, /^resnet50_1 = keras\.applications\.ResNet50\(include_top=False, weights=None\)$/m);
});
