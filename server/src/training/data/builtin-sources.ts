// Loaders for the built-in datasets: `digits` (shipped) and `mnist`/`fashion_mnist` (found where
// they already are, else downloaded once; see locate.ts). All three give 28×28×1 uint8 images and
// 10 classes, as keras.datasets.*.load_data() does.

import { BUILTIN_DATASETS } from '../../language/data/types';
import { DataError } from '../../language/data/errors';
import { digitsFilePath, readDigits } from './digits';
import { defaultPlaceEnv } from '../../language/data/dataset-places';
import { readIdx } from './idx';
import { ensureDataset } from './locate';
import { REMOTE_DATASETS, mirrorsFor, remoteFiles } from './remote-datasets';
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

function remoteSource(name: 'mnist' | 'fashion_mnist'): SourceLoader {
  const dataset = REMOTE_DATASETS[name];
  // One look per data preparation (both splits, cache key and load), so the copy is named once.
  const looked = new WeakMap<PrepareContext, Promise<string[]>>();
  const download = (ctx: PrepareContext) => {
    const hit = looked.get(ctx);
    if (hit) return hit;
    const paths = find(ctx);
    looked.set(ctx, paths);
    return paths;
  };
  const find = async (ctx: PrepareContext) =>
    (
      await ensureDataset(name, {
        pe: defaultPlaceEnv(ctx.cacheDir),
        files: remoteFiles(dataset),
        mirrors: mirrorsFor(dataset),
        onProgress: ctx.onProgress,
        signal: ctx.signal,
        kerasCall: name === 'fashion_mnist' ? 'keras.datasets.fashion_mnist.load_data()' : undefined,
      })
    ).paths;
  return {
    async files(_ref, split, ctx) {
      const [trainImages, trainLabels, testImages, testLabels] = await download(ctx);
      return split === 'train' ? [trainImages, trainLabels] : [testImages, testLabels];
    },
    async load(ref, split, ctx) {
      const [images, labels] = await this.files(ref, split, ctx);
      ctx.onProgress?.(`Reading ${name} (${split})`);
      const x = await readIdx(images);
      const y = await readIdx(labels);
      const count = x.dims[0];
      if (x.dims.length !== 3 || y.dims.length !== 1 || y.dims[0] !== count) {
        throw new DataError(
          'data-format',
          `${images} and ${labels} do not match (${x.dims.join('×')} images, ${y.dims.join('×')} labels); delete them to download them again`,
        );
      }
      return {
        x: { dtype: 'uint8', data: x.data, sampleShape: [x.dims[1], x.dims[2], 1] },
        count,
        y: classesOf(y.data, BUILTIN_DATASETS[name].classes),
        isImage: true,
      };
    },
  };
}

export const mnistSource = remoteSource('mnist');
export const fashionMnistSource = remoteSource('fashion_mnist');

/** The split a built-in source reads: its `split=` argument, else the slot it fills (test/validation read 'test'). */
export function builtinSplit(ref: SourceRef, slot: 'train' | 'test' | 'validation'): SplitName {
  const split = ref.args.split;
  if (split === undefined || split === null) return slot === 'train' ? 'train' : 'test';
  if (split === 'train' || split === 'test') return split;
  throw new DataError('data-format', `${ref.name}(split=${JSON.stringify(split)}): split must be 'train' or 'test'`, 'split');
}
