// Issue #8 item 10: what passes `check` trains. For every layer in the catalog and every input
// rank (1 to 5 axes besides the batch) the checker accepts `Input -> layer` on, the lowered model
// builds in both engines with the checker's output shape and parameter count, and a forward pass
// gives finite numbers (in TF.js also a training step's gradients; in PyTorch --describe's pass). The layer's arguments are the samples and everyRank cases of
// test/fixtures/layer-cases.ts; the ranks are not listed by hand: each is tried, and the checker decides.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from '../../language/analysis/analyze';
import { formatArgValue } from '../../language/analysis/format-values';
import { getLayer, layerNames, type ArgValue, type EngineTarget } from '../../language/catalog';
import { lowerModel, type KerasModelConfig } from '../../language/lowering';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { buildModel, countParams } from '../../training/engines/tfjs/model';
import { ensureBuilt } from '../helpers/build';
import { LAYER_CASES, SAMPLES } from '../fixtures/layer-cases';
import { SKIP as TORCH_SKIP, runPython } from './torch/helpers';

type Dims = number[];

interface Accepted {
  name: string;
  layer: string;
  input: Dims;
  output: (number | null)[];
  params: number;
  model: KerasModelConfig;
}

const RANKS = [1, 2, 3, 4, 5];
// Pretrained expands from a saved model file (test/language/analysis/pretrained.test.ts).
const LAYERS = layerNames().filter((n) => n !== 'Input' && n !== 'Pretrained');
/**
 * Per layer: its sample, then the cases marked everyRank in test/fixtures/layer-cases.ts (arguments
 * where the engines had their own code paths), each tried on every rank.
 */
const TRIED: { name: string; layer: string; args: Record<string, ArgValue>; input: Dims; variant: boolean }[] =
  LAYERS.flatMap((layer) => [
    { name: layer, layer, args: SAMPLES[layer]!.args, input: SAMPLES[layer]!.input as Dims, variant: false },
    ...LAYER_CASES.filter((c) => c.layer === layer && c.everyRank).map((c) => ({
      name: `${layer}(${Object.entries(c.args)
        .map(([k, v]) => `${k}=${formatArgValue(v)}`)
        .join(', ')})`,
      layer,
      args: c.args,
      input: c.input as Dims,
      variant: true,
    })),
  ]);

/** The case's own input for its rank; otherwise small spatial axes and 2 channels. */
function inputFor(own: Dims, rank: number): Dims {
  if (own.length === rank) return own;
  return rank === 1 ? [6] : [...Array<number>(rank - 1).fill(6), 2];
}

function source(layer: string, input: Dims, args: Record<string, ArgValue>): string {
  const a = Object.entries(args).map(([k, v]) => `${k}=${formatArgValue(v)}`);
  return `model m {\n  Input(shape=${formatArgValue(input)})\n  ${layer}(${a.join(', ')})\n}\n`;
}

/** Every (layer, rank) the checker accepts, with what it computed. */
function accepted(): { cases: Accepted[]; refused: string[] } {
  const cases: Accepted[] = [];
  const refused: string[] = [];
  for (const t of TRIED) {
    for (const rank of RANKS) {
      const input = inputFor(t.input, rank);
      const text = source(t.layer, input, t.args);
      const analysis = analyze(text);
      const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
      const model = analysis.model;
      if (errors.length || !model?.totals || !model.outputShape) {
        refused.push(text);
        continue;
      }
      cases.push({
        name: t.name,
        layer: t.layer,
        input,
        output: [null, ...model.outputShape],
        params: model.totals.total,
        model: lowerModel(model),
      });
    }
  }
  return { cases, refused };
}

const { cases } = accepted();
const label = (c: Accepted) => `${c.name} on (None, ${c.input.join(', ')})`;
/** The cases an engine runs: the catalog says which layers each lacks. */
const runsOn = (engine: EngineTarget) => cases.filter((c) => getLayer(c.layer)!.support[engine]);

describe('every layer on every input rank the checker accepts builds in both engines', () => {
  it('the checker accepts each layer on its sample input (the property covers every layer)', () => {
    const covered = new Set(cases.map((c) => c.name));
    assert.deepEqual(
      LAYERS.filter((n) => !covered.has(n)),
      [],
    );
    for (const t of TRIED.filter((x) => x.variant))
      assert.equal(cases.filter((c) => c.name === t.name).length, 1, `the variant ${t.name} is accepted on one rank`);
    assert.ok(
      cases.some((c) => c.name === 'Flatten' && c.input.length === 1),
      'Flatten on a rank-2 tensor (None, 6) is accepted, as in Keras 3',
    );
  });

  describe('TensorFlow.js', () => {
    before(async () => {
      await selectBackend('tfjs:wasm');
    });
    for (const c of runsOn('tfjs')) {
      it(label(c), async () => {
        const model = await buildModel({ model: c.model }, 1);
        try {
          assert.deepEqual(model.outputs[0]!.shape, c.output, 'the output shape the checker computed');
          assert.equal(countParams(model).total, c.params, 'the parameter count the checker computed');
          const x = tf.randomUniform([2, ...c.input]);
          const y = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
          assert.ok(y.every(Number.isFinite), 'a forward pass gives finite numbers');
          // A training-mode forward and backward pass too (dropout, batch statistics, gradients).
          const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
          if (variables.length) {
            const { value, grads } = tf.variableGrads(
              () => tf.mean(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
              variables,
            );
            assert.ok(Number.isFinite(value.dataSync()[0]), 'a finite training loss');
            assert.ok(
              Object.values(grads).every((g) => g.dataSync().every(Number.isFinite)),
              'finite gradients',
            );
            tf.dispose([value, ...Object.values(grads)]);
          }
          x.dispose();
        } finally {
          model.dispose();
        }
      });
    }
  });

  it('PyTorch: each builds with the same shape and count, and runs a forward pass', { skip: TORCH_SKIP }, () => {
    // One process for all: --describe builds each model and runs a 2-sample forward pass.
    const dir = mkdtempSync(join(tmpdir(), 'layer-agreement-'));
    const file = join(dir, 'models.json');
    const torchCases = runsOn('torch');
    writeFileSync(file, JSON.stringify(torchCases.map((c) => c.model)));
    const r = runPython(['--describe', file], { timeoutMs: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    const described = JSON.parse(r.stdout.trim().split('\n').pop()!) as (
      | { error: string }
      | { outputShape: (number | null)[]; total: number }
    )[];
    const problems: string[] = [];
    torchCases.forEach((c, i) => {
      const d = described[i]!;
      if ('error' in d) problems.push(`${label(c)}: ${d.error}`);
      else if (JSON.stringify(d.outputShape) !== JSON.stringify(c.output) || d.total !== c.params) {
        problems.push(
          `${label(c)}: torch ${JSON.stringify(d.outputShape)} with ${d.total} params, checker ${JSON.stringify(c.output)} with ${c.params}`,
        );
      }
    });
    assert.deepEqual(problems, []);
  });
});

describe('modelspec train: Flatten right after Input(shape=(4,)) (Keras 3 keeps (None, 4))', () => {
  before(() => ensureBuilt());
  const dir = mkdtempSync(join(tmpdir(), 'flatten-rank2-'));
  writeFileSync(
    join(dir, 'rows.csv'),
    'a,b,c,d,y\n' +
      Array.from({ length: 20 }, (_, i) => `${i % 3},${i % 5},${i % 2},${i % 7},${i % 2}`).join('\n') +
      '\n',
  );
  writeFileSync(
    join(dir, 'flat.model'),
    "model flat {\n  Input(shape=(4,))\n  Flatten()\n  Dense(2, activation='softmax')\n}\ncompile {\n  loss: 'sparse_categorical_crossentropy'\n  optimizer: 'adam'\n}\n" +
      "data {\n  train: csv('rows.csv', label='y')\n}\nfit {\n  epochs: 1\n  batch_size: 5\n}\n",
  );
  for (const engine of ['tfjs', 'torch']) {
    it(`checks and trains on ${engine}`, { skip: engine === 'torch' ? TORCH_SKIP : false }, () => {
      const cli = join(process.cwd(), 'bin', 'modelspec.cjs');
      const check = spawnSync(process.execPath, [cli, 'check', join(dir, 'flat.model')], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      const r = spawnSync(
        process.execPath,
        [cli, 'train', join(dir, 'flat.model'), '--backend', engine, '--out', join(dir, 'runs'), '--json'],
        {
          encoding: 'utf8',
          timeout: 120_000,
          env: { ...process.env, MODELSPEC_CACHE: join(dir, 'cache') },
        },
      );
      assert.equal(r.status, 0, r.stderr + r.stdout.slice(-1500));
      assert.match(r.stdout, /"type":"finished"/);
    });
  }
});
