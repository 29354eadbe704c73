// Where a built-in dataset may already be on the machine, in the order it is looked for:
//   1. each folder of MODELSPEC_DATA_DIRS (or the `modelspec.dataDirs` setting), in torchvision's
//      layout (`<root>/MNIST/raw`, `<root>/FashionMNIST/raw`, `<root>/cifar-10-batches-py`,
//      `<root>/cifar-100-python`) or
//      Keras's (`<root>/imdb.npz`);
//   2. Keras's cache, `$KERAS_HOME/datasets` else `~/.keras/datasets`, exactly as
//      `keras.datasets.*.load_data()` leaves it (so ModelSpec and Keras share one copy);
//   3. Debian's dataset packages under /usr/share/datasets (MODELSPEC_DEBIAN_DATASETS);
//   4. ModelSpec's own cache.
// Only names and existence here (cheap enough for hover); checksums are verified by training.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { cacheDir as defaultCacheDir } from './cache-dir';

export type LocalDataset =
  | 'mnist'
  | 'fashion_mnist'
  | 'cifar10'
  | 'cifar100'
  | 'imdb'
  | 'reuters'
  | 'boston_housing'
  | 'california_housing';

export type PlaceKind = 'data-dirs' | 'keras' | 'debian' | 'modelspec';

export const PLACE_LABELS: Readonly<Record<PlaceKind, string>> = {
  'data-dirs': 'MODELSPEC_DATA_DIRS',
  keras: "Keras's cache",
  debian: 'Debian package',
  modelspec: "ModelSpec's cache",
};

export interface Place {
  dir: string;
  kind: PlaceKind;
  /** The files there, when this place keeps the dataset in another format (Keras's mnist.npz). */
  files?: readonly string[];
}

const IDX_FILES = [
  'train-images-idx3-ubyte.gz',
  'train-labels-idx1-ubyte.gz',
  't10k-images-idx3-ubyte.gz',
  't10k-labels-idx1-ubyte.gz',
];

/** The files of one copy, relative to its folder (IDX files may also be there unpacked, without .gz). */
export const DATASET_FILES: Readonly<Record<LocalDataset, readonly string[]>> = {
  mnist: IDX_FILES,
  fashion_mnist: IDX_FILES,
  cifar10: ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'],
  cifar100: ['train', 'test'],
  imdb: ['imdb.npz'],
  reuters: ['reuters.npz'],
  boston_housing: ['boston_housing.npz'],
  california_housing: ['california_housing.npz'],
};

/** How a copy sits under a MODELSPEC_DATA_DIRS root, for the offline message. */
export const DATA_DIR_LAYOUT: Readonly<Record<LocalDataset, string>> = {
  mnist: 'MNIST/raw/',
  fashion_mnist: 'FashionMNIST/raw/',
  cifar10: 'cifar-10-batches-py/',
  cifar100: 'cifar-100-python/',
  imdb: 'imdb.npz',
  reuters: 'reuters.npz',
  boston_housing: 'boston_housing.npz',
  california_housing: 'california_housing.npz',
};

export interface PlaceEnv {
  env: NodeJS.ProcessEnv;
  home: string;
  cacheDir: string;
}

export function defaultPlaceEnv(cacheDir?: string, env: NodeJS.ProcessEnv = process.env): PlaceEnv {
  return { env, home: homedir(), cacheDir: cacheDir ?? defaultCacheDir(env) };
}

/** Keras's `keras_home()/datasets`: `$KERAS_HOME/datasets`, else `~/.keras/datasets`. */
export function kerasDatasetsDir(pe: PlaceEnv): string {
  const home = pe.env.KERAS_HOME || join(pe.home, '.keras');
  return join(home.startsWith('~') ? pe.home + home.slice(1) : home, 'datasets');
}

export function debianDatasetsDir(pe: PlaceEnv): string {
  return pe.env.MODELSPEC_DEBIAN_DATASETS || '/usr/share/datasets';
}

export function dataDirs(pe: PlaceEnv): string[] {
  return (pe.env.MODELSPEC_DATA_DIRS ?? '')
    .split(delimiter)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Every folder a copy of the dataset is looked for in, in order. */
export function placesFor(name: LocalDataset, pe: PlaceEnv): Place[] {
  const keras = kerasDatasetsDir(pe);
  const places: Place[] = [];
  const add = (kind: PlaceKind, ...dirs: string[]) => places.push(...dirs.map((dir) => ({ dir, kind })));
  const roots = dataDirs(pe);
  switch (name) {
    case 'mnist':
      add('data-dirs', ...roots.map((r) => join(r, 'MNIST', 'raw')));
      places.push({ dir: keras, kind: 'keras', files: ['mnist.npz'] });
      add('debian', join(debianDatasetsDir(pe), 'mnist'));
      add('modelspec', join(pe.cacheDir, 'mnist'));
      break;
    case 'fashion_mnist':
      add('data-dirs', ...roots.map((r) => join(r, 'FashionMNIST', 'raw')));
      add('keras', join(keras, 'fashion-mnist'));
      add('debian', join(debianDatasetsDir(pe), 'fashion-mnist'));
      add('modelspec', join(pe.cacheDir, 'fashion_mnist'));
      break;
    case 'cifar10':
      add('data-dirs', ...roots.map((r) => join(r, 'cifar-10-batches-py')));
      // Keras 3 extracts into `cifar-10-batches-py-target/`; tf.keras 2 straight into datasets/.
      add(
        'keras',
        join(keras, 'cifar-10-batches-py-target', 'cifar-10-batches-py'),
        join(keras, 'cifar-10-batches-py'),
      );
      add('modelspec', join(pe.cacheDir, 'cifar-10-batches-py'));
      break;
    case 'cifar100':
      add('data-dirs', ...roots.map((r) => join(r, 'cifar-100-python')));
      add('keras', join(keras, 'cifar-100-python-target', 'cifar-100-python'), join(keras, 'cifar-100-python'));
      add('modelspec', join(pe.cacheDir, 'cifar-100-python'));
      break;
    case 'imdb':
    case 'reuters':
    case 'boston_housing':
    case 'california_housing':
      // Keras keeps these as one .npz each, straight in datasets/.
      add('data-dirs', ...roots);
      add('keras', keras);
      add('modelspec', join(pe.cacheDir, name));
      break;
  }
  return places;
}

/** Where downloads go: Keras's cache layout, so Keras finds them too. */
export function downloadPlace(name: LocalDataset, pe: PlaceEnv): Place {
  return placesFor(name, pe).find((p) => p.kind === 'keras')!;
}

/** The files a copy at this place consists of. */
export function filesAt(name: LocalDataset, place: Place): readonly string[] {
  return place.files ?? DATASET_FILES[name];
}

/** The file under its name, or unpacked without `.gz` (as some people keep IDX files). */
export function presentFile(dir: string, name: string): string | undefined {
  for (const candidate of name.endsWith('.gz') ? [name, name.slice(0, -3)] : [name]) {
    if (existsSync(join(dir, candidate))) return join(dir, candidate);
  }
  return undefined;
}

export interface Candidate {
  place: Place;
  /** The files in filesAt() order. */
  paths: string[];
}

/** The places that hold every file of the dataset (by name only; not yet verified). */
export function candidatesFor(name: LocalDataset, pe: PlaceEnv): Candidate[] {
  const out: Candidate[] = [];
  for (const place of placesFor(name, pe)) {
    const paths = filesAt(name, place).map((f) => presentFile(place.dir, f));
    if (paths.every((p) => p !== undefined)) out.push({ place, paths: paths as string[] });
  }
  return out;
}

/** "/usr/share/datasets/fashion-mnist (Debian package)". */
export function describePlace(place: Place): string {
  return `${place.dir} (${PLACE_LABELS[place.kind]})`;
}

/** For hover: where the copy training would use is, or where it will be downloaded to. */
export function whereFound(name: LocalDataset, pe: PlaceEnv): string {
  const [first] = candidatesFor(name, pe);
  if (first) return `found in ${describePlace(first.place)}`;
  return `not on this machine yet: downloaded on the first run into ${describePlace(downloadPlace(name, pe))}`;
}
