// Did-you-mean: Damerau-Levenshtein on lower-cased names, case and underscores ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, layerNames, refNames, suggest } from '../../../language/catalog';
import { SUGGEST_MAX_NAME } from '../../../language/catalog/suggest';

test('edit distance counts a swap of neighbours as one edit', () => {
  assert.equal(editDistance('dense', 'dense'), 0);
  assert.equal(editDistance('dnese', 'dense'), 1);
  assert.equal(editDistance('dens', 'dense'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('case-only and underscore-only differences come first', () => {
  assert.deepEqual(suggest('dense', layerNames()).slice(0, 1), ['Dense']);
  assert.deepEqual(suggest('maxpooling2d', layerNames()).slice(0, 1), ['MaxPooling2D']);
  assert.deepEqual(suggest('max_pooling2d', layerNames()).slice(0, 1), ['MaxPooling2D']);
});

test('typos find their layer, loss or activation', () => {
  assert.equal(suggest('Dnese', layerNames())[0], 'Dense');
  assert.equal(suggest('Conv2d', layerNames())[0], 'Conv2D');
  assert.equal(suggest('categorical_crossentropie', refNames('loss'))[0], 'categorical_crossentropy');
  assert.equal(suggest('rleu', refNames('activation'))[0], 'relu');
  assert.ok(suggest('LTSM', layerNames()).includes('LSTM'));
});

test('nothing close gives nothing, and the name itself is never suggested', () => {
  assert.deepEqual(suggest('Transformer', layerNames()), []);
  assert.deepEqual(suggest('Dense', ['Dense']), []);
  assert.ok(suggest('ab', ['xyz', 'abc']).length <= 1);
});

test('at most `limit` candidates, closest first', () => {
  // Conv2D is 1 edit away; Conv1D and Conv3D 2 (ties by name); limit 2 keeps Conv2D and Conv1D
  assert.deepEqual(suggest('Conv2Dd', ['Conv3D', 'Conv1D', 'Conv2D'], 2), ['Conv2D', 'Conv1D']);
});

test('the work is bounded: a 100,000-character name gets no suggestion, fast', () => {
  const long = 'Dense'.repeat(20_000);
  const start = performance.now();
  assert.deepEqual(suggest(long, layerNames()), []);
  assert.deepEqual(suggest(long, [long.slice(1), `${long}x`]), [], 'even against candidates of its own length');
  const ms = performance.now() - start;
  assert.ok(ms < 500, `took ${ms.toFixed(0)} ms`);
});

test('a name at the length limit still finds a close candidate; candidates far in length are skipped', () => {
  const name = `${'a'.repeat(SUGGEST_MAX_NAME - 1)}b`;
  assert.deepEqual(suggest(name, [`${'a'.repeat(SUGGEST_MAX_NAME - 1)}c`, 'a'.repeat(SUGGEST_MAX_NAME + 10)]), [
    `${'a'.repeat(SUGGEST_MAX_NAME - 1)}c`,
  ]);
  assert.deepEqual(suggest('Dense', ['Dense'.repeat(10_000)]), []);
});
