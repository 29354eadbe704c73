// Properties every catalog entry must have: Keras configs for every layer, defaults that pass
// their own types, the base-layer arguments, and Keras's auto-name prefixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allAugmentations,
  allCallbacks,
  allConstraints,
  allDatasets,
  allInitializers,
  allLayers,
  allOptimizers,
  allRegularizers,
  blockSettings,
  getLayer,
  layerNames,
  matchesType,
  type ArgSpec,
} from '../../../language/catalog';
import { toSnakeCase } from '../../../language/catalog/define-layer';
import { context } from './helpers';
import { SAMPLES } from '../../fixtures/layer-cases';
import { languageMdLayers } from '../../helpers/language-contract';

// Pretrained has no shape of its own: the analyzer expands it from the saved model file
// (test/language/analysis/pretrained.test.ts).
const FROM_FILE = new Set(['Pretrained']);

// Layers LANGUAGE.md lists that the catalog does not have yet (issue #10, Keras coverage): none
// now. Should the contract grow, a new name goes here until it lands; the test fails when one
// lands without leaving this list, so the list only shrinks.
const NOT_YET = new Set<string>([]);

test('the catalog has every layer LANGUAGE.md lists (../shared/LANGUAGE.md)', () => {
  const listed = languageMdLayers();
  // The reader found the lists (a rewording of LANGUAGE.md must not make this test vacuous).
  for (const n of [
    'Input',
    'Dense',
    'Conv3D',
    'GlobalAveragePooling1D',
    'TimeDistributed',
    'Softmax',
    'VGG19',
    'Pretrained',
  ]) {
    assert.ok(listed.includes(n), `LANGUAGE.md's layer list as read has ${n}: ${listed.join(', ')}`);
  }
  const known = new Set(layerNames());
  const missing = listed.filter((n) => !known.has(n) && !NOT_YET.has(n));
  assert.deepEqual(
    missing,
    [],
    `LANGUAGE.md lists layers the catalog lacks: ${missing.join(', ')} (add a record in language/catalog/layers/)`,
  );
  const landed = [...NOT_YET].filter((n) => known.has(n));
  assert.deepEqual(landed, [], `now in the catalog, take them off NOT_YET in this test: ${landed.join(', ')}`);
  const unlisted = [...NOT_YET].filter((n) => !listed.includes(n));
  assert.deepEqual(unlisted, [], `NOT_YET names layers LANGUAGE.md does not list: ${unlisted.join(', ')}`);
  // And the other way: the catalog has no layer the contract does not name.
  const extra = layerNames().filter((n) => !listed.includes(n));
  assert.deepEqual(extra, [], `the catalog has layers LANGUAGE.md does not list: ${extra.join(', ')}`);
});

test('every catalog layer has a sample', () => {
  assert.deepEqual(
    layerNames()
      .filter((n) => !FROM_FILE.has(n))
      .sort(),
    Object.keys(SAMPLES).sort(),
  );
  assert.ok(layerNames().includes('Pretrained'));
});

test('toKeras gives a JSON-serialisable config with the Keras class name, name, trainable and dtype', () => {
  for (const spec of allLayers().filter((s) => !FROM_FILE.has(s.name))) {
    const { args, input } = SAMPLES[spec.name];
    const ctx = context(spec.name, args, input);
    spec.outputShape(ctx); // the sample itself must be valid
    const k = spec.toKeras(ctx, 'layer_x');
    const expected =
      spec.name === 'Input'
        ? 'InputLayer'
        : spec.category === 'application'
          ? spec.graph
            ? 'Functional'
            : 'Sequential'
          : spec.name;
    assert.equal(k.class_name, expected, spec.name);
    assert.equal(k.config.name, 'layer_x', spec.name);
    assert.deepEqual(JSON.parse(JSON.stringify(k)), k, `${spec.name} survives JSON`);
    if (spec.name !== 'Input' && spec.category !== 'application') {
      assert.equal(k.config.trainable, true, spec.name);
      assert.equal(k.config.dtype, 'float32', spec.name);
    }
  }
});

test('Dense config has the standard Keras keys', () => {
  const k = getLayer('Dense')!.toKeras(context('Dense', SAMPLES.Dense.args, [8]), 'dense');
  assert.deepEqual(k, {
    class_name: 'Dense',
    config: {
      name: 'dense',
      trainable: true,
      dtype: 'float32',
      units: 4,
      activation: 'linear',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: { class_name: 'L2', config: { l2: 0.001 } },
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
  });
});

test('Conv2D config writes tuples as arrays and data_format as channels_last', () => {
  const c = getLayer('Conv2D')!.toKeras(
    context('Conv2D', { filters: 4, kernel_size: 3, activation: 'relu' }, [8, 8, 1]),
    'conv2d',
  ).config;
  assert.deepEqual(c.kernel_size, [3, 3]);
  assert.deepEqual(c.strides, [1, 1]);
  assert.deepEqual(c.dilation_rate, [1, 1]);
  assert.equal(c.data_format, 'channels_last');
  assert.equal(c.activation, 'relu');
  assert.equal(c.groups, 1);
});

test('Input lowers to an InputLayer with batch_input_shape', () => {
  const k = getLayer('Input')!.toKeras(context('Input', { shape: [28, 28, 1] }, []), 'input_layer');
  assert.deepEqual(k.config.batch_input_shape, [null, 28, 28, 1]);
});

function checkDefaults(owner: string, args: readonly ArgSpec[]) {
  for (const a of args) {
    if (a.required) {
      assert.equal(a.default, undefined, `${owner}.${a.name} is required and has no default`);
      continue;
    }
    assert.notEqual(a.default, undefined, `${owner}.${a.name} has a default`);
    assert.ok(matchesType(a.type, a.default!), `${owner}.${a.name} default ${JSON.stringify(a.default)} fits its type`);
    assert.ok(a.doc.length > 0, `${owner}.${a.name} has a doc`);
  }
  const names = args.map((a) => a.name);
  assert.equal(new Set(names).size, names.length, `${owner} has no duplicate arguments`);
}

test('every default passes its own ArgType (layers, tables, blocks)', () => {
  for (const spec of allLayers()) checkDefaults(spec.name, spec.args);
  for (const entry of [
    ...allOptimizers(),
    ...allInitializers(),
    ...allRegularizers(),
    ...allConstraints(),
    ...allCallbacks(),
    ...allDatasets(),
    ...allAugmentations(),
  ]) {
    checkDefaults(entry.name, entry.args);
  }
  for (const block of ['compile', 'data', 'fit'] as const) checkDefaults(block, blockSettings(block));
});

test('every layer but Input and the applications takes the keyword-only base arguments', () => {
  const base = ['name', 'input_shape', 'input_dim', 'batch_size', 'dtype', 'trainable'];
  for (const spec of allLayers()) {
    if (spec.name === 'Input' || spec.category === 'application') continue;
    for (const b of base) {
      const a = spec.args.find((x) => x.name === b);
      assert.ok(a, `${spec.name} has ${b}`);
      if (!(spec.name === 'Embedding' && b === 'input_dim'))
        assert.equal(a.keywordOnly, true, `${spec.name}.${b} is keyword-only`);
    }
  }
});

test("auto-name prefixes are Keras's snake_case of the class name", () => {
  assert.equal(toSnakeCase('Conv2D'), 'conv2d');
  assert.equal(toSnakeCase('MaxPooling2D'), 'max_pooling2d');
  assert.equal(toSnakeCase('BatchNormalization'), 'batch_normalization');
  assert.equal(toSnakeCase('LeakyReLU'), 'leaky_re_lu');
  assert.equal(toSnakeCase('SimpleRNN'), 'simple_rnn');
  assert.equal(toSnakeCase('Conv2DTranspose'), 'conv2d_transpose');
  assert.equal(getLayer('Dense')!.kerasName, 'dense');
  assert.equal(getLayer('GlobalAveragePooling2D')!.kerasName, 'global_average_pooling2d');
  assert.equal(getLayer('TimeDistributed')!.kerasName, 'time_distributed');
  assert.equal(getLayer('Input')!.kerasName, 'input_layer');
});

test('hasActivationArg marks the layers with an activation argument', () => {
  assert.equal(getLayer('Dense')!.hasActivationArg, true);
  assert.equal(getLayer('Conv2D')!.hasActivationArg, true);
  assert.equal(getLayer('Dropout')!.hasActivationArg, false);
  assert.equal(getLayer('Flatten')!.hasActivationArg, false);
});

test('data_format accepts only None and channels_last', () => {
  const df = getLayer('Conv2D')!.args.find((a) => a.name === 'data_format')!;
  assert.equal(matchesType(df.type, 'channels_last'), true);
  assert.equal(matchesType(df.type, null), true);
  assert.equal(matchesType(df.type, 'channels_first'), false);
});

test('ranges: units and filters >= 1, kernel sizes >= 1', () => {
  const arg = (layer: string, name: string) => getLayer(layer)!.args.find((a) => a.name === name)!.type;
  assert.equal(matchesType(arg('Dense', 'units'), 0), false);
  assert.equal(matchesType(arg('Dense', 'units'), 1), true);
  assert.equal(matchesType(arg('Dense', 'units'), 1.5), false);
  assert.equal(matchesType(arg('Conv2D', 'filters'), 0), false);
  assert.equal(matchesType(arg('Conv2D', 'kernel_size'), 0), false);
  assert.equal(matchesType(arg('Conv2D', 'kernel_size'), [3, 0]), false);
  assert.equal(matchesType(arg('Conv2D', 'kernel_size'), [3, 3]), true);
  assert.equal(matchesType(arg('Conv2D', 'kernel_size'), [3, 3, 3]), false);
  assert.equal(matchesType(arg('Conv1D', 'padding'), 'causal'), true);
  assert.equal(matchesType(arg('Conv2D', 'padding'), 'causal'), false);
});
