// The built-in datasets' published files: where Keras downloads them from and their SHA-256 sums.
// MNIST's IDX sums are the ones torchvision, TFDS and others publish for these exact files;
// Fashion-MNIST's are those of the files Keras serves (the same bytes as Zalando's mirror), and
// `contentSha256` is the SHA-256 of each file unpacked, which also verifies a re-gzipped copy
// such as Debian's `dataset-fashion-mnist` (computed from that package's files, whose gzip
// streams differ but whose contents are the published data). Keras's own `file_hash` values are
// used for imdb.npz and the CIFAR-10 archive.

import type { RemoteFile } from './download';

export interface IdxDataset {
  mirrors: readonly string[];
  train: { images: RemoteFile; labels: RemoteFile };
  test: { images: RemoteFile; labels: RemoteFile };
}

/** Keras's download folder for every dataset it hosts itself. */
export const KERAS_ORIGIN = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';

export const REMOTE_DATASETS: Readonly<Record<'mnist' | 'fashion_mnist', IdxDataset>> = {
  mnist: {
    // Downloads are Keras's mnist.npz (see MNIST_NPZ); the IDX sums verify copies found on the machine.
    mirrors: [KERAS_ORIGIN],
    train: {
      images: {
        name: 'train-images-idx3-ubyte.gz',
        sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
      },
      labels: {
        name: 'train-labels-idx1-ubyte.gz',
        sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
      },
    },
    test: {
      images: {
        name: 't10k-images-idx3-ubyte.gz',
        sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      },
      labels: {
        name: 't10k-labels-idx1-ubyte.gz',
        sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
      },
    },
  },
  fashion_mnist: {
    // Keras's own copy first (fashion_mnist.load_data() downloads from there), then Zalando's.
    mirrors: [KERAS_ORIGIN, 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
    train: {
      images: {
        name: 'train-images-idx3-ubyte.gz',
        sha256: '08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc',
        contentSha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
      },
      labels: {
        name: 'train-labels-idx1-ubyte.gz',
        sha256: 'b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc',
        contentSha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
      },
    },
    test: {
      images: {
        name: 't10k-images-idx3-ubyte.gz',
        sha256: '78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229',
        contentSha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
      },
      labels: {
        name: 't10k-labels-idx1-ubyte.gz',
        sha256: '42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf',
        contentSha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
      },
    },
  },
};

/** Keras's `file_hash` for mnist.npz (keras/src/datasets/mnist.py). */
export const MNIST_NPZ: RemoteFile = {
  name: 'mnist.npz',
  sha256: '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1',
};

/** Keras's `file_hash` for each single-.npz dataset (keras/src/datasets/<name>.py). */
export const NPZ_FILES = {
  imdb: { name: 'imdb.npz', sha256: '69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f' },
  reuters: { name: 'reuters.npz', sha256: 'd6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916' },
  boston_housing: {
    name: 'boston_housing.npz',
    sha256: 'f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5',
  },
  california_housing: {
    name: 'california_housing.npz',
    sha256: '1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f',
  },
} as const satisfies Record<string, RemoteFile>;

/**
 * Keras's `file_hash` of each CIFAR archive (keras/src/datasets/cifar10.py, cifar100.py), its name
 * on the CIFAR site, and where Keras 3 extracts it; the extracted batches have no published sums.
 */
export const CIFAR_ARCHIVES = {
  cifar10: {
    remoteName: 'cifar-10-python.tar.gz',
    sha256: '6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce',
    dirname: 'cifar-10-batches-py-target',
    folder: 'cifar-10-batches-py',
  },
  cifar100: {
    remoteName: 'cifar-100-python.tar.gz',
    sha256: '85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7',
    dirname: 'cifar-100-python-target',
    folder: 'cifar-100-python',
  },
} as const;

/** All four files, in DATASET_FILES order (train images, train labels, test images, test labels). */
export function remoteFiles(dataset: IdxDataset): RemoteFile[] {
  return [dataset.train.images, dataset.train.labels, dataset.test.images, dataset.test.labels];
}

/** Mirrors to try: MODELSPEC_DATASET_MIRROR (comma-separated base URLs) replaces the built-in ones. */
export function mirrorsFor(
  dataset: { mirrors: readonly string[] },
  env: NodeJS.ProcessEnv = process.env,
): readonly string[] {
  const override = env.MODELSPEC_DATASET_MIRROR?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return override?.length ? override : dataset.mirrors;
}

/**
 * The expected sums, with MODELSPEC_DATASET_SHA256 (`name=sha256,…`) replacing those of the files
 * it names: for a copy the user made on purpose (a subset, a re-packed file), and for tests.
 */
export function expectedSums(files: readonly RemoteFile[], env: NodeJS.ProcessEnv = process.env): RemoteFile[] {
  const overrides = new Map(
    (env.MODELSPEC_DATASET_SHA256 ?? '')
      .split(',')
      .map((pair) => pair.trim().split('='))
      .filter((kv): kv is [string, string] => kv.length === 2 && /^[0-9a-f]{64}$/.test(kv[1])),
  );
  return files.map((f) =>
    overrides.has(f.name)
      ? { name: f.name, sha256: overrides.get(f.name)!, ...(f.remoteName && { remoteName: f.remoteName }) }
      : f,
  );
}
