// Non-layer tables: names, aliases, Keras 3 defaults, label kinds, datasets and block settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allActivations,
  blockSettings,
  declaredInputShape,
  findRef,
  getActivation,
  getAugmentation,
  getCallback,
  getConstraint,
  getDataset,
  getInitializer,
  getLayer,
  getLoss,
  getMetric,
  getOptimizer,
  getRegularizer,
  matchesType,
  refNames,
  resolveRef,
  withDefaults,
} from '../../../language/catalog';

test('activations: the LANGUAGE.md list', () => {
  const names = allActivations().map((a) => a.name);
  for (const n of [
    'linear',
    'relu',
    'relu6',
    'sigmoid',
    'hard_sigmoid',
    'softmax',
    'softplus',
    'softsign',
    'tanh',
    'elu',
    'selu',
    'swish',
    'gelu',
    'mish',
    'exponential',
  ]) {
    assert.ok(names.includes(n), n);
  }
  assert.equal(getActivation('silu')?.name, 'swish');
  assert.equal(getActivation('relu7'), undefined);
});

test('losses resolve aliases to the canonical name and say what labels they expect', () => {
  assert.equal(getLoss('mse')?.name, 'mean_squared_error');
  assert.equal(getLoss('mae')?.name, 'mean_absolute_error');
  assert.equal(getLoss('mape')?.name, 'mean_absolute_percentage_error');
  assert.equal(getLoss('msle')?.name, 'mean_squared_logarithmic_error');
  assert.equal(getLoss('kld')?.name, 'kl_divergence');
  assert.equal(getLoss('categorical_crossentropy')?.labels, 'one-hot');
  assert.equal(getLoss('sparse_categorical_crossentropy')?.labels, 'integer');
  assert.equal(getLoss('binary_crossentropy')?.labels, 'binary');
  assert.equal(getLoss('mse')?.labels, 'regression');
  assert.equal(getLoss('CategoricalCrossentropy')?.name, 'categorical_crossentropy');
  for (const n of ['hinge', 'squared_hinge', 'categorical_hinge', 'poisson', 'cosine_similarity', 'huber', 'log_cosh'])
    assert.ok(getLoss(n), n);
});

test('metrics with aliases', () => {
  assert.equal(getMetric('acc')?.name, 'accuracy');
  assert.equal(getMetric('mse')?.name, 'mean_squared_error');
  for (const n of [
    'binary_accuracy',
    'categorical_accuracy',
    'sparse_categorical_accuracy',
    'top_k_categorical_accuracy',
    'mae',
    'precision',
    'recall',
  ]) {
    assert.ok(getMetric(n), n);
  }
});

test('optimizers: Keras 3 defaults, found by class or lower-case name, lr as alias', () => {
  const d = (name: string) => withDefaults(getOptimizer(name)!, {});
  assert.deepEqual(d('SGD'), { learning_rate: 0.01, momentum: 0.0, nesterov: false });
  assert.deepEqual(d('adam'), { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false });
  assert.deepEqual(d('Adadelta'), { learning_rate: 0.001, rho: 0.95, epsilon: 1e-7 });
  assert.deepEqual(d('RMSprop'), { learning_rate: 0.001, rho: 0.9, momentum: 0.0, epsilon: 1e-7, centered: false });
  assert.deepEqual(d('Adagrad'), { learning_rate: 0.001, initial_accumulator_value: 0.1, epsilon: 1e-7 });
  assert.equal(d('Adamax').learning_rate, 0.001);
  assert.equal(d('nadam').learning_rate, 0.001);
  assert.equal(withDefaults(getOptimizer('Adadelta')!, { lr: 1.0 }).learning_rate, 1.0);
  assert.deepEqual(getOptimizer('Adam')!.args.find((a) => a.name === 'learning_rate')?.deprecatedAliases, ['lr']);
  assert.equal(resolveRef('optimizer', 'rmsprop'), 'RMSprop');
});

test('initializers, regularizers, constraints by name, alias or class', () => {
  assert.equal(getInitializer('glorot_uniform')?.className, 'GlorotUniform');
  assert.equal(getInitializer('HeNormal')?.name, 'he_normal');
  assert.equal(getInitializer('uniform')?.name, 'random_uniform');
  for (const n of [
    'glorot_normal',
    'he_uniform',
    'lecun_normal',
    'lecun_uniform',
    'zeros',
    'ones',
    'random_normal',
    'truncated_normal',
    'orthogonal',
    'constant',
  ]) {
    assert.ok(getInitializer(n), n);
  }
  assert.deepEqual(withDefaults(getRegularizer('l2')!, {}), { l2: 0.01 });
  assert.deepEqual(withDefaults(getRegularizer('l1_l2')!, {}), { l1: 0.0, l2: 0.0 });
  assert.equal(getConstraint('max_norm')?.className, 'MaxNorm');
  for (const n of ['non_neg', 'unit_norm', 'min_max_norm']) assert.ok(getConstraint(n), n);
});

test('callbacks: Keras defaults and required file arguments', () => {
  assert.deepEqual(withDefaults(getCallback('EarlyStopping')!, {}), {
    monitor: 'val_loss',
    min_delta: 0,
    patience: 0,
    verbose: 0,
    mode: 'auto',
    baseline: null,
    restore_best_weights: false,
    start_from_epoch: 0,
  });
  const plateau = withDefaults(getCallback('ReduceLROnPlateau')!, {});
  assert.equal(plateau.factor, 0.1);
  assert.equal(plateau.patience, 10);
  assert.equal(plateau.min_delta, 1e-4);
  assert.equal(plateau.min_lr, 0);
  const factor = getCallback('ReduceLROnPlateau')!.args.find((a) => a.name === 'factor')!;
  assert.equal(matchesType(factor.type, 1.0), false); // Keras rejects factor >= 1
  assert.equal(getCallback('ModelCheckpoint')!.args[0].required, true);
  assert.equal(withDefaults(getCallback('ModelCheckpoint')!, { filepath: 'x' }).save_freq, 'epoch');
  assert.deepEqual(withDefaults(getCallback('CSVLogger')!, { filename: 'log.csv' }), {
    filename: 'log.csv',
    separator: ',',
    append: false,
  });
});

test('ImageDataGenerator arguments default to no augmentation', () => {
  const d = withDefaults(getAugmentation('ImageDataGenerator')!, {});
  assert.equal(d.rotation_range, 0);
  assert.equal(d.width_shift_range, 0.0);
  assert.equal(d.horizontal_flip, false);
  assert.equal(d.featurewise_center, false);
  assert.equal(Object.keys(d).length, 8);
});

test('datasets: built-in shapes, classes and sizes; file sources and their required arguments', () => {
  const fashion = getDataset('fashion_mnist')!;
  assert.deepEqual(fashion.sampleShape, [28, 28, 1]);
  assert.equal(fashion.classNames?.length, 10);
  assert.equal(fashion.classNames?.[9], 'Ankle boot');
  assert.deepEqual(getDataset('mnist')!.samples, { train: 60000, test: 10000 });
  assert.deepEqual(getDataset('digits')!.samples, { train: 8000, test: 2000 });
  assert.equal(withDefaults(getDataset('digits')!, {}).split, null, 'None: the split that matches the data setting');
  assert.deepEqual(withDefaults(getDataset('images')!, { directory: 'd' }), {
    directory: 'd',
    size: [256, 256],
    color_mode: 'rgb',
  });
  assert.equal(getDataset('csv')!.args[0].required, true);
  assert.ok(getDataset('idx')!.args.every((a) => a.required));
  assert.ok(getDataset('npy'));
  assert.equal(findRef('dataset', 'mnist')?.name, 'mnist');
});

test('block settings: compile, data, fit with Keras defaults', () => {
  const fit = withDefaults({ args: blockSettings('fit') }, {});
  assert.equal(fit.epochs, 1);
  assert.equal(fit.batch_size, 32);
  assert.equal(fit.backend, 'auto');
  assert.deepEqual(fit.callbacks, []);
  const data = withDefaults({ args: blockSettings('data') }, {});
  assert.equal(data.shuffle, true);
  assert.equal(data.validation_split, 0.0);
  const split = blockSettings('data').find((a) => a.name === 'validation_split')!;
  assert.equal(matchesType(split.type, 1), false);
  assert.equal(blockSettings('compile').find((a) => a.name === 'loss')?.required, true);
  assert.ok(blockSettings('fit').find((a) => a.name === 'backend'));
});

test('refNames lists every spelling, for completion and did-you-mean', () => {
  const names = refNames('loss');
  assert.ok(names.includes('mse'));
  assert.ok(names.includes('mean_squared_error'));
});

test('declaredInputShape: Keras 2 first-layer arguments', () => {
  assert.deepEqual(declaredInputShape(getLayer('Dense')!, { input_dim: 784 }), [784]);
  assert.deepEqual(declaredInputShape(getLayer('Dense')!, { input_shape: [28, 28] }), [28, 28]);
  assert.equal(declaredInputShape(getLayer('Embedding')!, { input_dim: 1000 }), undefined); // vocabulary, not a shape
  // Keras 3's Embedding pops input_length with a deprecation warning: it declares no input shape (issue #10).
  assert.equal(declaredInputShape(getLayer('Embedding')!, { input_dim: 1000, input_length: 20 }), undefined);
  assert.deepEqual(declaredInputShape(getLayer('VGG16')!, { include_top: true, input_shape: null }), [224, 224, 3]);
  assert.equal(declaredInputShape(getLayer('VGG16')!, { include_top: false, input_shape: null }), undefined);
  assert.equal(declaredInputShape(getLayer('Conv2D')!, {}), undefined);
});
