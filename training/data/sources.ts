// Which loader reads which source.

import { digitsSource, fashionMnistSource, mnistSource } from './builtin-sources';
import {
  bostonHousingSource,
  californiaHousingSource,
  cifar100Source,
  cifar10Source,
  imdbSource,
  reutersSource,
} from './keras-sources';
import { csvSource } from '../../data/csv';
import { idxSource } from '../../data/idx';
import { imagesSource } from '../../data/images';
import { npySource } from '../../data/npy';
import type { SourceLoader, SourceName, SourceRef } from './types';

const LOADERS: Record<SourceName, SourceLoader> = {
  digits: digitsSource,
  mnist: mnistSource,
  fashion_mnist: fashionMnistSource,
  cifar10: cifar10Source,
  cifar100: cifar100Source,
  imdb: imdbSource,
  reuters: reutersSource,
  boston_housing: bostonHousingSource,
  california_housing: californiaHousingSource,
  idx: idxSource,
  csv: csvSource,
  images: imagesSource,
  npy: npySource,
};

export function loaderFor(ref: SourceRef): SourceLoader {
  return LOADERS[ref.name];
}
