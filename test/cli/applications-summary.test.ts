// The mobile-sized Keras Applications through the CLI as a process (`node bin/modelspec.cjs`):
// `modelspec summary` prints Keras's model names and counts for a model built on each, and
// `modelspec check` finds nothing wrong. Keras's numbers: MobileNetV2(alpha=0.35,
// include_top=False) 410,208 with 14,080 non-trainable; MobileNetV3Small without the top 939,120;
// EfficientNetB0 without the top 4,049,571 (test/language/catalog/applications-*.test.ts cite them).

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelspec-apps-'));
  const path = join(dir, 'm.model');
  writeFileSync(path, text);
  return path;
}

const model = (base: string) => `model flowers {
    ${base}
    Dense(5, activation='softmax')
}
`;

interface Summary {
  layers: { name: string; class_name: string; output_shape: (number | null)[]; params: number }[];
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
}

describe('modelspec summary and check on MobileNet and EfficientNet bases', () => {
  before(() => ensureBuilt());

  it("a frozen MobileNetV2(alpha=0.35) base: Keras's name mobilenetv2_0.35_96 and 410,208 non-trainable", () => {
    const path = file(
      model("MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, include_top=False, pooling='avg', trainable=False)"),
    );
    const r = run('summary', '--json', path);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Summary;
    assert.deepEqual(
      s.layers.map((l) => [l.name, l.class_name, l.output_shape, l.params]),
      [
        ['mobilenetv2_0.35_96', 'Functional', [null, 1280], 410208],
        ['dense', 'Dense', [null, 5], 6405],
      ],
    );
    assert.deepEqual([s.total_params, s.trainable_params, s.non_trainable_params], [410208 + 6405, 6405, 410208]);
    assert.equal(run('check', path).code, 0);
  });

  it('MobileNetV3Small and EfficientNetB0 without the top print their Keras totals in the table', () => {
    const v3 = run(
      'summary',
      file(model("MobileNetV3Small(input_shape=(64, 64, 3), include_top=False, pooling='avg')")),
    );
    assert.equal(v3.code, 0, v3.stderr);
    assert.match(v3.stdout, /│ MobileNetV3Small \(Functional\)\s+│ \(None, 576\)\s+│\s+939,120 │/);
    const b0 = run('summary', file(model("EfficientNetB0(input_shape=(32, 32, 3), include_top=False, pooling='max')")));
    assert.equal(b0.code, 0, b0.stderr);
    assert.match(b0.stdout, /│ efficientnetb0 \(Functional\)\s+│ \(None, 1280\)\s+│\s+4,049,571 │/);
    assert.match(b0.stdout, / Non-trainable params: 42,023 /);
  });
});
