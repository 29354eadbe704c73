// The Random* layers' factors as Keras 3 checks them (base_image_preprocessing_layer.py
// _set_factor, random_zoom.py, random_translation.py): a pair is sorted, not refused; a list of
// another length is refused; RandomRotation's one number lies in [-1, 1] (_FACTOR_BOUNDS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../language/analysis/analyze';

function errors(call: string): string[] {
  const a = analyze(`model m {\n  Input(shape=(8, 8, 3))\n  ${call}\n}\n`);
  return a.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
}

test('a (high, low) pair is accepted: Keras 3 sorts it', () => {
  assert.deepEqual(errors('RandomRotation(factor=(0.2, -0.1))'), []);
  assert.deepEqual(errors('RandomZoom(height_factor=(0.3, -0.2), width_factor=(0.1, 0.0))'), []);
  assert.deepEqual(errors('RandomTranslation(height_factor=(0.2, 0.1), width_factor=0.1)'), []);
});

test('a list of three numbers is refused, naming the layer and the argument', () => {
  const [e] = errors('RandomRotation(factor=(0.1, 0.2, 0.3))');
  assert.match(
    e ?? '',
    /RandomRotation factor must be one number f \(for \[-f, f\]\) or a pair \(low, high\); got 3 numbers/,
  );
});

test('RandomRotation factor=1.5 is out of range, as Keras 3 refuses it', () => {
  const found = errors('RandomRotation(factor=1.5)');
  assert.equal(found.length, 1, `${found}`);
  assert.match(found[0]!, /^(out-of-range|wrong-type):/);
});
