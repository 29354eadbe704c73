// MNIST and Fashion-MNIST: where they are downloaded from and their files' SHA-256 sums.
// MNIST's sums are the ones torchvision, TFDS and others publish for these exact files;
// Fashion-MNIST's are those published for the files on its S3 mirror (see the report/README).

import { join } from 'node:path';
import type { RemoteFile } from './download';

export interface RemoteDataset {
  /** Sub-folder of the cache the files live in. */
  folder: string;
  mirrors: readonly string[];
  train: { images: RemoteFile; labels: RemoteFile };
  test: { images: RemoteFile; labels: RemoteFile };
}

export const REMOTE_DATASETS: Readonly<Record<'mnist' | 'fashion_mnist', RemoteDataset>> = {
  mnist: {
    folder: 'mnist',
    mirrors: ['https://storage.googleapis.com/cvdf-datasets/mnist/', 'https://ossci-datasets.s3.amazonaws.com/mnist/'],
    train: {
      images: { name: 'train-images-idx3-ubyte.gz', sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' },
      labels: { name: 'train-labels-idx1-ubyte.gz', sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' },
    },
    test: {
      images: { name: 't10k-images-idx3-ubyte.gz', sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' },
      labels: { name: 't10k-labels-idx1-ubyte.gz', sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' },
    },
  },
  fashion_mnist: {
    folder: 'fashion_mnist',
    mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
    train: {
      images: { name: 'train-images-idx3-ubyte.gz', sha256: '08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc' },
      labels: { name: 'train-labels-idx1-ubyte.gz', sha256: 'b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc' },
    },
    test: {
      images: { name: 't10k-images-idx3-ubyte.gz', sha256: '78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229' },
      labels: { name: 't10k-labels-idx1-ubyte.gz', sha256: '42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf' },
    },
  },
};

/** All four files, in the order the "put the files into …" message lists them. */
export function remoteFiles(dataset: RemoteDataset): RemoteFile[] {
  return [dataset.train.images, dataset.train.labels, dataset.test.images, dataset.test.labels];
}

/** Mirrors to try: MODELSPEC_DATASET_MIRROR (comma-separated base URLs) replaces the built-in ones. */
export function mirrorsFor(dataset: RemoteDataset, env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const override = env.MODELSPEC_DATASET_MIRROR?.split(',').map((s) => s.trim()).filter(Boolean);
  return override?.length ? override : dataset.mirrors;
}

export function datasetDir(dataset: RemoteDataset, cacheDir: string): string {
  return join(cacheDir, dataset.folder);
}
