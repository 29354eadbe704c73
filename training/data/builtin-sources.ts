// Loaders for the built-in image sets: `digits` (shipped) and `mnist`/`fashion_mnist` (found
// where they already are — IDX files, or Keras's mnist.npz — else downloaded once; see
// locate.ts): 28×28×1 uint8 images and 10 classes, as keras.datasets.*.load_data() gives them.
// Keras's other datasets are in keras-sources.ts.

import { defaultPlaceEnv } from '../../language/data/dataset-places';
import { DataError } from '../../language/data/errors';
import { BUILTIN_DATASETS } from '../../language/data/types';
import { digitsFilePath, readDigits } from './digits';
import { readIdx } from '../../data/idx';
import { ensureDataset } from './locate';
import { readNpz } from './npz';
import { oncePerPreparation } from './once';
import { MNIST_NPZ, REMOTE_DATASETS, expectedSums, mirrorsFor, remoteFiles } from './remote-datasets';
import type { LoadedSplit, SourceLoader, SplitName } from './types';

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
      const { images, labels } =
        files.length === 1 ? await fromNpz(files[0], split) : await fromIdx(files[0], files[1]);
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
    throw new DataError(
      'data-format',
      `${path} lacks uint8 x_${split} and y_${split} arrays; delete it to download it again`,
    );
  }
  const pair = { images: { dims: x.shape, data: x.bytes }, labels: { dims: y.shape, data: y.bytes } };
  checkPair(pair.images, pair.labels, `${path}'s x_${split} and y_${split} do not match`);
  return pair;
}

function checkPair(
  x: { dims: number[]; data: Uint8Array },
  y: { dims: number[]; data: Uint8Array },
  what: string,
): void {
  const count = x.dims[0];
  if (
    x.dims.length !== 3 ||
    y.dims.length !== 1 ||
    y.dims[0] !== count ||
    x.data.length < count * x.dims[1] * x.dims[2] ||
    y.data.length < count
  ) {
    throw new DataError(
      'data-format',
      `${what} (${x.dims.join('×')} images, ${y.dims.join('×')} labels); delete them to download them again`,
    );
  }
}

export const mnistSource = remoteSource('mnist');
export const fashionMnistSource = remoteSource('fashion_mnist');
