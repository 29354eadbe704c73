// modelspec.dataDirs becomes MODELSPEC_DATA_DIRS (issue #15): the setting's folders first, then
// the inherited environment's, without repeats; and what it names is where datasets are found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { dataDirsEnv } from '../../client/src/data-dirs';
import { candidatesFor } from '../../language/data/dataset-places';

test('the setting comes before the inherited MODELSPEC_DATA_DIRS; blanks, non-strings and repeats are dropped', () => {
  assert.equal(dataDirsEnv(['/a', ' /b ', '', 3, '/a'], `/c${delimiter}/b`), ['/a', '/b', '/c'].join(delimiter));
  assert.equal(dataDirsEnv([], undefined), undefined);
  assert.equal(dataDirsEnv(undefined, '/env'), '/env');
  assert.equal(dataDirsEnv('not a list', ''), undefined);
});

test("a folder named in the setting is where fashion_mnist is found (torchvision's layout)", () => {
  const root = mkdtempSync(join(tmpdir(), 'modelspec-datadir-'));
  const raw = join(root, 'FashionMNIST', 'raw');
  mkdirSync(raw, { recursive: true });
  for (const f of [
    'train-images-idx3-ubyte.gz',
    'train-labels-idx1-ubyte.gz',
    't10k-images-idx3-ubyte.gz',
    't10k-labels-idx1-ubyte.gz',
  ]) {
    copyFileSync(join('/usr/share/datasets/fashion-mnist', f), join(raw, f));
  }
  const env = {
    MODELSPEC_DATA_DIRS: dataDirsEnv([root], undefined),
    KERAS_HOME: join(root, 'no-keras'),
    MODELSPEC_DEBIAN_DATASETS: join(root, 'no-debian'),
  };
  const [first] = candidatesFor('fashion_mnist', { env, home: root, cacheDir: join(root, 'cache') });
  assert.deepEqual(first?.place, { dir: raw, kind: 'data-dirs' });
});
