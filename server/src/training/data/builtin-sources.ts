// Loaders for the built-in datasets: `digits` (shipped) and `mnist`/`fashion_mnist` (downloaded
// once into the cache). All three give 28×28×1 uint8 images and 10 classes.

import { BUILTIN_DATASETS } from '../../language/data/types';
import { DataError } from '../../language/data/errors';
import { digitsFilePath, readDigits } from './digits';
import { ensureFiles } from './download';
import { readIdx } from './idx';
import { REMOTE_DATASETS, datasetDir, mirrorsFor, remoteFiles } from './remote-datasets';
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
  const download = (ctx: PrepareContext) =>
    ensureFiles({
      dir: datasetDir(dataset, ctx.cacheDir),
      files: remoteFiles(dataset),
      mirrors: mirrorsFor(dataset),
      onProgress: ctx.onProgress,
      signal: ctx.signal,
    });
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
