// IMDB reviews exactly as keras.datasets.imdb.load_data(...) returns them (keras/src/datasets/
// imdb.py), and Reuters newswires as reuters.load_data(...) does (one set, shuffled once, split
// at int(n * (1 - test_split)) at the end), then padded as keras.utils.pad_sequences(x,
// maxlen=length) pads them:
//   shuffle train, then test, with one np.random.RandomState(seed); prefix start_char and add
//   index_from to every word; with maxlen, leave out reviews whose length (start included) is
//   maxlen or more; num_words defaults to the largest index (so that word, too, becomes oov —
//   Keras's own quirk, kept); words outside [skip_top, num_words) become oov_char (or are dropped
//   when oov_char is None). Padding puts zeros in front; a longer review keeps its last words.

import { DataError } from '../../language/data/errors';
import { MT19937, shuffledIndices } from './numpy-random';
import { readNpz, type NpzArray } from './npz';

export interface ImdbOptions {
  numWords: number | null;
  skipTop: number;
  maxlen: number | null;
  seed: number;
  startChar: number | null;
  oovChar: number | null;
  indexFrom: number;
}

export const IMDB_DEFAULTS: ImdbOptions = {
  numWords: null,
  skipTop: 0,
  maxlen: null,
  seed: 113,
  startChar: 1,
  oovChar: 2,
  indexFrom: 3,
};

export interface ImdbSplits {
  train: { x: number[][]; y: number[] };
  test: { x: number[][]; y: number[] };
}

/** load_data()'s ((x_train, y_train), (x_test, y_test)), as lists. */
export async function loadImdb(path: string, options: ImdbOptions): Promise<ImdbSplits> {
  const npz = await readNpz(path);
  const member = (key: string) => {
    const a = npz.get(key);
    if (!a)
      throw new DataError(
        'data-format',
        `${path} has no '${key}' array (an IMDB .npz has x_train, y_train, x_test, y_test); delete it to download it again`,
      );
    return a;
  };
  const rng = new MT19937(options.seed);
  const split = (xKey: string, yKey: string) => {
    const xs = sequences(member(xKey), path);
    const ys = integers(member(yKey), path);
    if (xs.length !== ys.length)
      throw new DataError('data-format', `${path}: ${xKey} has ${xs.length} reviews but ${yKey} ${ys.length} labels`);
    const order = shuffledIndices(rng, xs.length);
    return { x: Array.from(order, (i) => xs[i]), y: Array.from(order, (i) => ys[i]) };
  };
  const [train, test] = transform([split('x_train', 'y_train'), split('x_test', 'y_test')], options, 'review');
  return { train, test };
}

export interface ReutersOptions extends ImdbOptions {
  testSplit: number;
}

/** reuters.load_data()'s ((x_train, y_train), (x_test, y_test)), as lists. */
export async function loadReuters(path: string, options: ReutersOptions): Promise<ImdbSplits> {
  const npz = await readNpz(path);
  const [xa, ya] = [npz.get('x'), npz.get('y')];
  if (!xa || !ya)
    throw new DataError(
      'data-format',
      `${path} has no 'x' and 'y' arrays (a Reuters .npz has both); delete it to download it again`,
    );
  const xs = sequences(xa, path);
  const ys = integers(ya, path);
  if (xs.length !== ys.length)
    throw new DataError('data-format', `${path}: x has ${xs.length} newswires but y ${ys.length} labels`);
  const order = shuffledIndices(new MT19937(options.seed), xs.length);
  const [all] = transform(
    [{ x: Array.from(order, (i) => xs[i]), y: Array.from(order, (i) => ys[i]) }],
    options,
    'newswire',
  );
  const idx = Math.trunc(all.x.length * (1 - options.testSplit)); // Python's int(len(xs) * (1 - test_split))
  return {
    train: { x: all.x.slice(0, idx), y: all.y.slice(0, idx) },
    test: { x: all.x.slice(idx), y: all.y.slice(idx) },
  };
}

type Split = { x: number[][]; y: number[] };

/** start_char/index_from, the maxlen filter, then num_words/skip_top over all parts together, as Keras does. */
function transform(parts: Split[], options: ImdbOptions, what: string): Split[] {
  const { startChar, indexFrom } = options;
  const shift = (x: number[]) =>
    startChar !== null ? [startChar, ...x.map((w) => w + indexFrom)] : x.map((w) => w + indexFrom);
  parts = parts.map((p) => ({ x: p.x.map(shift), y: p.y }));

  if (options.maxlen) {
    const maxlen = options.maxlen;
    parts = parts.map((s) => {
      const x: number[][] = [];
      const y: number[] = [];
      s.x.forEach((seq, i) => {
        if (seq.length < maxlen) {
          x.push(seq);
          y.push(s.y[i]);
        }
      });
      return { x, y };
    });
    if (parts.some((p) => !p.x.length)) {
      throw new DataError(
        'data-format',
        `maxlen=${maxlen} keeps no ${what} (Keras leaves out ${what}s of maxlen words or more); increase maxlen`,
        'maxlen',
      );
    }
  }

  let numWords = options.numWords;
  if (!numWords) {
    numWords = 0;
    for (const p of parts) for (const seq of p.x) for (const w of seq) numWords = Math.max(numWords, w);
  }
  const limit = numWords;
  const { skipTop, oovChar } = options;
  const cut = (seq: number[]) =>
    oovChar !== null
      ? seq.map((w) => (skipTop <= w && w < limit ? w : oovChar))
      : seq.filter((w) => skipTop <= w && w < limit);
  return parts.map((p) => ({ x: p.x.map(cut), y: p.y }));
}

/** keras.utils.pad_sequences(x, maxlen=length): zeros in front, long sequences keep their end. */
export function padSequences(xs: readonly number[][], length: number): Float32Array {
  const out = new Float32Array(xs.length * length);
  xs.forEach((seq, i) => {
    const kept = seq.length > length ? seq.slice(seq.length - length) : seq;
    out.set(kept, i * length + (length - kept.length));
  });
  return out;
}

function sequences(a: NpzArray, path: string): number[][] {
  if (!a.objects) throw new DataError('data-format', `${path}: the reviews are not an object array of word lists`);
  return a.objects.map((seq, i) => {
    if (!Array.isArray(seq) || !seq.every((w) => typeof w === 'number' && Number.isInteger(w))) {
      throw new DataError('data-format', `${path}: review ${i} is not a list of word indices`);
    }
    return seq as number[];
  });
}

function integers(a: NpzArray, path: string): number[] {
  const bytes = a.bytes;
  const count = a.shape.reduce((n, d) => n * d, 1);
  if (!bytes) throw new DataError('data-format', `${path}: the labels are not a numeric array`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = { '<i8': 8, '<i4': 4, '|u1': 1, '|i1': 1, '<u1': 1 }[a.descr];
  if (!size || bytes.length < count * size)
    throw new DataError('data-format', `${path}: labels of dtype ${a.descr} are not supported`);
  return Array.from({ length: count }, (_, i) =>
    size === 8
      ? Number(view.getBigInt64(i * 8, true))
      : size === 4
        ? view.getInt32(i * 4, true)
        : a.descr === '|i1'
          ? view.getInt8(i)
          : bytes[i],
  );
}
