// Data sources for the data block: built-in sets (with their known shapes and classes) and
// file sources. Built-in sets take split='train'|'test'.

import { arg, fraction, int, intTuple, oneOf, optional, required, string } from '../arg-types';
import type { DatasetSpec } from '../types';

const split = arg('split', optional(oneOf('train', 'test')), null, "Which part of the set: 'train' or 'test' (None: the part that matches the setting, so `test: mnist` is the test split).");
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** CIFAR-100's label names in index order (the archive's `meta` file): fine, then coarse. */
export const CIFAR100_FINE: readonly string[] = [
  'apple', 'aquarium_fish', 'baby', 'bear', 'beaver', 'bed', 'bee', 'beetle', 'bicycle', 'bottle', 'bowl',
  'boy', 'bridge', 'bus', 'butterfly', 'camel', 'can', 'castle', 'caterpillar', 'cattle', 'chair',
  'chimpanzee', 'clock', 'cloud', 'cockroach', 'couch', 'crab', 'crocodile', 'cup', 'dinosaur', 'dolphin',
  'elephant', 'flatfish', 'forest', 'fox', 'girl', 'hamster', 'house', 'kangaroo', 'keyboard', 'lamp',
  'lawn_mower', 'leopard', 'lion', 'lizard', 'lobster', 'man', 'maple_tree', 'motorcycle', 'mountain',
  'mouse', 'mushroom', 'oak_tree', 'orange', 'orchid', 'otter', 'palm_tree', 'pear', 'pickup_truck',
  'pine_tree', 'plain', 'plate', 'poppy', 'porcupine', 'possum', 'rabbit', 'raccoon', 'ray', 'road',
  'rocket', 'rose', 'sea', 'seal', 'shark', 'shrew', 'skunk', 'skyscraper', 'snail', 'snake', 'spider',
  'squirrel', 'streetcar', 'sunflower', 'sweet_pepper', 'table', 'tank', 'telephone', 'television', 'tiger',
  'tractor', 'train', 'trout', 'tulip', 'turtle', 'wardrobe', 'whale', 'willow_tree', 'wolf', 'woman',
  'worm',
];
/** keras.datasets.reuters.get_label_names(), in label order. */
export const REUTERS_TOPICS: readonly string[] = [
  'cocoa', 'grain', 'veg-oil', 'earn', 'acq', 'wheat', 'copper', 'housing', 'money-supply', 'coffee',
  'sugar', 'trade', 'reserves', 'ship', 'cotton', 'carcass', 'crude', 'nat-gas', 'cpi', 'money-fx',
  'interest', 'gnp', 'meal-feed', 'alum', 'oilseed', 'gold', 'tin', 'strategic-metal', 'livestock', 'retail',
  'ipi', 'iron-steel', 'rubber', 'heat', 'jobs', 'lei', 'bop', 'zinc', 'orange', 'pet-chem', 'dlr', 'gas',
  'silver', 'wpi', 'hog', 'lead',
];

export const CIFAR100_COARSE: readonly string[] = [
  'aquatic_mammals', 'fish', 'flowers', 'food_containers', 'fruit_and_vegetables',
  'household_electrical_devices', 'household_furniture', 'insects', 'large_carnivores',
  'large_man-made_outdoor_things', 'large_natural_outdoor_scenes', 'large_omnivores_and_herbivores',
  'medium_mammals', 'non-insect_invertebrates', 'people', 'reptiles', 'small_mammals', 'trees', 'vehicles_1',
  'vehicles_2',
];

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
    name: 'cifar10',
    title: 'CIFAR-10 colour images (found on the machine or downloaded once)',
    doc:
      "CIFAR-10, as keras.datasets.cifar10.load_data() gives it: 32×32 colour images (channels last), 10 classes. " +
      "Looked for in MODELSPEC_DATA_DIRS (torchvision's cifar-10-batches-py), Keras's cache (~/.keras/datasets/cifar-10-batches-py-target) and ModelSpec's cache, else downloaded once from Keras's URL (archive SHA-256 verified).",
    args: [split],
    sampleShape: [32, 32, 3],
    classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    samples: { train: 50000, test: 10000 },
  },
  {
    name: 'cifar100',
    title: 'CIFAR-100 colour images (found on the machine or downloaded once)',
    doc:
      "CIFAR-100, as keras.datasets.cifar100.load_data(label_mode=...) gives it: 32×32 colour images (channels last), 100 fine classes or 20 coarse ones. " +
      "Looked for in MODELSPEC_DATA_DIRS (torchvision's cifar-100-python), Keras's cache (~/.keras/datasets/cifar-100-python-target) and ModelSpec's cache, else downloaded once from Keras's URL (archive SHA-256 verified).",
    args: [split, arg('label_mode', oneOf('fine', 'coarse'), 'fine', "'fine': the 100 classes; 'coarse': their 20 superclasses.")],
    sampleShape: [32, 32, 3],
    classNames: CIFAR100_FINE,
    samples: { train: 50000, test: 10000 },
  },
  {
    name: 'imdb',
    title: 'IMDB movie reviews as word-index sequences (found on the machine or downloaded once)',
    doc:
      "IMDB reviews labelled by sentiment (0 negative, 1 positive), as keras.datasets.imdb.load_data(...) gives them — same shuffle (seed 113), " +
      'start_char, oov_char and index_from — then padded like keras.utils.pad_sequences(x, maxlen=sequence_length) (zeros in front, long reviews cut at the front). ' +
      "Looked for as imdb.npz in MODELSPEC_DATA_DIRS and Keras's cache (~/.keras/datasets), else downloaded once (SHA-256 verified).",
    args: [
      split,
      arg('num_words', optional(int(1)), null, 'Keep the num_words most frequent words; rarer ones become oov_char (None: all).'),
      arg('skip_top', int(0), 0, 'Also replace the skip_top most frequent words by oov_char.'),
      arg('maxlen', optional(int(1)), null, "Keras's maxlen: reviews of maxlen words or more (start_char included) are left out (None: none)."),
      arg('seed', int(0), 113, 'Seed of the shuffle (numpy RandomState), as in Keras.'),
      arg('start_char', optional(int(0)), 1, 'Marks the start of each review (None: no marker).'),
      arg('oov_char', optional(int(0)), 2, 'Replaces the words cut by num_words or skip_top (None: they are dropped).'),
      arg('index_from', int(0), 3, 'Word indices start here (0–2 are padding, start and out-of-vocabulary).'),
      arg('sequence_length', optional(int(1)), null, 'Length every review is padded or cut to, as pad_sequences(maxlen=…) (None: maxlen).'),
    ],
    classNames: ['negative', 'positive'],
    samples: { train: 25000, test: 25000 },
  },
  {
    name: 'reuters',
    title: 'Reuters newswires as word-index sequences, 46 topics (found on the machine or downloaded once)',
    doc:
      "Reuters newswires labelled by topic, as keras.datasets.reuters.load_data(...) gives them — one shuffle (seed 113) of all 11,228, the last test_split of them for test, " +
      'start_char, oov_char and index_from as for imdb — then padded like keras.utils.pad_sequences(x, maxlen=sequence_length). ' +
      "Looked for as reuters.npz in MODELSPEC_DATA_DIRS and Keras's cache (~/.keras/datasets), else downloaded once (SHA-256 verified).",
    args: [
      split,
      arg('num_words', optional(int(1)), null, 'Keep the num_words most frequent words; rarer ones become oov_char (None: all).'),
      arg('skip_top', int(0), 0, 'Also replace the skip_top most frequent words by oov_char.'),
      arg('maxlen', optional(int(1)), null, "Keras's maxlen: newswires of maxlen words or more (start_char included) are left out (None: none)."),
      arg('test_split', fraction, 0.2, 'Fraction of the (shuffled) newswires kept for test.'),
      arg('seed', int(0), 113, 'Seed of the shuffle (numpy RandomState), as in Keras.'),
      arg('start_char', optional(int(0)), 1, 'Marks the start of each newswire (None: no marker).'),
      arg('oov_char', optional(int(0)), 2, 'Replaces the words cut by num_words or skip_top (None: they are dropped).'),
      arg('index_from', int(0), 3, 'Word indices start here (0–2 are padding, start and out-of-vocabulary).'),
      arg('sequence_length', optional(int(1)), null, 'Length every newswire is padded or cut to, as pad_sequences(maxlen=…) (None: maxlen).'),
    ],
    classNames: REUTERS_TOPICS,
    samples: { train: 8982, test: 2246 },
  },
  {
    name: 'boston_housing',
    title: 'Boston housing prices: 13 features, a price to predict (found on the machine or downloaded once)',
    doc:
      "Boston housing, as keras.datasets.boston_housing.load_data() gives it: 13 features per house, the median price (in $1000s) as a regression target; " +
      "one shuffle (seed 113), the last test_split for test. Looked for as boston_housing.npz in MODELSPEC_DATA_DIRS and Keras's cache, else downloaded once (SHA-256 verified).",
    args: [split, arg('test_split', fraction, 0.2, 'Fraction of the (shuffled) houses kept for test.'), arg('seed', int(0), 113, 'Seed of the shuffle, as in Keras.')],
    sampleShape: [13],
    samples: { train: 404, test: 102 },
  },
  {
    name: 'california_housing',
    title: 'California housing prices: 8 features, a price to predict (found on the machine or downloaded once)',
    doc:
      "California housing, as keras.datasets.california_housing.load_data() gives it: 8 features per block, the median house value as a regression target; " +
      "version='small' keeps the first 600; one shuffle (seed 113), the last test_split for test. Looked for as california_housing.npz in MODELSPEC_DATA_DIRS and Keras's cache, else downloaded once (SHA-256 verified).",
    args: [
      split,
      arg('version', oneOf('large', 'small'), 'large', "'large': all 20,640 blocks; 'small': the first 600."),
      arg('test_split', fraction, 0.2, 'Fraction of the (shuffled) blocks kept for test.'),
      arg('seed', int(0), 113, 'Seed of the shuffle, as in Keras.'),
    ],
    sampleShape: [8],
    samples: { train: 16512, test: 4128 },
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
