// The TrainingPlan (language/analysis/plan.ts): every setting with Keras's default applied from
// the catalog, every source resolved, every layer's and call's arguments explicit, and the one
// place that says why a file cannot train.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../../language/analysis/analyze';
import { planModel, planTraining, type TrainingPlan } from '../../../language/analysis/plan';
import { blockSettings, getCallback, getLayer, getOptimizer } from '../../../language/catalog';

const MODEL = "model m {\n    Input(shape=(28, 28, 1))\n    Flatten()\n    Dense(10, activation='softmax')\n}\n";

function plan(text: string, dir = tmpdir()): TrainingPlan {
  const result = planTraining(analyze(text, { baseDir: dir }), join(dir, 'm.model'));
  assert.ok(result.plan, result.blocker);
  return result.plan;
}

/** The catalog's default of a compile/data/fit setting. */
const settingDefault = (block: 'compile' | 'data' | 'fit', name: string) =>
  blockSettings(block).find((a) => a.name === name)?.default;

describe('TrainingPlan', () => {
  it('applies the catalog defaults of every compile, data and fit setting not written', () => {
    const p = plan(`${MODEL}compile { loss: 'categorical_crossentropy' }\ndata { train: digits }\n`);
    assert.equal(p.fit.batchSize, settingDefault('fit', 'batch_size'));
    assert.equal(p.fit.epochs, settingDefault('fit', 'epochs'));
    assert.equal(p.fit.backend, settingDefault('fit', 'backend'));
    assert.equal(p.fit.seed, undefined);
    assert.deepEqual(p.fit.callbacks, []);
    assert.equal(p.data.validationSplit, settingDefault('data', 'validation_split'));
    assert.equal(p.data.shuffle, settingDefault('data', 'shuffle'));
    assert.equal(p.data.rescale, undefined);
    assert.deepEqual(p.compile.metrics, settingDefault('compile', 'metrics'));
    // The optimizer Keras's compile defaults to, with every argument of its catalog entry.
    const rmsprop = getOptimizer(String(settingDefault('compile', 'optimizer')))!;
    assert.equal(p.compile.optimizer.className, rmsprop.className);
    assert.deepEqual(p.compile.optimizer.args, Object.fromEntries(rmsprop.args.map((a) => [a.name, a.default])));
    assert.deepEqual(p.compile.optimizer.changed, []);
    assert.equal(p.compile.optimizer.written, false);
    assert.equal(p.compile.loss, 'categorical_crossentropy');
    assert.equal(p.compile.labelEncoding, 'onehot');
    assert.deepEqual(p.compile.labelTarget, {
      loss: 'categorical_crossentropy',
      labels: 'one-hot',
      units: 10,
      layer: 'Dense',
    });
  });

  it('keeps what the file writes, and says which arguments differ from the defaults', () => {
    const p = plan(
      `${MODEL}compile {\n    loss: 'sparse_categorical_crossentropy'\n    optimizer: SGD(learning_rate=0.1)\n}\n` +
        'data {\n    train: digits\n    validation_split: 0.25\n    shuffle: false\n    rescale: 0.5\n}\n' +
        "fit {\n    epochs: 3\n    batch_size: 64\n    seed: 7\n    backend: 'torch'\n    callbacks: [EarlyStopping(patience=2), ReduceLROnPlateau]\n}\n",
    );
    assert.deepEqual([p.fit.epochs, p.fit.batchSize, p.fit.seed, p.fit.backend], [3, 64, 7, 'torch']);
    assert.deepEqual([p.data.validationSplit, p.data.shuffle, p.data.rescale], [0.25, false, 0.5]);
    assert.equal(p.compile.labelEncoding, 'index');
    const sgd = getOptimizer('SGD')!;
    assert.deepEqual(p.compile.optimizer.args, {
      ...Object.fromEntries(sgd.args.map((a) => [a.name, a.default])),
      learning_rate: 0.1,
    });
    assert.deepEqual(p.compile.optimizer.changed, ['learning_rate']);
    assert.equal(p.compile.optimizer.written, true);
    // Callbacks with every argument; a bare name is the callback with Keras's defaults.
    const [early, reduce] = p.fit.callbacks;
    assert.deepEqual(
      Object.keys(early.args).sort(),
      getCallback('EarlyStopping')!
        .args.map((a) => a.name)
        .sort(),
    );
    assert.equal(early.args.patience, 2);
    assert.deepEqual(early.changed, ['patience']);
    assert.equal(reduce.name, 'ReduceLROnPlateau');
    assert.deepEqual(
      reduce.args,
      Object.fromEntries(getCallback('ReduceLROnPlateau')!.args.map((a) => [a.name, a.default])),
    );
  });

  it('gives every layer all of its arguments, the catalog defaults filled in', () => {
    const p = plan(`${MODEL}compile { loss: 'categorical_crossentropy' }\ndata { train: digits }\n`);
    const dense = p.layers.find((l) => l.className === 'Dense')!;
    assert.equal(dense.name, 'dense');
    for (const a of getLayer('Dense')!.args) assert.ok(a.name in dense.args, `Dense's ${a.name} is explicit`);
    assert.equal(dense.args.units, 10);
    assert.equal(dense.args.activation, 'softmax');
    assert.equal(dense.args.use_bias, true);
    assert.equal(
      dense.args.kernel_initializer,
      getLayer('Dense')!.args.find((a) => a.name === 'kernel_initializer')!.default,
    );
  });

  it('resolves each source: a built-in set reads the part its slot names unless split= says; file paths are absolute', () => {
    const builtin = plan(
      `${MODEL}compile { loss: 'categorical_crossentropy' }\ndata {\n    train: digits\n    test: digits\n    validation: digits\n}\n`,
    );
    assert.deepEqual(
      [builtin.data.train.split, builtin.data.test?.split, builtin.data.validation?.split],
      ['train', 'test', 'test'],
    );
    assert.equal(builtin.data.train.kind, 'builtin');
    // A validation source replaces the split, as in Keras's fit.
    assert.equal(builtin.data.validationSplit, 0);
    const written = plan(
      `${MODEL}compile { loss: 'categorical_crossentropy' }\ndata {\n    train: digits(split='test')\n    test: digits(split='train')\n}\n`,
    );
    assert.deepEqual([written.data.train.split, written.data.test?.split], ['test', 'train']);

    const dir = mkdtempSync(join(tmpdir(), 'modelspec-plan-'));
    writeFileSync(join(dir, 'houses.csv'), 'rooms,area,price\n3,120,250.5\n2,80,180\n4,150,320\n');
    const csv = plan(
      "model m {\n    Input(shape=(2,))\n    Dense(1)\n}\ncompile { loss: 'mse' }\ndata {\n    train: csv('houses.csv')\n    test: csv('houses.csv', label='area')\n}\n",
      dir,
    );
    assert.equal(csv.data.train.kind, 'file');
    assert.equal(csv.data.train.split, undefined);
    assert.deepEqual(csv.data.train.paths, { path: join(dir, 'houses.csv') });
    assert.equal(csv.data.train.args.path, 'houses.csv', 'the written path stays for messages');
    assert.equal(csv.data.train.args.delimiter, ',', "csv's default delimiter is explicit");
    assert.equal(csv.data.train.labelColumn, 'price', 'no label=: the last column');
    assert.equal(csv.data.test?.labelColumn, 'area');
    assert.equal(csv.compile.loss, 'mean_squared_error');
    assert.equal(csv.compile.labelEncoding, 'raw');
    assert.equal(csv.file, join(dir, 'm.model'));
    assert.equal(csv.baseDir, dir);
  });

  it('says why a file cannot train, in the order a user fixes them', () => {
    const blocker = (text: string) => planTraining(analyze(text), 'm.model').blocker;
    assert.equal(
      blocker(`${MODEL}compile { loss: 'nope' }\ndata { train: digits }\n`),
      'the file has 1 error; fix it first',
    );
    assert.equal(blocker('compile { loss: "mse" }\n'), 'the file has 1 error; fix it first'); // missing-model is an error
    assert.match(blocker(`${MODEL}data { train: digits }\n`)!, /^training needs a compile block/);
    assert.match(
      blocker(`${MODEL}compile { loss: 'categorical_crossentropy' }\n`)!,
      /^training needs a training source in the data block/,
    );
    assert.equal(blocker(`${MODEL}compile { loss: 'categorical_crossentropy' }\ndata { train: digits }\n`), undefined);
  });

  it('planModel: an export gets the model without compile or data; nothing for a file with errors', () => {
    const p = planModel(analyze(MODEL), 'm.model');
    assert.ok(p);
    assert.equal(p.compile, undefined);
    assert.equal(p.data, undefined);
    assert.equal(p.fit.batchSize, settingDefault('fit', 'batch_size'));
    assert.equal(planModel(analyze(`${MODEL}compile { loss: 'nope' }\n`), 'm.model'), undefined);
  });
});
