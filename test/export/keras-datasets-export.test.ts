// The exported scripts load Keras's built-in datasets with load_data() and the same arguments, so
// they see the arrays the .model file trains on (issue #15). Python here has no Keras: the lines
// are checked as text, the PyTorch script for importing keras before it uses keras.datasets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
ensureBuilt();

function exported(file: string, to: 'keras' | 'pytorch'): string {
  const r = spawnSync(process.execPath, [CLI, 'export', file, '--to', to], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test("imdb-lstm: load_data() with the file's arguments, then pad_sequences to the sequence length", () => {
  const keras = exported('examples/imdb-lstm.model', 'keras');
  // The call is laid out as black lays it out (one argument per line, a trailing comma: test/export/black-layout.test.ts).
  assert.match(
    keras,
    /x_train, y_train = keras\.datasets\.imdb\.load_data\(\s*num_words=20000,\s*skip_top=0,\s*maxlen=None,\s*seed=113,\s*start_char=1,\s*oov_char=2,\s*index_from=3,?\s*\)\[0\]\nx_train = keras\.utils\.pad_sequences\(x_train, maxlen=80\)/,
  );
  assert.match(
    keras,
    /x_test, y_test = keras\.datasets\.imdb\.load_data\([^)]*\)\[1\]\nx_test = keras\.utils\.pad_sequences\(x_test, maxlen=80\)/,
  );
  assert.doesNotMatch(
    keras,
    /x_train = x_train\.reshape\(.*\)\.astype\('float32'\) \/ 255/,
    'word indices are not rescaled',
  );
});

test('cifar10: load_data() labels flattened from (N, 1), pixels / 255; the PyTorch script imports keras before using it', () => {
  const keras = exported('examples/cifar10-cnn.model', 'keras');
  assert.match(keras, /x_train, y_train = keras\.datasets\.cifar10\.load_data\(\)\[0\]\ny_train = y_train\.ravel\(\)/);
  assert.match(keras, /x_train = x_train\.reshape\(\(-1, 32, 32, 3\)\)\.astype\('float32'\) \/ 255/);
  const torch = exported('examples/cifar10-cnn.model', 'pytorch');
  const imported = torch.indexOf('\nimport keras');
  assert.ok(imported > 0 && imported < torch.indexOf('keras.datasets.cifar10.load_data()'), 'import keras comes first');
  assert.doesNotMatch(exported('examples/digits-cnn.model', 'pytorch'), /import keras/, 'MNIST keeps its numpy loader');
});
