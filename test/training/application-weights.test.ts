// `weights=` of a layer-graph application: the checker's errors (a missing file, not HDF5,
// 'imagenet' not in Keras's cache, Keras's classes rule) with their quick fix, the plan's resolved
// file, and the reading of Keras weights files by layer name with errors that name the file and
// the layer (language/analysis/application-weights.ts, training/keras-weights-file.ts). The
// engines loading a whole ResNet50 file and agreeing on it: graph-applications-slow.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../language/analysis/analyze';
import { planModel } from '../../language/analysis/plan';
import { applicationLayerWeights, readKerasWeightsFile } from '../../training/keras-weights-file';
import { H5_SKIP, writeKerasH5 } from '../helpers/keras-h5';

const dir = mkdtempSync(join(tmpdir(), 'app-weights-'));
const kerasHome = join(dir, 'keras-home');
// Keras's cache for this file's tests, set and put back in hooks: test files share a process
// (scripts/test-groups.mjs), and every file's module-level code runs before the first test.
const keptKerasHome = process.env.KERAS_HOME;
before(() => {
  process.env.KERAS_HOME = kerasHome;
});
after(() => {
  if (keptKerasHome === undefined) delete process.env.KERAS_HOME;
  else process.env.KERAS_HOME = keptKerasHome;
});
const NOTOP = 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5';

const source = (args: string) =>
  `model m {\n  Input(shape=(32, 32, 3))\n  ResNet50(${args})\n  GlobalAveragePooling2D()\n  Dense(10, activation='softmax')\n}\n`;

function check(args: string) {
  const file = join(dir, 'm.model');
  const a = analyze(source(args), { baseDir: dir });
  return { a, file, errors: a.diagnostics.filter((d) => d.severity === 'error') };
}

test('a weights file that does not exist is an error with its path and a fix to weights=None', () => {
  const { errors } = check("include_top=False, weights='missing/resnet.h5'");
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'application-weights');
  assert.match(
    errors[0]!.message,
    new RegExp(`${join(dir, 'missing', 'resnet.h5').replace(/[/.]/g, '\\$&')} does not exist`),
  );
  assert.deepEqual(
    errors[0]!.fixes?.map((f) => [f.title, f.kind === 'replace' && f.text]),
    [['Use weights=None', 'None']],
  );
});

test('a file that is not HDF5 is an error that says what weights= takes', () => {
  writeFileSync(join(dir, 'notes.h5'), 'not hdf5 at all');
  const { errors } = check("include_top=False, weights='notes.h5'");
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /notes\.h5 is not an HDF5 file; weights= takes a Keras weights file/);
});

test("weights='imagenet' not in Keras's cache: where to put the file and the URL to download it from", () => {
  const { errors } = check("include_top=False, weights='imagenet'");
  assert.equal(errors.length, 1);
  assert.equal(
    errors[0]!.message,
    `Put Keras's ${NOTOP} in ${join(kerasHome, 'models')} (download it once from https://storage.googleapis.com/tensorflow/keras-applications/resnet/${NOTOP}), or train from scratch with weights=None: ModelSpec does not download weights`,
  );
  assert.equal(errors[0]!.fixes?.[0]?.title, 'Use weights=None');
});

test("weights='imagenet' found in $KERAS_HOME/models: no error, and the plan carries the file", () => {
  mkdirSync(join(kerasHome, 'models'), { recursive: true });
  // The HDF5 signature is what the checker reads; the run reads the rest.
  writeFileSync(join(kerasHome, 'models', NOTOP), Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0]));
  const { a, file, errors } = check("include_top=False, weights='imagenet'");
  assert.deepEqual(errors, []);
  assert.deepEqual(planModel(a, file)?.applicationWeights, [
    { index: 0, layer: 'resnet50', file: join(kerasHome, 'models', NOTOP) },
  ]);
});

test("weights='imagenet' with the top and classes other than 1000: Keras's error", () => {
  const a = analyze("model m {\n  ResNet50(weights='imagenet', classes=10)\n}\n", { baseDir: dir });
  const errors = a.diagnostics.filter((d) => d.code === 'application-weights');
  assert.deepEqual(
    errors.map((d) => d.message),
    ['If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. Received classes=10'],
  );
});

const CONV1 = {
  name: 'conv1_conv',
  weights: [
    { name: 'kernel', shape: [7, 7, 3, 64] },
    { name: 'bias', shape: [64] },
  ],
};

function planFor(weightsFile: string) {
  const { a, file, errors } = check(`include_top=False, weights='${weightsFile}'`);
  assert.deepEqual(errors, []);
  return planModel(a, file)!;
}

test(
  'a layer the file lacks: an error that names the file, the layer and the application',
  { skip: H5_SKIP },
  async () => {
    const path = join(dir, 'partial.h5');
    await writeKerasH5(path, [CONV1]);
    assert.throws(
      () => applicationLayerWeights(planFor(path), join(dir, 'cache')),
      (e: Error) =>
        e.message.startsWith(`${path} has no weights for layer 'conv1_bn' of resnet50 (BatchNormalization)`),
    );
  },
);

test(
  'a layer whose weights do not fit: an error with both counts and the shapes in the file',
  { skip: H5_SKIP },
  async () => {
    const path = join(dir, 'gray.h5');
    await writeKerasH5(path, [{ ...CONV1, weights: [{ name: 'kernel', shape: [7, 7, 1, 64] }, CONV1.weights[1]!] }]);
    assert.throws(
      () => applicationLayerWeights(planFor(path), join(dir, 'cache')),
      (e: Error) =>
        e.message ===
        `${path}: layer 'conv1_conv' of resnet50 holds 3,200 weights (kernel [7, 7, 1, 64], bias [64]), the model's has 9,472; the file is for another configuration (include_top, classes, input channels)`,
    );
  },
);

test("Keras 3's .weights.h5 layout is read too (layers/<name>/vars/<i>)", { skip: H5_SKIP }, async () => {
  const path = join(dir, 'k3.weights.h5');
  await writeKerasH5(
    path,
    [CONV1, { name: 'conv1_bn', weights: [4, 4, 4, 4].map((n, i) => ({ name: `w${i}`, shape: [n] })) }],
    {
      layout: 'keras3',
    },
  );
  const read = readKerasWeightsFile(path, join(dir, 'cache'));
  assert.deepEqual(
    Object.entries(read).map(([layer, w]) => [layer, w.names, w.tensors.map((t) => t.shape)]),
    [
      ['conv1_bn', ['0', '1', '2', '3'], [[4], [4], [4], [4]]],
      ['conv1_conv', ['0', '1'], [[7, 7, 3, 64], [64]]],
    ],
  );
});

test('a file h5py cannot open as HDF5 is refused at the run with the file named', { skip: H5_SKIP }, () => {
  // The checker only reads the signature: a truncated file passes it and fails here.
  const path = join(dir, 'truncated.h5');
  writeFileSync(path, Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]));
  assert.throws(
    () => readKerasWeightsFile(path, join(dir, 'cache')),
    (e: Error) => e.message.startsWith(`${path}: not an HDF5 file h5py can open`),
  );
});

test(
  "VGG16's weights= loads into the layers it expands to, one by one, by Keras's names",
  { skip: H5_SKIP },
  async () => {
    // VGG16 without the top at 32×32: 13 convolutions, 14,714,688 weights (a 59 MB file).
    const filters = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512];
    const names = [
      ...[1, 2].map((i) => `block1_conv${i}`),
      ...[1, 2].map((i) => `block2_conv${i}`),
      ...[3, 4, 5].flatMap((b) => [1, 2, 3].map((i) => `block${b}_conv${i}`)),
    ];
    const layers = names.map((name, i) => ({
      name,
      weights: [
        { name: 'kernel', shape: [3, 3, i === 0 ? 3 : filters[i - 1]!, filters[i]!] },
        { name: 'bias', shape: [filters[i]!] },
      ],
    }));
    const path = join(dir, 'vgg16_notop.h5');
    await writeKerasH5(path, layers);
    const text = `model m {\n  Input(shape=(32, 32, 3))\n  VGG16(include_top=False, weights='${path}', trainable=False)\n  Flatten()\n  Dense(10, activation='softmax')\n}\n`;
    const a = analyze(text, { baseDir: dir });
    assert.deepEqual(
      a.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const plan = planModel(a, join(dir, 'm.model'))!;
    // The pooling layers hold no weights and get no entry.
    assert.deepEqual(
      plan.applicationWeights?.map((w) => [w.layer, w.file]),
      names.map((n) => [n, path]),
    );
    const loaded = applicationLayerWeights(plan, join(dir, 'cache'))!;
    assert.deepEqual(
      loaded.map((l) => [l.layer, l.tensors.map((t) => t.shape)]),
      layers.map((l) => [l.name, l.weights.map((w) => w.shape)]),
    );
    // A VGG19 file for a VGG16 call: the layer it lacks is named.
    const missing = analyze(text.replace('VGG16(include_top=False', 'VGG19(include_top=False'), { baseDir: dir });
    assert.throws(
      () => applicationLayerWeights(planModel(missing, join(dir, 'm.model'))!, join(dir, 'cache')),
      (e: Error) =>
        e.message ===
        `${path} has no weights for layer 'block3_conv4' (Conv2D); is it the file of VGG19 without the top?`,
    );
  },
);

test("VGG16(weights='imagenet') not in Keras's cache: the vgg16 file, where to put it and where to get it", () => {
  const a = analyze("model m {\n  Input(shape=(32, 32, 3))\n  VGG16(include_top=False, weights='imagenet')\n}\n", {
    baseDir: dir,
  });
  const errors = a.diagnostics.filter((d) => d.code === 'application-weights');
  const file = 'vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5';
  assert.deepEqual(
    errors.map((d) => d.message),
    [
      `Put Keras's ${file} in ${join(kerasHome, 'models')} (download it once from https://storage.googleapis.com/tensorflow/keras-applications/vgg16/${file}), or train from scratch with weights=None: ModelSpec does not download weights`,
    ],
  );
});
