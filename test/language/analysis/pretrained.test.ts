// Pretrained(path=...): transfer learning from a model saved by an earlier run. Its layers and
// input shape are read from the saved model.json; trainable=False freezes them.

import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../../language/analysis/analyze';
import { lowerModel } from '../../../language/lowering';
import { planTraining } from '../../../language/analysis/plan';

const SAVED_CNN = `model digits_cnn {
    Input(shape=(28, 28, 1))
    Conv2D(32, (3, 3), activation='relu')
    MaxPooling2D((2, 2))
    Flatten()
    Dense(64, activation='relu')
}
`;

/** A run folder with model.json as the engines save it (layers-model format, Keras configs). */
function savedRun(nested = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-pretrained-'));
  mkdirSync(join(dir, 'best'));
  const topology = lowerModel(analyze(SAVED_CNN).model!);
  const modelTopology = nested ? { model_config: topology, keras_version: '2.15.0' } : topology;
  writeFileSync(
    join(dir, 'best', 'model.json'),
    JSON.stringify({ modelTopology, format: 'layers-model', weightsManifest: [] }),
  );
  return dir;
}

const head = (first: string) => `model transfer {
    ${first}
    Dense(10, activation='softmax')
}
compile {
    loss: 'categorical_crossentropy'
}
data {
    train: digits
}
`;

describe('Pretrained(path=...)', () => {
  it('expands to the saved layers, with their shapes, and frozen weights count as non-trainable', () => {
    const dir = savedRun();
    const a = analyze(head("Pretrained(path='best/model.json', trainable=False)"), { baseDir: dir });
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(a.model?.inputShape, [28, 28, 1]);
    assert.equal(a.model?.inputSource?.kind, 'pretrained');
    assert.deepEqual(
      a.model?.layers.map((l) => [l.name, l.output]),
      [
        ['conv2d', [26, 26, 32]],
        ['max_pooling2d', [13, 13, 32]],
        ['flatten', [5408]],
        ['dense', [64]],
        ['dense_1', [10]],
      ],
    );
    const saved = 320 + 5408 * 64 + 64;
    assert.deepEqual(a.model?.totals, { total: saved + 650, trainable: 650, nonTrainable: saved });
  });

  it('reads a Keras-converted model.json (model_config) and keeps the layers trainable by default', () => {
    const a = analyze(head("Pretrained(path='best/model.json')"), { baseDir: savedRun(true) });
    assert.deepEqual(a.diagnostics, []);
    assert.equal(a.model?.totals?.nonTrainable, 0);
  });

  it('a missing file is a diagnostic on the path', () => {
    const a = analyze(head("Pretrained(path='nowhere/model.json')"), { baseDir: tmpdir() });
    const d = a.diagnostics.find((x) => x.code === 'data-missing');
    assert.ok(d, JSON.stringify(a.diagnostics));
    assert.equal(a.text.slice(d.range.start.offset, d.range.end.offset), "'nowhere/model.json'");
  });

  it('a file that is not a saved model is data-format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-pretrained-'));
    writeFileSync(join(dir, 'model.json'), '{"hello": 1}');
    const a = analyze(head("Pretrained(path='model.json')"), { baseDir: dir });
    assert.ok(a.diagnostics.some((d) => d.code === 'data-format' && /Sequential/.test(d.message)));
  });

  it('must be the first line', () => {
    const dir = savedRun();
    const a = analyze(`model m {\n    Input(shape=(28, 28, 1))\n    Pretrained(path='best/model.json')\n}\n`, {
      baseDir: dir,
    });
    assert.ok(a.diagnostics.some((d) => d.code === 'input-not-first' && /Pretrained/.test(d.message)));
  });

  it('a model that starts with Pretrained can be trained (the engines load its saved weights)', () => {
    const a = analyze(head("Pretrained(path='best/model.json', trainable=False)"), { baseDir: savedRun() });
    assert.equal(planTraining(a, 'm.model').blocker, undefined);
  });
});
