// Data sources as the language sees them: a source reference from the `data` block and what a
// cheap probe learned about it. Shared by the checker (language core) and training, so it lives
// here, with no dependency on server/src/training.

import type { ArgValue } from '../catalog/types';

export type SourceName = 'digits' | 'mnist' | 'fashion_mnist' | 'idx' | 'csv' | 'images' | 'npy';

/** A source in the data block. Args are bound by name; paths are as written (relative to the .model file). */
export interface SourceRef {
  name: SourceName;
  args: Record<string, ArgValue>;
}

export type SourceErrorCode = 'data-missing' | 'data-column' | 'data-format';

/** What a probe learned about a source from headers and listings only. */
export type SourceInfo =
  | {
      ok: true;
      /** One sample's shape, e.g. [28, 28, 1] or [13] for 13 CSV feature columns. */
      sampleShape: number[];
      /** Class names in index order, when known without reading the data in full. */
      classes?: string[];
      classCount?: number;
      /** CSV only: every column of the header, label included. */
      columns?: string[];
      /** Number of samples, when known cheaply. */
      samples?: number;
      /** One line for hover: "MNIST digits shipped with ModelSpec: 8,000 train images, 28×28 grayscale, 10 classes". */
      description: string;
    }
  | {
      ok: false;
      code: SourceErrorCode;
      message: string;
      /** Which argument is at fault, so the squiggle goes on it. */
      argName?: string;
    };

/** A built-in dataset: known shapes and classes, answered without I/O. */
export interface BuiltinDataset {
  name: 'digits' | 'mnist' | 'fashion_mnist';
  title: string;
  sampleShape: number[];
  classes: string[];
  samples: { train: number; test: number };
}

const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const BUILTIN_DATASETS: Readonly<Record<BuiltinDataset['name'], BuiltinDataset>> = {
  digits: {
    name: 'digits',
    title: 'MNIST handwritten digits shipped with ModelSpec (no download)',
    sampleShape: [28, 28, 1],
    classes: DIGIT_CLASSES,
    samples: { train: 8000, test: 2000 },
  },
  mnist: {
    name: 'mnist',
    title: 'MNIST handwritten digits (downloaded once into the cache)',
    sampleShape: [28, 28, 1],
    classes: DIGIT_CLASSES,
    samples: { train: 60000, test: 10000 },
  },
  fashion_mnist: {
    name: 'fashion_mnist',
    title: 'Fashion-MNIST clothing images (downloaded once into the cache)',
    sampleShape: [28, 28, 1],
    // Keras's class names, in label order.
    classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    samples: { train: 60000, test: 10000 },
  },
};

export function isBuiltinSource(name: SourceName): name is BuiltinDataset['name'] {
  return name === 'digits' || name === 'mnist' || name === 'fashion_mnist';
}
