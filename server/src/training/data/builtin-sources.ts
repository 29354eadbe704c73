// Loaders for the built-in datasets: `digits` (shipped) and `mnist`/`fashion_mnist` (found where
// they already are, else downloaded once; see locate.ts). All three give 28×28×1 uint8 images and
// 10 classes, as keras.datasets.*.load_data() does.

import { BUILTIN_DATASETS, builtinClasses } from '../../language/data/types';
import { DataError } from '../../language/data/errors';
import { digitsFilePath, readDigits } from './digits';
import { dirname } from 'node:path';
import { defaultPlaceEnv, describePlace } from '../../language/data/dataset-places';
import { sequenceSampleShape } from '../../language/data/probe';
import { readIdx } from './idx';
import { ensureDataset, locateDataset, offlineMessage } from './locate';
import { CIFAR_MIRRORS, downloadCifar } from './cifar-download';
import { readCifarBatches } from './cifar';
import { DownloadError } from './download';
import { loadHousing } from './housing';
import { IMDB_DEFAULTS, loadImdb, loadReuters, padSequences, type ImdbOptions } from './imdb';
import { readNpz } from './npz';
import { KERAS_ORIGIN, MNIST_NPZ, NPZ_FILES, REMOTE_DATASETS, expectedSums, mirrorsFor, remoteFiles } from './remote-datasets';
import type { LoadedSplit, PrepareContext, SourceLoader, SourceRef, SplitName } from './types';

function classesOf(indices: Uint8Array, classes: string[]): LoadedSplit['y'] {
  return { kind: 'classes', indices: Int32Array.from(indices), classes };
}

export const digitsSource: SourceLoader = {
  async files() {
    return [digitsFilePath()];
  },
  async load(_ref, split) {
    const d = await readDigits(split);
    return {
      x: { dtype: 'uint8', data: d.x, sampleShape: [d.rows, d.cols, 1] },
      count: d.count,
      y: classesOf(d.labels, BUILTIN_DATASETS.digits.classes),
      isImage: true,
    };
  },
};

/** Runs `find` once per data preparation (both splits, cache key and load), so the copy used is named once. */
function oncePerPreparation<T>(find: (ctx: PrepareContext) => Promise<T>): (ctx: PrepareContext) => Promise<T> {
  const looked = new WeakMap<PrepareContext, Promise<T>>();
  return (ctx) => {
    let hit = looked.get(ctx);
    if (!hit) looked.set(ctx, (hit = find(ctx)));
    return hit;
  };
}

function remoteSource(name: 'mnist' | 'fashion_mnist'): SourceLoader {
  const dataset = REMOTE_DATASETS[name];
  const download = oncePerPreparation(
    async (ctx) =>
      (
        await ensureDataset(name, {
          pe: defaultPlaceEnv(ctx.cacheDir),
          sums: expectedSums(name === 'mnist' ? [...remoteFiles(dataset), MNIST_NPZ] : remoteFiles(dataset)),
          mirrors: mirrorsFor(dataset),
          onProgress: ctx.onProgress,
          signal: ctx.signal,
          kerasCall: `keras.datasets.${name}.load_data()`,
        })
      ).paths,
  );
  return {
    async files(_ref, split, ctx) {
      const paths = await download(ctx);
      if (paths.length === 1) return paths; // Keras's mnist.npz holds both splits
      const [trainImages, trainLabels, testImages, testLabels] = paths;
      return split === 'train' ? [trainImages, trainLabels] : [testImages, testLabels];
    },
    async load(ref, split, ctx) {
      const files = await this.files(ref, split, ctx);
      ctx.onProgress?.(`Reading ${name} (${split})`);
      const { images, labels } = files.length === 1 ? await fromNpz(files[0], split) : await fromIdx(files[0], files[1]);
      return {
        x: { dtype: 'uint8', data: images.data, sampleShape: [images.dims[1], images.dims[2], 1] },
        count: images.dims[0],
        y: classesOf(labels.data, BUILTIN_DATASETS[name].classes),
        isImage: true,
      };
    },
  };
}

interface ImagesAndLabels {
  images: { dims: number[]; data: Uint8Array };
  labels: { dims: number[]; data: Uint8Array };
}

async function fromIdx(imagesPath: string, labelsPath: string): Promise<ImagesAndLabels> {
  const images = await readIdx(imagesPath);
  const labels = await readIdx(labelsPath);
  checkPair(images, labels, `${imagesPath} and ${labelsPath} do not match`);
  return { images, labels };
}

/** Keras's mnist.npz: x_train (60000, 28, 28) and y_train (60000,) uint8, and the same for test. */
async function fromNpz(path: string, split: SplitName): Promise<ImagesAndLabels> {
  const npz = await readNpz(path);
  const [x, y] = [npz.get(`x_${split}`), npz.get(`y_${split}`)];
  if (!x?.bytes || !y?.bytes || x.descr !== '|u1' || y.descr !== '|u1') {
    throw new DataError('data-format', `${path} lacks uint8 x_${split} and y_${split} arrays; delete it to download it again`);
  }
  const pair = { images: { dims: x.shape, data: x.bytes }, labels: { dims: y.shape, data: y.bytes } };
  checkPair(pair.images, pair.labels, `${path}'s x_${split} and y_${split} do not match`);
  return pair;
}

function checkPair(x: { dims: number[]; data: Uint8Array }, y: { dims: number[]; data: Uint8Array }, what: string): void {
  const count = x.dims[0];
  if (x.dims.length !== 3 || y.dims.length !== 1 || y.dims[0] !== count || x.data.length < count * x.dims[1] * x.dims[2] || y.data.length < count) {
    throw new DataError('data-format', `${what} (${x.dims.join('×')} images, ${y.dims.join('×')} labels); delete them to download them again`);
  }
}

export const mnistSource = remoteSource('mnist');
export const fashionMnistSource = remoteSource('fashion_mnist');

/** CIFAR-10/100: the extracted batches where they are (structure checked on reading), else Keras's download. */
function cifarSource(name: 'cifar10' | 'cifar100'): SourceLoader {
  const files = oncePerPreparation(async (ctx) => {
    const pe = defaultPlaceEnv(ctx.cacheDir);
    const { found } = await locateDataset(name, pe);
    if (found) {
      ctx.onProgress?.(`${name}: ${describePlace(found.place)}, ${found.check}`);
      return found.paths;
    }
    try {
      const paths = await downloadCifar(name, { pe, mirrors: mirrorsFor({ mirrors: CIFAR_MIRRORS }), onProgress: ctx.onProgress, signal: ctx.signal });
      ctx.onProgress?.(`${name}: downloaded into ${dirname(paths[0])} (Keras's cache), archive SHA-256 verified`);
      return paths;
    } catch (e) {
      if (!(e instanceof DownloadError)) throw e;
      throw new DataError('data-missing', offlineMessage(name, { pe, kerasCall: `keras.datasets.${name}.load_data()` }, e.reason, []));
    }
  });
  return {
    async files(_ref, split, ctx) {
      const paths = await files(ctx);
      // CIFAR-10: data_batch_1..5 then test_batch; CIFAR-100: train then test.
      return split === 'train' ? paths.slice(0, -1) : paths.slice(-1);
    },
    async load(ref, split, ctx) {
      const paths = await this.files(ref, split, ctx);
      ctx.onProgress?.(`Reading ${name} (${split})`);
      const classes = builtinClasses(ref);
      const labelKey = name === 'cifar10' ? 'labels' : `${ref.args.label_mode === 'coarse' ? 'coarse' : 'fine'}_labels`;
      const batches = await readCifarBatches(paths, classes.length, labelKey);
      return { x: { dtype: 'uint8', data: batches.x, sampleShape: [32, 32, 3] }, count: batches.count, y: { kind: 'classes', indices: batches.labels, classes }, isImage: true };
    },
  };
}

export const cifar10Source = cifarSource('cifar10');
export const cifar100Source = cifarSource('cifar100');

type NpzDataset = keyof typeof NPZ_FILES;

/** The one .npz of imdb, reuters, boston_housing or california_housing: where it is, else Keras's download. */
function npzFile(name: NpzDataset): (ctx: PrepareContext) => Promise<string[]> {
  return oncePerPreparation(
    async (ctx) =>
      (
        await ensureDataset(name, {
          pe: defaultPlaceEnv(ctx.cacheDir),
          sums: expectedSums([NPZ_FILES[name]]),
          mirrors: mirrorsFor({ mirrors: [KERAS_ORIGIN] }),
          onProgress: ctx.onProgress,
          signal: ctx.signal,
          kerasCall: `keras.datasets.${name}.load_data()`,
        })
      ).paths,
  );
}

/** An argument as load_data() takes it: a number, None, or (not written) the default. */
function numberArg(ref: SourceRef, name: string, fallback: number | null): number | null {
  const v = ref.args[name];
  return typeof v === 'number' ? v : v === null ? null : fallback;
}

/** imdb(...)'s and reuters(...)'s arguments as load_data() takes them. */
function sequenceOptions(ref: SourceRef): ImdbOptions {
  return {
    numWords: numberArg(ref, 'num_words', IMDB_DEFAULTS.numWords),
    skipTop: numberArg(ref, 'skip_top', IMDB_DEFAULTS.skipTop) ?? 0,
    maxlen: numberArg(ref, 'maxlen', IMDB_DEFAULTS.maxlen),
    seed: numberArg(ref, 'seed', IMDB_DEFAULTS.seed) ?? IMDB_DEFAULTS.seed,
    startChar: numberArg(ref, 'start_char', IMDB_DEFAULTS.startChar),
    oovChar: numberArg(ref, 'oov_char', IMDB_DEFAULTS.oovChar),
    indexFrom: numberArg(ref, 'index_from', IMDB_DEFAULTS.indexFrom) ?? 0,
  };
}

function sequenceSource(name: 'imdb' | 'reuters'): SourceLoader {
  const file = npzFile(name);
  return {
    files: (_ref, _split, ctx) => file(ctx),
    async load(ref, split, ctx) {
      const [path] = await file(ctx);
      const [length] = sequenceSampleShape(ref);
      ctx.onProgress?.(`Reading ${name} (${split})`);
      const options = sequenceOptions(ref);
      const splits = name === 'imdb' ? await loadImdb(path, options) : await loadReuters(path, { ...options, testSplit: numberArg(ref, 'test_split', 0.2) ?? 0.2 });
      const data = splits[split];
      const classes = BUILTIN_DATASETS[name].classes;
      const bad = data.y.findIndex((l) => !(l >= 0 && l < classes.length));
      if (bad >= 0) throw new DataError('data-format', `${path}: label ${data.y[bad]} is not one of the ${classes.length} classes of ${name}; delete the file to download it again`);
      return {
        x: { dtype: 'float32', data: padSequences(data.x, length), sampleShape: [length] },
        count: data.x.length,
        y: { kind: 'classes', indices: Int32Array.from(data.y), classes },
        isImage: false,
      };
    },
  };
}

export const imdbSource = sequenceSource('imdb');
export const reutersSource = sequenceSource('reuters');

function housingSource(name: 'boston_housing' | 'california_housing'): SourceLoader {
  const file = npzFile(name);
  return {
    files: (_ref, _split, ctx) => file(ctx),
    async load(ref, split, ctx) {
      const [path] = await file(ctx);
      ctx.onProgress?.(`Reading ${name} (${split})`);
      const table = (
        await loadHousing(path, {
          testSplit: numberArg(ref, 'test_split', 0.2) ?? 0.2,
          seed: numberArg(ref, 'seed', 113) ?? 113,
          ...(name === 'california_housing' && ref.args.version === 'small' && { limit: 600 }),
        })
      )[split];
      return { x: { dtype: 'float32', data: table.x, sampleShape: [table.features] }, count: table.count, y: { kind: 'numbers', values: table.y, shape: [] }, isImage: false };
    },
  };
}

export const bostonHousingSource = housingSource('boston_housing');
export const californiaHousingSource = housingSource('california_housing');

/** The split a built-in source reads: its `split=` argument, else the slot it fills (test/validation read 'test'). */
export function builtinSplit(ref: SourceRef, slot: 'train' | 'test' | 'validation'): SplitName {
  const split = ref.args.split;
  if (split === undefined || split === null) return slot === 'train' ? 'train' : 'test';
  if (split === 'train' || split === 'test') return split;
  throw new DataError('data-format', `${ref.name}(split=${JSON.stringify(split)}): split must be 'train' or 'test'`, 'split');
}
