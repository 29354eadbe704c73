// The per-user cache folder, and fitting sample shapes to the model's input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cacheDir } from '../../../training/data/cache';
import { fitToInput } from '../../../training/data/fit-shape';
import { encodeLabels } from '../../../training/data/labels';

test('MODELSPEC_CACHE wins on every platform', () => {
  assert.equal(cacheDir({ MODELSPEC_CACHE: '/tmp/c' }, 'linux', '/home/u'), '/tmp/c');
  assert.equal(cacheDir({ MODELSPEC_CACHE: 'D:\\c' }, 'win32', 'C:\\Users\\u'), 'D:\\c');
});

test('Linux: XDG_CACHE_HOME, else ~/.cache', () => {
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/u'), join('/xdg', 'modelspec'));
  assert.equal(cacheDir({}, 'linux', '/home/u'), join('/home/u', '.cache', 'modelspec'));
  assert.equal(cacheDir({ XDG_CACHE_HOME: '' }, 'linux', '/home/u'), join('/home/u', '.cache', 'modelspec'));
});

test('macOS: ~/Library/Caches; Windows: %LOCALAPPDATA%', () => {
  assert.equal(
    cacheDir({ XDG_CACHE_HOME: '/xdg' }, 'darwin', '/Users/u'),
    join('/Users/u', 'Library', 'Caches', 'modelspec'),
  );
  assert.equal(cacheDir({ LOCALAPPDATA: '/appdata' }, 'win32', '/users/u'), join('/appdata', 'modelspec'));
});

test('sample shapes are reshaped to the input when the element counts agree', () => {
  assert.deepEqual(fitToInput([28, 28, 1], [784], 'mnist'), [784]);
  assert.deepEqual(fitToInput([28, 28, 1], [28, 28, 1], 'mnist'), [28, 28, 1]);
  assert.deepEqual(fitToInput([784], [28, 28, 1], 'csv'), [28, 28, 1]);
  assert.deepEqual(fitToInput([12], [null, 3], 'csv'), [4, 3]);
  assert.deepEqual(fitToInput([5, 7], [null, null], 'npy'), [5, 7]);
  assert.throws(
    () => fitToInput([13], [null, 5], 'houses'),
    /houses gives samples of shape \(13,\) \(13 values\) but the model's input is \(None, 5\);/,
  );
  assert.throws(() => fitToInput([28, 28, 1], [32, 32, 3], 'mnist'), {
    message:
      "mnist gives samples of shape (28, 28, 1) (784 values) but the model's input is (32, 32, 3) (3072 values); change the input to Input(shape=(28, 28, 1)) or another shape with 784 values",
  });
});

test('labels: classes as int32 for classification, float32 for raw; too many or fractional values are errors', () => {
  const classes = encodeLabels(
    { kind: 'classes', indices: Int32Array.from([1, 0]), classes: ['no', 'yes'] },
    2,
    'raw',
    's',
  );
  assert.equal(classes.dtype, 'float32');
  assert.deepEqual([...classes.data], [1, 0]);
  const many = Float32Array.from({ length: 60 }, (_, i) => i);
  assert.throws(
    () => encodeLabels({ kind: 'numbers', values: many, shape: [] }, 60, 'index', 'y.npy'),
    /60 different label values, too many for classes/,
  );
  assert.throws(
    () =>
      encodeLabels({ kind: 'classes', indices: Int32Array.from([0]), classes: ['bird'] }, 1, 'onehot', 'test.csv', [
        'cat',
        'dog',
      ]),
    /test\.csv has class 'bird', which the training data does not have \(it has cat, dog\)/,
  );
});
