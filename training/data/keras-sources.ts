// Loaders for Keras's other built-in datasets — cifar10, cifar100, imdb, reuters, boston_housing,
// california_housing — found where they already are, else downloaded once into Keras's cache
// (locate.ts), and read with load_data()'s semantics (cifar.ts, imdb.ts, housing.ts).

import { dirname } from 'node:path';
import { defaultPlaceEnv, describePlace } from '../../language/data/dataset-places';
import { DataError } from '../../language/data/errors';
import { sequenceSampleShape } from '../../language/data/probe';
import { BUILTIN_DATASETS, builtinClasses } from '../../language/data/types';
import { readCifarBatches } from './cifar';
import { CIFAR_MIRRORS, downloadCifar } from './cifar-download';
import { DownloadError } from './download';
import { loadHousing } from './housing';
import { IMDB_DEFAULTS, loadImdb, loadReuters, padSequences, type ImdbOptions } from './imdb';
import { ensureDataset, locateDataset, offlineMessage } from './locate';
import { oncePerPreparation } from './once';
import { KERAS_ORIGIN, NPZ_FILES, expectedSums, mirrorsFor } from './remote-datasets';
import type { PrepareContext, SourceLoader, SourceRef } from './types';

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
      const paths = await downloadCifar(name, {
        pe,
        mirrors: mirrorsFor({ mirrors: CIFAR_MIRRORS }),
        onProgress: ctx.onProgress,
        signal: ctx.signal,
      });
      ctx.onProgress?.(`${name}: downloaded into ${dirname(paths[0])} (Keras's cache), archive SHA-256 verified`);
      return paths;
    } catch (e) {
      if (!(e instanceof DownloadError)) throw e;
      throw new DataError(
        'data-missing',
        offlineMessage(name, { pe, kerasCall: `keras.datasets.${name}.load_data()` }, e.reason, []),
      );
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
      return {
        x: { dtype: 'uint8', data: batches.x, sampleShape: [32, 32, 3] },
        count: batches.count,
        y: { kind: 'classes', indices: batches.labels, classes },
        isImage: true,
      };
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
      const splits =
        name === 'imdb'
          ? await loadImdb(path, options)
          : await loadReuters(path, { ...options, testSplit: numberArg(ref, 'test_split', 0.2) ?? 0.2 });
      const data = splits[split];
      const classes = BUILTIN_DATASETS[name].classes;
      const bad = data.y.findIndex((l) => !(l >= 0 && l < classes.length));
      if (bad >= 0)
        throw new DataError(
          'data-format',
          `${path}: label ${data.y[bad]} is not one of the ${classes.length} classes of ${name}; delete the file to download it again`,
        );
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
      return {
        x: { dtype: 'float32', data: table.x, sampleShape: [table.features] },
        count: table.count,
        y: { kind: 'numbers', values: table.y, shape: [] },
        isImage: false,
      };
    },
  };
}

export const bostonHousingSource = housingSource('boston_housing');
export const californiaHousingSource = housingSource('california_housing');
