// Every layer case (test/fixtures/layer-cases.ts) whose layer the catalog says the engine runs,
// lowered as the checker lowers it: output shape and parameter counts against the catalog's (which
// the catalog test checks against Keras's own numbers, model.summary() of the same config).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layerClassesFor } from '../../../language/catalog';
import type { KerasLayerConfig } from '../../../language/catalog/types';
import { SKIP, layer, pythonEval, runPython, tempDir } from './helpers';
import { engineCases, expected, loweredCase } from '../../fixtures/layer-cases';

const L = layer;
const CASES = engineCases('torch');

/** Keras JSON the checker never writes but saved models carry (a TF.js model.json, Keras 2). */
const RAW: { what: string; input: number[]; layer: KerasLayerConfig; shape: number[]; params: number }[] = [
  { what: 'LeakyReLU (Keras 2 alpha)', input: [5], layer: L('LeakyReLU', { alpha: 0.1 }), shape: [5], params: 0 },
];

const rawModel = (c: (typeof RAW)[number]) => ({
  class_name: 'Sequential',
  config: {
    name: 'm',
    layers: [
      L('InputLayer', { name: 'input', batch_shape: [null, ...c.input] }),
      { ...c.layer, config: { name: 'layer', ...c.layer.config } },
    ],
  },
});

/**
 * Every model list the tests below hand to `--describe`, built in one engine process: each start
 * imports torch (seconds of CPU), and `--describe` answers each model on its own (an error is that
 * model's `error`), so one run gives each test the same answers as a run of its own.
 */
const batches: Record<string, unknown[]> = {};
let described: Record<string, Described[]> | undefined;
let describeRun: { status: number | null; stderr: string } | undefined;

/** The engine's descriptions of `models` (registered at load time under `name`), and the run's exit status. */
function describeModels(name: string): { results: Described[]; status: number | null; stderr: string } {
  if (!described) {
    const file = join(tempDir(), 'models.json');
    const names = Object.keys(batches);
    writeFileSync(file, JSON.stringify(names.flatMap((n) => batches[n]!)));
    const r = runPython(['--describe', file]);
    describeRun = { status: r.status, stderr: r.stderr };
    const all = r.status === 0 ? (JSON.parse(r.stdout) as Described[]) : [];
    described = {};
    let at = 0;
    for (const n of names) {
      described[n] = all.slice(at, at + batches[n]!.length);
      at += batches[n]!.length;
    }
  }
  return { results: described[name]!, ...describeRun! };
}

interface Described {
  error?: string;
  layers: {
    className: string;
    outputShape: (number | null)[];
    params: number;
    trainable: number;
    nonTrainable: number;
  }[];
  total: number;
  trainable: number;
  nonTrainable: number;
}

batches.cases = [...CASES.map(loweredCase), ...RAW.map(rawModel)];

test("every layer case builds with the catalog's output shapes and parameter counts", { skip: SKIP }, () => {
  const { results, status, stderr } = describeModels('cases');
  assert.equal(status, 0, stderr);
  const classes = new Set<string>();
  const problems: string[] = [];
  CASES.forEach((c, i) => {
    const d = results[i]!;
    const want = expected(c);
    const got = d.error ?? {
      shape: d.layers[0]!.outputShape,
      params: d.layers[0]!.params,
      nonTrainable: d.layers[0]!.nonTrainable,
      total: d.total,
    };
    const should = {
      shape: [null, ...want.output],
      params: want.total,
      nonTrainable: want.nonTrainable,
      total: want.total,
    };
    if (c.keras)
      assert.deepEqual(
        [want.total, want.nonTrainable],
        [c.keras.params, c.keras.nonTrainable ?? 0],
        `${c.name}: Keras's own numbers`,
      );
    if (JSON.stringify(got) !== JSON.stringify(should)) {
      if (!c.gaps?.torch) problems.push(`${c.name}: torch ${JSON.stringify(got)}, catalog ${JSON.stringify(should)}`);
    } else if (c.gaps?.torch)
      problems.push(`${c.name} now builds right on torch: remove its gap in test/fixtures/layer-cases.ts`);
    if (!d.error) classes.add(d.layers[0]!.className);
  });
  assert.deepEqual(problems, []);
  RAW.forEach((c, j) => {
    const d = results[CASES.length + j]!;
    assert.equal(d.error, undefined, `${c.what}: ${d.error}`);
    assert.deepEqual(d.layers[1]!.outputShape, [null, ...c.shape], c.what);
    assert.equal(d.total, c.params, `${c.what}: model total`);
  });
  // Each Keras class the catalog says the torch engine runs appears at least once above.
  const supported = layerClassesFor('torch');
  assert.deepEqual(
    supported.filter((s) => !classes.has(s)),
    [],
  );
});

/** What the tests below ask the engine's modules directly, in one Python process (one torch import). */
let engineFacts: { layers: string[]; leakyRelu: number[]; logSoftmax: number[] } | undefined;
async function askEngine(): Promise<NonNullable<typeof engineFacts>> {
  engineFacts ??= JSON.parse(
    await pythonEval(
      [
        'import json, torch',
        'from modelspec_torch.model import LAYERS',
        'from modelspec_torch.activations import get_activation',
        'x = torch.tensor([[-2.0, 0.5, 3.0]])',
        "print(json.dumps({'layers': sorted(LAYERS), 'leakyRelu': get_activation('leaky_relu')(x).tolist()[0], 'logSoftmax': get_activation('log_softmax')(x).tolist()[0]}))",
      ].join('\n'),
    ),
  ) as NonNullable<typeof engineFacts>;
  return engineFacts;
}

test(
  "the engine's layer table is the catalog's torch support, plus InputLayer and Functional",
  { skip: SKIP },
  async () => {
    // Functional: a layer-graph application's nested model (layers_graph.py), built from the same table.
    assert.deepEqual((await askEngine()).layers, ['Functional', 'InputLayer', ...layerClassesFor('torch')].sort());
  },
);

const samePadding: [KerasLayerConfig, number[], number[]][] = [];
for (const [h, w] of [
  [7, 9],
  [5, 5],
  [11, 4],
  [1, 3],
] as const) {
  const out = [Math.ceil(h / 2), Math.ceil(w / 2)];
  samePadding.push([L('Conv2D', { filters: 2, kernel_size: 3, strides: 2, padding: 'same' }), [h, w, 1], [...out, 2]]);
  samePadding.push([L('Conv2D', { filters: 2, kernel_size: 4, strides: 2, padding: 'same' }), [h, w, 1], [...out, 2]]);
  samePadding.push([L('MaxPooling2D', { pool_size: 3, strides: 2, padding: 'same' }), [h, w, 1], [...out, 1]]);
  samePadding.push([L('AveragePooling2D', { pool_size: 2, padding: 'same' }), [h, w, 1], [...out, 1]]);
}
batches.samePadding = samePadding.map(([lay, input]) => ({
  class_name: 'Sequential',
  config: { name: 'm', layers: [L('InputLayer', { batch_shape: [null, ...input] }), lay] },
}));

test("'same' padding with stride 2 gives TF's ceil(n / 2) on odd sizes, for convs and pools", { skip: SKIP }, () => {
  const { results, status, stderr } = describeModels('samePadding');
  assert.equal(status, 0, stderr);
  samePadding.forEach(([lay, input, expected], i) => {
    assert.deepEqual(
      results[i]!.layers[1]!.outputShape,
      [null, ...expected],
      `${lay.class_name} ${JSON.stringify(lay.config)} on ${input}`,
    );
  });
});

test(
  "keras.activations.leaky_relu (negative_slope 0.2) and log_softmax (axis -1) compute Keras's formulas",
  { skip: SKIP },
  async () => {
    const facts = await askEngine();
    const out = [facts.leakyRelu, facts.logSoftmax];
    const x = [-2, 0.5, 3];
    const leaky = x.map((v) => (v > 0 ? v : 0.2 * v));
    const logSumExp = Math.log(x.reduce((sum, v) => sum + Math.exp(v), 0));
    out[0]!.forEach((v, i) => assert.ok(Math.abs(v - leaky[i]!) < 1e-6, `leaky_relu ${out[0]}`));
    out[1]!.forEach((v, i) => assert.ok(Math.abs(v - (x[i]! - logSumExp)) < 1e-5, `log_softmax ${out[1]}`));
  },
);

batches.reported = [
  {
    class_name: 'Sequential',
    config: { name: 'm', layers: [L('InputLayer', { batch_shape: [null, 4] }), L('Transformer', {})] },
  },
  {
    class_name: 'Sequential',
    config: {
      name: 'm',
      layers: [L('InputLayer', { batch_shape: [null, 2, 2, 1] }), L('Conv2D', { filters: 1, kernel_size: 3 })],
    },
  },
];

test('an unknown layer and an impossible shape are reported, not crashed on', { skip: SKIP }, () => {
  const [unknown, tooSmall] = describeModels('reported').results;
  assert.match(unknown!.error!, /layer 'Transformer' is not supported/);
  assert.match(tooSmall!.error!, /Conv2D/);
});

// The engine holds no Keras default (the catalog's lowering writes every argument), so a config
// without `strides` must not silently run with strides 1.
const noStrides = L('Conv2D', { name: 'conv', filters: 1, kernel_size: 3 });
delete noStrides.config['strides'];
batches.missingArgument = [
  {
    class_name: 'Sequential',
    config: { name: 'm', layers: [L('InputLayer', { batch_shape: [null, 5, 5, 1] }), noStrides] },
  },
];

test(
  'a layer argument missing from the spec is an error naming the layer and the argument, not a Keras default',
  { skip: SKIP },
  () => {
    const { results, status, stderr } = describeModels('missingArgument');
    assert.equal(status, 0, stderr);
    const [described] = results;
    assert.match(described!.error ?? '', /Conv2D 'conv'.*has no 'strides' argument/);
  },
);
