// The catalog's generated docs read naturally for every rank and type: every string of every
// catalog entry (layers, optimizers, callbacks, settings, …) and every argument type as
// completion and hover describe it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as catalog from '../../../language/catalog';
import type { ArgType } from '../../../language/catalog';
import { describeType } from '../../../language/services/callables';

const TYPE_KINDS = new Set([
  'int',
  'float',
  'bool',
  'string',
  'enum',
  'intTuple',
  'shape',
  'padding',
  'layer',
  'ref',
  'list',
  'union',
  'none',
  'any',
]);

/** Every string in the catalog, and describeType of every argument type, with where it is. */
function renderedTexts(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, where: string): void => {
    if (typeof v === 'string') return void out.push({ where, text: v });
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    const o = v as Record<string, unknown>;
    if (typeof o.kind === 'string' && TYPE_KINDS.has(o.kind) && !('name' in o))
      out.push({ where: `${where} (type)`, text: describeType(o as unknown as ArgType) });
    for (const [k, x] of Object.entries(o)) walk(x, `${where}.${k}`);
  };
  const tables = {
    layers: catalog.allLayers(),
    optimizers: catalog.allOptimizers(),
    losses: catalog.allLosses(),
    metrics: catalog.allMetrics(),
    initializers: catalog.allInitializers(),
    regularizers: catalog.allRegularizers(),
    constraints: catalog.allConstraints(),
    callbacks: catalog.allCallbacks(),
    datasets: catalog.allDatasets(),
    augmentations: catalog.allAugmentations(),
    activations: catalog.allActivations(),
    settings: (['compile', 'data', 'fit'] as const).map((b) => catalog.blockSettings(b)),
  };
  walk(tables, '');
  return out;
}

const AWKWARD: [RegExp, string][] = [
  [/\b1 (int|integer|value|axis|item)s\b/, 'a plural after 1'],
  [/\ba (int|integer|axis|array|object|input|output)\b/i, "'a' before a vowel"],
  [/\b(\w+) \1\b/i, 'a doubled word'],
  [
    /\b(?:tuple|list) of \d+(?![\s\w]*?\b(?:ints?|integers?|values?|items?|floats?|pairs?)\b)/,
    'a count without its noun',
  ],
  [/\b(?:along|over all of) steps\b/, "'steps' without 'the … axis'"],
  [/\bints (?!and\b|or\b|per\b)[a-z]/, "an axis name straight after 'ints'"],
  [/\bint or \d/, "'an int or N ints' without 'a tuple of'"],
];

test('every generated doc phrase and type description reads naturally', () => {
  const texts = renderedTexts();
  assert.ok(texts.length > 1000, `only ${texts.length} texts found: the walk missed the catalog`);
  const problems = texts.flatMap(({ where, text }) =>
    AWKWARD.filter(([re]) => re.test(text)).map(([, why]) => `${why}: ${where}: ${text}`),
  );
  assert.deepEqual(problems, []);
});

test('window sizes name their count and axes the way Keras does, for every rank', () => {
  const kernel = (layer: string, name: string) => catalog.getLayer(layer)?.args.find((a) => a.name === name);
  assert.equal(
    kernel('Conv1D', 'kernel_size')?.doc,
    'Size of the convolution window: an int or a tuple of 1 int (steps).',
  );
  assert.equal(
    kernel('Conv2D', 'kernel_size')?.doc,
    'Size of the convolution window: an int or a tuple of 2 ints (height, width).',
  );
  assert.equal(
    kernel('MaxPooling3D', 'pool_size')?.doc,
    'Size of the pooling window: an int or a tuple of 3 ints (depth, height, width).',
  );
  assert.equal(describeType(kernel('Conv1D', 'kernel_size')!.type), 'int or tuple of 1 int');
  assert.equal(describeType(kernel('Conv2D', 'kernel_size')!.type), 'int or tuple of 2 ints');
  assert.match(catalog.getLayer('GlobalMaxPooling1D')?.doc ?? '', /over the whole of the steps axis\./);
  assert.match(
    catalog.getLayer('UpSampling1D')?.args.find((a) => a.name === 'size')?.doc ?? '',
    /^Repetitions along the steps axis\.$/,
  );
});
