// The per-layer cases (test/fixtures/layer-cases.ts) against the catalog: every layer has cases,
// each case checks clean, and where Keras's numbers were derived by hand the catalog computes
// exactly those. The engines' layer tests compare the engines with the same catalog numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getLayer, layerNames } from '../../../language/catalog';
import { LAYER_CASES, SAMPLES, expected, loweredCase } from '../../fixtures/layer-cases';

test('every catalog layer but Pretrained has cases, one of them its sample; case names are unique', () => {
  const withCases = new Set(LAYER_CASES.map((c) => c.layer));
  assert.deepEqual(
    layerNames().filter((n) => n !== 'Pretrained' && !withCases.has(n)),
    [],
  );
  assert.deepEqual(
    layerNames().filter((n) => n !== 'Pretrained' && !(n in SAMPLES)),
    [],
  );
  const names = LAYER_CASES.map((c) => c.name);
  assert.deepEqual(
    names.filter((n, i) => names.indexOf(n) !== i),
    [],
  );
});

test("the catalog computes Keras's output shape and parameter counts for every case that states them", () => {
  const problems: string[] = [];
  for (const c of LAYER_CASES) {
    if (!c.keras) continue;
    const e = expected(c);
    const want = { output: c.keras.output, total: c.keras.params, nonTrainable: c.keras.nonTrainable ?? 0 };
    const got = { output: e.output, total: e.total, nonTrainable: e.nonTrainable };
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`${c.name}: catalog ${JSON.stringify(got)}, Keras ${JSON.stringify(want)}`);
  }
  assert.deepEqual(problems, []);
  assert.ok(LAYER_CASES.filter((c) => c.keras).length > 150, 'the hand-derived numbers are all still checked');
});

test('every case checks clean and lowers (what the engines are given)', () => {
  for (const c of LAYER_CASES) {
    if (c.layer === 'Input') continue;
    const model = loweredCase(c);
    assert.equal(
      model.config.layers[0]!.class_name,
      c.layer === 'VGG16' || c.layer === 'VGG19' ? 'Conv2D' : getLayer(c.layer)?.graph ? 'Functional' : c.layer,
      c.name,
    );
  }
});
