// CSV parsing: header, numeric features, label by name, quoting, and errors with file and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvRecords } from '../../../data/csv';
import { parseCsv, stringClasses } from '../../../data/csv';

test('features are every column but the label, row-major float32', () => {
  const t = parseCsv('rooms,area,price\n3,120,250.5\n2,80,180\n', 'houses.csv', { label: 'price' });
  assert.deepEqual(t.columns, ['rooms', 'area', 'price']);
  assert.deepEqual(t.featureColumns, ['rooms', 'area']);
  assert.equal(t.rows, 2);
  assert.deepEqual([...t.features], [3, 120, 2, 80]);
  assert.equal(t.labels.kind, 'numbers');
  assert.deepEqual(t.labels.kind === 'numbers' && [...t.labels.values], [250.5, 180]);
});

test('the label may be any column; without label= it is the last one', () => {
  const t = parseCsv('species,len,width\nsetosa,5.1,3.5\nvirginica,6.3,3.3\n', 'iris.csv', { label: 'species' });
  assert.deepEqual([...t.features], [5.1, 3.5, 6.3, 3.3].map(Math.fround));
  assert.deepEqual(t.labels, { kind: 'strings', values: ['setosa', 'virginica'] });
  assert.equal(parseCsv('a,b\n1,2\n', 'x.csv').labelColumn, 'b');
});

test('string labels become sorted classes', () => {
  const { classes, indices } = stringClasses(['dog', 'cat', 'bird', 'cat']);
  assert.deepEqual(classes, ['bird', 'cat', 'dog']);
  assert.deepEqual([...indices], [2, 1, 0, 1]);
});

test('quoted fields keep commas, doubled quotes and newlines; CRLF and a BOM are fine', () => {
  const text = '\ufeffname,x,label\r\n"Smith, J.",1,"say ""hi"""\r\n"two\nlines",2,b\r\n';
  const records = [...csvRecords(text)];
  assert.deepEqual(records[1], { fields: ['Smith, J.', '1', 'say "hi"'], line: 2 });
  assert.deepEqual(records[2], { fields: ['two\nlines', '2', 'b'], line: 3 });
  const t = parseCsv('x,"the label"\n1,"a"\n2,"b, c"\n', 'q.csv', { label: 'the label' });
  assert.deepEqual(t.labels, { kind: 'strings', values: ['a', 'b, c'] });
});

test('another delimiter', () => {
  const t = parseCsv('a;b;y\n1;2;3\n', 'semi.csv', { label: 'y', delimiter: ';' });
  assert.deepEqual([...t.features], [1, 2]);
});

test('a missing value names the file, line and column', () => {
  const text = 'rooms,area,price\n3,120,250\n\n,80,180\n';
  assert.throws(() => parseCsv(text, 'houses.csv', { label: 'price' }), {
    message: "houses.csv:4: column 'rooms' is empty; fill it or drop the row",
  });
  assert.throws(() => parseCsv('a,b\n1,NA\n', 'h.csv'), /h\.csv:2: column 'b' is empty/);
  // pandas writes a missing float as NaN: the message says what was seen.
  assert.throws(() => parseCsv('a,b,y\n1,2,0\n3,NaN,1\n', 'n.csv'), {
    message: "n.csv:3: column 'b' is empty ('NaN' marks a missing value); fill it or drop the row",
  });
});

test('a non-numeric feature names the line, the column and the value', () => {
  assert.throws(() => parseCsv('city,price\nParis,3\n', 'houses.csv', { label: 'price' }), {
    message:
      "houses.csv:2: column 'city' has 'Paris', not a number; features must be numeric (encode the column as numbers or drop it)",
  });
});

test('a row with the wrong number of values, a missing label column, duplicates and empty files', () => {
  assert.throws(() => parseCsv('a,b,c\n1,2\n', 'r.csv'), /r\.csv:2: 2 values but the header has 3 columns/);
  assert.throws(
    () => parseCsv('rooms,prices\n1,2\n', 'h.csv', { label: 'price' }),
    (e: Error & { code?: string; argName?: string }) => {
      assert.equal(e.code, 'data-column');
      assert.equal(e.argName, 'label');
      assert.match(e.message, /h\.csv has no column 'price'; did you mean 'prices'\? Its columns are: rooms, prices/);
      return true;
    },
  );
  assert.throws(() => parseCsv('a,a\n1,2\n', 'd.csv'), /column 'a' appears twice/);
  assert.throws(() => parseCsv('', 'e.csv'), /e\.csv is empty/);
  assert.throws(() => parseCsv('a,b\n', 'e.csv'), /no rows of data/);
});
