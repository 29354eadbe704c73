// Did-you-mean: Damerau-Levenshtein on lower-cased names, case and underscores ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, layerNames, refNames, suggest } from '../../../server/src/language/catalog';

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
