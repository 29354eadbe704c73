// The data side of the lecture's tasks (LANGUAGE.md, "Tasks beyond one label per sample"):
// multi-label CSV columns, text columns as token ids (Keras's TextVectorization), npy targets of
// any shape, and class_mode 'input' (targets are the inputs), through the format modules' probes
// (the checker's view) and prepareData (what both engines read).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCsv, probeCsv } from '../../data/csv';
import { probeNpy } from '../../data/npy';
import { readSamples } from '../../data/samples';
import { adaptVocabulary, standardizeText, tokensOf, vectorizeTexts } from '../../data/text';
import { prepareData, type PrepareOptions } from '../../training/data/prepare';
import type { DataSettings, SourceRef } from '../../training/data/types';
import type { TensorFile } from '../../training/protocol';
import { npyBytes, resolved } from '../training/data/helpers';

const root = mkdtempSync(join(tmpdir(), 'modelspec-tasks-data-'));
const cacheDir = join(root, 'cache');

function read(t: TensorFile): number[] {
  const bytes = new Uint8Array(readFileSync(t.path));
  const arr =
    t.dtype === 'uint8' ? bytes : t.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  return [...arr];
}
const settings = (train: SourceRef, extra: Partial<DataSettings> = {}): DataSettings => ({
  train: resolved(train),
  validationSplit: 0,
  shuffle: true,
  ...extra,
});
const opts = (o: Partial<PrepareOptions> = {}): PrepareOptions => ({
  baseDir: root,
  cacheDir,
  inputShape: [2],
  labelEncoding: 'raw',
  ...o,
});
const TEXT_DEFAULTS = { standardize: 'lower_and_strip_punctuation', split: 'whitespace' } as const;

writeFileSync(join(root, 'tags.csv'), 'x1,x2,cat,dog,bird\n1,2,1,0,1\n3,4,0,1,0\n5,6,1,1,0\n');
writeFileSync(join(root, 'bad-tags.csv'), 'x1,x2,cat,dog\n1,2,1,0\n3,4,2,1\n');
writeFileSync(
  join(root, 'reviews.csv'),
  'id,review,sentiment\n1,"Great film, great cast!",pos\n2,Dull. Dull film.,neg\n3,"A great, great ride",pos\n',
);

describe('multi-label csv: label=[…]', () => {
  test('parses the label columns as multi-hot rows and the rest as features', () => {
    const t = parseCsv(readFileSync(join(root, 'tags.csv'), 'utf8'), 'tags.csv', { label: ['cat', 'dog', 'bird'] });
    assert.deepEqual(t.featureColumns, ['x1', 'x2']);
    assert.equal(t.labels.kind, 'multi');
    assert.deepEqual(t.labels.kind === 'multi' && [...t.labels.values], [1, 0, 1, 0, 1, 0, 1, 1, 0]);
  });

  test('the probe names the label columns and the features; a missing column is an error on label, the first value other than 0/1 is kept for the checker', () => {
    const info = probeCsv({ name: 'csv', args: { path: 'tags.csv', label: ['cat', 'dog', 'bird'] } }, root);
    assert.ok(info.ok);
    assert.deepEqual(info.sampleShape, [2]);
    assert.deepEqual(info.labelColumns, ['cat', 'dog', 'bird']);
    const bad = probeCsv({ name: 'csv', args: { path: 'bad-tags.csv', label: ['cat', 'dog'] } }, root);
    assert.deepEqual(bad.ok && bad.labelOutlier, { column: 'cat', value: '2', at: 'bad-tags.csv:3' });
    assert.throws(() => probeCsv({ name: 'csv', args: { path: 'tags.csv', label: ['cat', 'dgo'] } }, root), {
      message: /tags\.csv has no column 'dgo'; did you mean 'dog'\?/,
    });
  });

  test('prepareData stores k-wide float32 targets and the label columns as the classes', async () => {
    const data = await prepareData(
      settings({ name: 'csv', args: { path: 'tags.csv', label: ['cat', 'dog', 'bird'] } }),
      opts(),
    );
    assert.deepEqual(data.train.y.shape, [3, 3]);
    assert.deepEqual(read(data.train.y), [1, 0, 1, 0, 1, 0, 1, 1, 0]);
    assert.deepEqual(data.classes, ['cat', 'dog', 'bird']);
  });
});

describe("text csv: Keras's TextVectorization", () => {
  test('standardizes and splits as lower_and_strip_punctuation + whitespace do', () => {
    assert.equal(standardizeText("It's A-OK, (really)!", 'lower_and_strip_punctuation'), 'its aok really');
    assert.deepEqual(tokensOf('  Two\tspaces  here ', TEXT_DEFAULTS), ['two', 'spaces', 'here']);
  });

  test('the vocabulary: padding, [UNK], then by count, equal counts in descending order; max_tokens counts both', () => {
    const texts = ['b a a', 'c b a', 'd'];
    assert.deepEqual(adaptVocabulary(texts, TEXT_DEFAULTS), ['', '[UNK]', 'a', 'b', 'd', 'c']);
    assert.deepEqual(adaptVocabulary(texts, { ...TEXT_DEFAULTS, maxTokens: 4 }), ['', '[UNK]', 'a', 'b']);
    // Unknown tokens are 1, the rest of the row is padding (0), long texts are cut at the end.
    const vocabulary = ['', '[UNK]', 'a', 'b'];
    assert.deepEqual(
      [...vectorizeTexts(['a zz b', 'b b b b b'], vocabulary, TEXT_DEFAULTS, 4)],
      [2, 1, 3, 0, 3, 3, 3, 3],
    );
  });

  test('the probe gives the sequence length (the longest text, or output_sequence_length) and the vocabulary size', () => {
    const info = probeCsv({ name: 'csv', args: { path: 'reviews.csv', label: 'sentiment', text: 'review' } }, root);
    assert.ok(info.ok);
    assert.deepEqual(info.sampleShape, [4]);
    // '', '[UNK]', great, film, dull, ride, a, cast
    assert.equal(info.vocabularySize, 8);
    const capped = probeCsv(
      {
        name: 'csv',
        args: { path: 'reviews.csv', label: 'sentiment', text: 'review', max_tokens: 5, output_sequence_length: 10 },
      },
      root,
    );
    assert.ok(capped.ok);
    assert.deepEqual(capped.sampleShape, [10]);
    assert.equal(capped.vocabularySize, 5);
    assert.throws(() => probeCsv({ name: 'csv', args: { path: 'reviews.csv', text: 'reveiw' } }, root), {
      message: /no column 'reveiw'; did you mean 'review'\?/,
    });
  });

  test('prepareData writes token ids from the training vocabulary, which the test source reuses', async () => {
    writeFileSync(join(root, 'reviews-test.csv'), 'id,review,sentiment\n9,Great unseen film,pos\n');
    const text = { label: 'sentiment', text: 'review', max_tokens: 6, output_sequence_length: 5 };
    const data = await prepareData(
      settings(
        { name: 'csv', args: { path: 'reviews.csv', ...text } },
        { test: resolved({ name: 'csv', args: { path: 'reviews-test.csv', ...text } }, 'test') },
      ),
      opts({ inputShape: [5], labelEncoding: 'index' }),
    );
    assert.deepEqual(data.vocabulary, ['', '[UNK]', 'great', 'film', 'dull', 'ride']);
    assert.deepEqual(data.train.x.shape, [3, 5]);
    assert.deepEqual(read(data.train.x), [2, 3, 2, 1, 0, 4, 4, 3, 0, 0, 1, 2, 2, 5, 0]);
    assert.deepEqual(read(data.test!.x), [2, 1, 3, 0, 0]);
    assert.deepEqual(data.classes, ['neg', 'pos']);
  });

  test('the vocabulary is adapted on the rows before the validation_split tail', async () => {
    const data = await prepareData(
      settings(
        { name: 'csv', args: { path: 'reviews.csv', label: 'sentiment', text: 'review', output_sequence_length: 3 } },
        { validationSplit: 0.33 },
      ),
      opts({ inputShape: [3], labelEncoding: 'index' }),
    );
    // Rows 1-2 only: 'ride' and 'a' (row 3) are not in it.
    assert.deepEqual(data.vocabulary, ['', '[UNK]', 'great', 'film', 'dull', 'cast']);
  });
});

describe('npy targets of any shape and class_mode input', () => {
  test('the probe gives y’s sample shape as the target shape', () => {
    writeFileSync(join(root, 'img-x.npy'), npyBytes('|u1', [4, 3, 3], new Uint8Array(36).fill(200)));
    writeFileSync(
      join(root, 'img-y.npy'),
      npyBytes('<f4', [4, 3, 3, 1], new Uint8Array(new Float32Array(36).fill(0.5).buffer)),
    );
    const info = probeNpy({ name: 'npy', args: { x: 'img-x.npy', y: 'img-y.npy' } }, root);
    assert.ok(info.ok);
    assert.deepEqual(info.targetShape, [3, 3, 1]);
  });

  test("class_mode 'input': y is the rescaled inputs in x's stored shape, and nothing of the labels is read", async () => {
    const data = await prepareData(
      settings({ name: 'npy', args: { x: 'img-x.npy', y: 'img-y.npy' } }, { classMode: 'input' }),
      opts({ inputShape: [3, 3, 1] }),
    );
    assert.equal(data.classMode, 'input');
    assert.deepEqual(data.train.y.shape, [4, 3, 3, 1]);
    assert.deepEqual(new Set(read(data.train.y)), new Set([Math.fround(200 / 255)]));
  });
});

describe('the data preview of the new csv forms', () => {
  test('label=[…] leaves every label column out of the sample, text=… is output_sequence_length ids', () => {
    const tags = readSamples({ name: 'csv', args: { path: 'tags.csv', label: ['cat', 'dog', 'bird'] } }, root);
    assert.deepEqual(tags.ok && tags.sampleShape, [2]);
    const reviews = readSamples(
      { name: 'csv', args: { path: 'reviews.csv', label: 'sentiment', text: 'review', output_sequence_length: 7 } },
      root,
    );
    assert.deepEqual(reviews.ok && reviews.sampleShape, [7]);
  });
});
