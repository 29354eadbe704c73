// The Keras script of a model with Normalization() adapts the layer as a ModelSpec run does
// (training/data/adapt.ts): Keras's `adapt` on the training split (validation_split's part left
// out), through the layers before it at inference. Keras itself is not installed here, so the
// script is checked as Python (compiled by /usr/bin/python3) and by what it says.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportKeras } from '../../interop/export/keras';
import { analyze } from '../../language/analysis/analyze';
import { planModel } from '../../language/analysis/plan';

function script(layers: string, data: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'keras-adapt-'));
  writeFileSync(join(dir, 'd.csv'), 'a,b,y\n1,2000,3\n4,5000,6\n7,8000,9\n1,1000,1\n');
  const text = `model m {\n    Input(shape=(2,))\n${layers}\n    Dense(1)\n}\ncompile {\n    loss: 'mse'\n    optimizer: 'adam'\n}\ndata {\n    train: csv('d.csv', label='y')\n${data}}\n`;
  const file = join(dir, 'm.model');
  const analysis = analyze(text, { baseDir: dir });
  const plan = planModel(analysis, file);
  assert.ok(plan, JSON.stringify(analysis.diagnostics.map((d) => d.message)));
  const source = exportKeras(plan);
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys; compile(sys.stdin.read(), "script.py", "exec")'], {
    input: source,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${r.stderr}\n${source}`);
  return source;
}

test('Normalization() after Rescaling: adapted on the first 75% of x_train, through Rescaling, before fit', () => {
  const source = script('    Rescaling(0.5)\n    Normalization()', '    validation_split: 0.25\n');
  const adapt = [
    "norm = model.get_layer('normalization')",
    'x_adapt = x_train[: int(len(x_train) * (1 - 0.25))]',
    'for layer in model.layers[: model.layers.index(norm)]:',
    '    x_adapt = layer(x_adapt)',
    'norm.adapt(x_adapt)',
  ].join('\n');
  assert.ok(source.includes(adapt), source);
  assert.ok(source.indexOf('norm.adapt(') > source.indexOf('x_train = '), 'after the data is loaded');
  assert.ok(source.indexOf('norm.adapt(') < source.indexOf('model.fit('), 'before training');
});

test('without validation_split the whole x_train; with mean and variance no adapt at all', () => {
  assert.ok(script('    Normalization()', '').includes('x_adapt = x_train\n'));
  assert.ok(
    !script('    Normalization(mean=[1, 2], variance=[1, 4])', '    validation_split: 0.25\n').includes('adapt'),
  );
});
