// probeSource: cheap, header-only answers for the checker, with errors on the right argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeSource } from '../../../language/data/probe';
import type { SourceInfo } from '../../../language/data/types';
import { npyBytes, writeJpeg, writePng } from './helpers';

const root = mkdtempSync(join(tmpdir(), 'modelspec-probe-'));
const FASHION = '/usr/share/datasets/fashion-mnist';

function ok(info: SourceInfo) {
  assert.equal(info.ok, true, info.ok ? '' : info.message);
  if (!info.ok) throw new Error('unreachable');
  return info;
}
function fail(info: SourceInfo) {
  assert.equal(info.ok, false, 'expected an error');
  if (info.ok) throw new Error('unreachable');
  return info;
}

test('built-in sets answer from the catalog: 28×28×1, 10 classes, sample counts per split', () => {
  const digits = ok(probeSource({ name: 'digits', args: { split: 'train' } }, '/nonexistent'));
  assert.deepEqual(digits.sampleShape, [28, 28, 1]);
  assert.equal(digits.classCount, 10);
  assert.equal(digits.samples, 8000);
  assert.match(digits.description, /8,000 train images/);
  assert.equal(ok(probeSource({ name: 'mnist', args: { split: 'test' } }, '/x')).samples, 10000);
  assert.equal(ok(probeSource({ name: 'fashion_mnist', args: {} }, '/x')).classes?.[0], 'T-shirt/top');
  const bad = fail(probeSource({ name: 'mnist', args: { split: 'valid' } }, '/x'));
  assert.equal(bad.argName, 'split');
});

test('csv: one input per feature column, the columns, rows and string classes', () => {
  writeFileSync(
    join(root, 'iris.csv'),
    'sepal_length,sepal_width,petal_length,species\n5.1,3.5,1.4,setosa\n6.3,3.3,6.0,virginica\n5.8,2.7,4.1,versicolor\n',
  );
  const info = ok(probeSource({ name: 'csv', args: { path: 'iris.csv', label: 'species', delimiter: ',' } }, root));
  assert.deepEqual(info.sampleShape, [3]);
  assert.deepEqual(info.columns, ['sepal_length', 'sepal_width', 'petal_length', 'species']);
  assert.equal(info.samples, 3);
  assert.deepEqual(info.classes, ['setosa', 'versicolor', 'virginica']);
  assert.equal(info.classCount, 3);
  writeFileSync(join(root, 'houses.csv'), 'rooms,price\n3,250\n');
  const houses = ok(probeSource({ name: 'csv', args: { path: 'houses.csv', label: null } }, root));
  assert.equal(houses.classes, undefined, 'numeric labels may be regression targets');
  assert.match(houses.description, /label 'price'/);
});

test("csv: label= naming no column is 'data-column' on label, listing the columns and a guess", () => {
  writeFileSync(join(root, 'h.csv'), 'rooms,area,price\n3,120,250\n');
  const info = fail(probeSource({ name: 'csv', args: { path: 'h.csv', label: 'prise' } }, root));
  assert.equal(info.code, 'data-column');
  assert.equal(info.argName, 'label');
  assert.equal(info.message, "h.csv has no column 'prise'; did you mean 'price'? Its columns are: rooms, area, price");
});

test("a file that does not exist is 'data-missing' on its argument", () => {
  const info = fail(probeSource({ name: 'csv', args: { path: 'data/missing.csv' } }, root));
  assert.equal(info.code, 'data-missing');
  assert.equal(info.argName, 'path');
  assert.match(info.message, /^data\/missing\.csv does not exist/);
  assert.equal(fail(probeSource({ name: 'npy', args: { x: 'x.npy', y: 'nope.npy' } }, root)).argName, 'x');
});

test('csv probe results are cached by mtime and refreshed when the file changes', () => {
  const file = join(root, 'c.csv');
  writeFileSync(file, 'a,b\n1,x\n');
  assert.equal(ok(probeSource({ name: 'csv', args: { path: 'c.csv' } }, root)).samples, 1);
  writeFileSync(file, 'a,b,c\n1,2,x\n3,4,y\n');
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  const info = ok(probeSource({ name: 'csv', args: { path: 'c.csv' } }, root));
  assert.equal(info.samples, 2);
  assert.deepEqual(info.sampleShape, [2]);
});

test('a large csv is probed from its header only, fast', () => {
  const rows = Array.from({ length: 150000 }, (_, i) => `${i},${i * 2},${i % 3}`).join('\n');
  writeFileSync(join(root, 'big.csv'), `x,y,label\n${rows}\n`);
  const start = performance.now();
  const info = ok(probeSource({ name: 'csv', args: { path: 'big.csv', label: 'label' } }, root));
  assert.ok(performance.now() - start < 200, `${performance.now() - start} ms`);
  assert.deepEqual(info.sampleShape, [2]);
  assert.equal(info.samples, undefined);
});

test('idx: the shape from the header, classes from the small labels file', () => {
  copyFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz'), join(root, 'imgs.gz'));
  copyFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz'), join(root, 'lbls.gz'));
  const info = ok(probeSource({ name: 'idx', args: { images: 'imgs.gz', labels: 'lbls.gz' } }, root));
  assert.deepEqual(info.sampleShape, [28, 28, 1]);
  assert.equal(info.samples, 10000);
  assert.equal(info.classCount, 10);
  writeFileSync(join(root, 'notidx'), 'hello');
  const bad = fail(probeSource({ name: 'idx', args: { images: 'notidx', labels: 'lbls.gz' } }, root));
  assert.equal(bad.code, 'data-format');
  assert.equal(bad.argName, 'images');
});

test('npy: shape from the headers, one-hot width as the class count, mismatched lengths', () => {
  writeFileSync(join(root, 'x.npy'), npyBytes('<f4', [5, 4], new Uint8Array(80)));
  writeFileSync(join(root, 'y.npy'), npyBytes('<f4', [5, 3], new Uint8Array(60)));
  writeFileSync(join(root, 'y4.npy'), npyBytes('<f4', [4], new Uint8Array(16)));
  const info = ok(probeSource({ name: 'npy', args: { x: 'x.npy', y: 'y.npy' } }, root));
  assert.deepEqual(info.sampleShape, [4]);
  assert.equal(info.samples, 5);
  assert.equal(info.classCount, 3);
  const bad = fail(probeSource({ name: 'npy', args: { x: 'x.npy', y: 'y4.npy' } }, root));
  assert.equal(bad.argName, 'y');
  writeFileSync(join(root, 'f.npy'), npyBytes('<f4', [2, 2], new Uint8Array(16), { fortran: true }));
  assert.match(fail(probeSource({ name: 'npy', args: { x: 'f.npy', y: 'y.npy' } }, root)).message, /Fortran/);
});

test('images: shape from size and color_mode, classes from folders', () => {
  writePng(join(root, 'pets/cat/1.png'), 5, 5, () => [1, 2, 3, 255]);
  writeJpeg(join(root, 'pets/dog/1.jpg'), 5, 5, () => [1, 2, 3]);
  writeJpeg(join(root, 'pets/dog/2.jpg'), 5, 5, () => [1, 2, 3]);
  const info = ok(
    probeSource({ name: 'images', args: { directory: 'pets', size: [32, 48], color_mode: 'grayscale' } }, root),
  );
  assert.deepEqual(info.sampleShape, [32, 48, 1]);
  assert.deepEqual(info.classes, ['cat', 'dog']);
  assert.equal(info.samples, 3);
  const defaults = ok(probeSource({ name: 'images', args: { directory: 'pets' } }, root));
  assert.deepEqual(defaults.sampleShape, [256, 256, 3]);
  const mode = fail(probeSource({ name: 'images', args: { directory: 'pets', color_mode: 'cmyk' } }, root));
  assert.equal(mode.argName, 'color_mode');
  writePng(join(root, 'pets/cat/2.png'), 5, 5, () => [1, 2, 3, 255]);
  assert.equal(
    ok(probeSource({ name: 'images', args: { directory: 'pets' } }, root)).samples,
    4,
    'a new image is seen',
  );
});
