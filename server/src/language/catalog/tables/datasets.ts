// Data sources for the data block: built-in sets (with their known shapes and classes) and
// file sources. Built-in sets take split='train'|'test'.

import { arg, intTuple, oneOf, optional, required, string } from '../arg-types';
import type { DatasetSpec } from '../types';

const split = arg('split', optional(oneOf('train', 'test')), null, "Which part of the set: 'train' or 'test' (None: the part that matches the setting, so `test: mnist` is the test split).");
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'digits',
    title: 'MNIST handwritten digits shipped with ModelSpec (no download)',
    doc: 'Real MNIST handwritten digits that ship with the extension (no network): 28×28 grayscale, 10 classes.',
    args: [split],
    sampleShape: [28, 28, 1],
    classNames: DIGITS,
    samples: { train: 8000, test: 2000 },
  },
  {
    name: 'mnist',
    title: 'MNIST handwritten digits (found on the machine or downloaded once)',
    doc: 'MNIST handwritten digits, as keras.datasets.mnist.load_data() gives them: 28×28 grayscale, 10 classes. Looked for in MODELSPEC_DATA_DIRS (torchvision layout) and ModelSpec\'s cache, else downloaded once (checksum-verified).',
    args: [split],
    sampleShape: [28, 28, 1],
    classNames: DIGITS,
    samples: { train: 60000, test: 10000 },
  },
  {
    name: 'fashion_mnist',
    title: 'Fashion-MNIST clothing images (found on the machine or downloaded once)',
    doc: 'Fashion-MNIST clothing images, as keras.datasets.fashion_mnist.load_data() gives them: 28×28 grayscale, 10 classes. Looked for in MODELSPEC_DATA_DIRS (torchvision layout), Keras\'s cache (~/.keras/datasets/fashion-mnist), Debian\'s dataset-fashion-mnist and ModelSpec\'s cache, else downloaded once into Keras\'s cache (checksum-verified).',
    args: [split],
    sampleShape: [28, 28, 1],
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    samples: { train: 60000, test: 10000 },
  },
  {
    name: 'idx',
    doc: 'Images and labels in IDX files (the MNIST file format), e.g. idx(images=\'train-images-idx3-ubyte\', labels=\'train-labels-idx1-ubyte\').',
    args: [required('images', string, 'Path of the IDX images file.'), required('labels', string, 'Path of the IDX labels file.')],
  },
  {
    name: 'csv',
    doc: 'A CSV file with a header row: every column but the label is a feature.',
    args: [
      required('path', string, 'Path of the CSV file.'),
      arg('label', optional(string), null, 'Name of the label column (None: the last column).'),
      arg('delimiter', string, ',', 'Column separator.'),
    ],
  },
  {
    name: 'images',
    doc: 'A folder of images with one sub-folder per class (as Keras image_dataset_from_directory reads it); images are resized to `size`.',
    args: [
      required('directory', string, 'The folder holding one sub-folder per class.'),
      arg('size', intTuple(2), [256, 256], 'Size (height, width) every image is resized to.'),
      arg('color_mode', oneOf('rgb', 'grayscale', 'rgba'), 'rgb', "Channels: 'rgb' (3), 'grayscale' (1) or 'rgba' (4)."),
    ],
  },
  {
    name: 'npy',
    doc: 'NumPy .npy arrays: x (samples first) and y (labels or targets).',
    args: [required('x', string, 'Path of the .npy file with the inputs.'), required('y', string, 'Path of the .npy file with the labels.')],
  },
];
