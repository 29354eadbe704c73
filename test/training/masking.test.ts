// Keras's masks on both engines. Masking (and Embedding(mask_zero=True)) marks the padded steps,
// and the recurrent layers after it skip them: their state and output stay those of the step
// before (keras/src/backend/tensorflow/rnn.py with zero_output_for_mask=False), so a sequence
// padded with zeros, before or after, gives the same final output as the sequence alone. Each
// model below is built by the TF.js engine; its weights are loaded into the PyTorch engine; the
// padded batch's outputs on both must equal the TF.js engine's output on each sequence unpadded
// (a model of that length with the same weights: a recurrent layer's weights do not depend on
// the number of steps). Then a training run's first-batch loss, from the same weights, on both.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from '../../language/analysis/analyze';
import { lowerModel } from '../../language/lowering';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { MASK_PASSING } from '../../training/engines/tfjs/layers/masking';
import { buildModel } from '../../training/engines/tfjs/model';
import type { RunSpec } from '../../training/protocol';
import { NO_TORCH, firstBatchLosses } from '../helpers/first-batch-loss';
import { SKIP, pythonEval } from './torch/helpers';

const STEPS = 6;
const FEATURES = 3;
/** The sequences' real lengths; each is padded with zeros to STEPS. */
const LENGTHS = [6, 4, 2, 1];

/** The layers between Input and the end, as the .model file writes them; `ids`: integer inputs. */
const MODELS: { name: string; layers: string; ids?: true }[] = [
  { name: 'Masking, LSTM', layers: 'Masking()\nLSTM(4)' },
  { name: 'Masking, GRU', layers: 'Masking()\nGRU(4)' },
  { name: 'Masking, SimpleRNN', layers: 'Masking()\nSimpleRNN(4)' },
  { name: 'Masking, LSTM(relu) (the step loop)', layers: "Masking()\nLSTM(4, activation='relu')" },
  { name: 'Masking, Dense, LSTM (Dense passes the mask)', layers: "Masking()\nDense(5, activation='tanh')\nLSTM(4)" },
  {
    name: 'Masking, LSTM(return_sequences), GRU (the mask goes on)',
    layers: 'Masking()\nLSTM(5, return_sequences=True)\nGRU(3)',
  },
  { name: 'Masking, Bidirectional(LSTM)', layers: 'Masking()\nBidirectional(LSTM(3))' },
  { name: 'Masking(mask_value=-1), LSTM', layers: 'Masking(mask_value=-1)\nLSTM(4)' },
  { name: 'Embedding(mask_zero=True), LSTM', layers: 'Embedding(10, 4, mask_zero=True)\nLSTM(3)', ids: true },
];

function source(layers: string, steps: number, ids: boolean): string {
  const input = ids ? `Input(shape=(${steps},))` : `Input(shape=(${steps}, ${FEATURES}))`;
  return `model m {\n  ${input}\n  ${layers.split('\n').join('\n  ')}\n}\n`;
}

function lowered(layers: string, steps: number, ids: boolean): RunSpec['model'] {
  const a = analyze(source(layers, steps, ids));
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return lowerModel(a.model!) as RunSpec['model'];
}

/** Step `t` of sequence `s`: never the padding value (0, or -1 with mask_value=-1). */
function step(s: number, t: number, ids: boolean): number[] {
  if (ids) return [1 + ((s * 7 + t * 3) % 9)];
  return Array.from({ length: FEATURES }, (_, f) => 0.1 + 0.8 * Math.abs(Math.sin(s * 3.1 + t * 1.7 + f)));
}

/** The batch padded to STEPS (before or after each sequence) with `pad`. */
function padded(where: 'pre' | 'post', ids: boolean, pad: number): number[][][] {
  return LENGTHS.map((n, s) => {
    const real = Array.from({ length: n }, (_, t) => step(s, t, ids));
    const padding = Array.from({ length: STEPS - n }, () => Array<number>(ids ? 1 : FEATURES).fill(pad));
    return where === 'pre' ? [...padding, ...real] : [...real, ...padding];
  });
}

const close = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) < 1e-4);

before(async () => {
  await selectBackend('tfjs:wasm');
});

test("both engines' lists of the layers a mask passes through are the same", { skip: SKIP }, async () => {
  const python = JSON.parse(
    await pythonEval(
      'import json\nfrom modelspec_torch.layers_base import MASK_PASSING\nprint(json.dumps(sorted(MASK_PASSING)))',
    ),
  ) as string[];
  assert.deepEqual(python, [...MASK_PASSING].sort());
});

test('padded sequences after Masking give the unpadded outputs, on both engines', { skip: SKIP }, async () => {
  const cases: {
    name: string;
    model: RunSpec['model'];
    weights: { shape: number[]; values: number[] }[];
    inputs: number[][][][];
    ids: boolean;
  }[] = [];
  const problems: string[] = [];
  const tfjsPadded: number[][][] = [];
  const unpadded: number[][] = [];
  for (const m of MODELS) {
    const ids = m.ids === true;
    const pad = m.layers.includes('mask_value=-1') ? -1 : 0;
    const model = await buildModel({ model: lowered(m.layers, STEPS, ids) }, 3);
    const weights = model.getWeights();
    // Each sequence alone, through a model of its own length with the same weights.
    const alone: number[] = [];
    for (const [s, n] of LENGTHS.entries()) {
      const short = await buildModel({ model: lowered(m.layers, n, ids) }, 3);
      short.setWeights(weights);
      const x = Array.from({ length: n }, (_, t) => step(s, t, ids));
      const xt = ids ? tf.tensor2d([x.map((v) => v[0]!)]) : tf.tensor3d([x]);
      alone.push(...(short.predict(xt) as tf.Tensor).dataSync());
      xt.dispose();
      short.dispose();
    }
    unpadded.push(alone);
    const inputs = (['pre', 'post'] as const).map((where) => padded(where, ids, pad));
    const outs: number[][] = [];
    for (const [i, batch] of inputs.entries()) {
      const xt = ids ? tf.tensor2d(batch.map((sq) => sq.map((v) => v[0]!))) : tf.tensor3d(batch);
      const y = Array.from((model.predict(xt) as tf.Tensor).dataSync());
      xt.dispose();
      outs.push(y);
      if (!close(y, alone))
        problems.push(
          `${m.name}, ${i ? 'post' : 'pre'}-padded, TF.js: ${y.slice(0, 4)}… vs unpadded ${alone.slice(0, 4)}…`,
        );
    }
    tfjsPadded.push(outs);
    cases.push({
      name: m.name,
      model: lowered(m.layers, STEPS, ids),
      weights: weights.map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
      inputs,
      ids,
    });
    model.dispose();
  }
  const file = join(mkdtempSync(join(tmpdir(), 'masking-')), 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  await pythonEval(
    [
      'import json, numpy as np, torch',
      'from modelspec_torch.model import KerasSequential, load_keras_weights',
      `cases = json.load(open(${JSON.stringify(file)}))`,
      'out = []',
      'for c in cases:',
      '    m = KerasSequential(c["model"]).eval()',
      '    load_keras_weights(m, [np.array(w["values"], np.float32).reshape(w["shape"]) for w in c["weights"]])',
      '    ys = []',
      '    for batch in c["inputs"]:',
      '        x = torch.tensor(batch, dtype=torch.float32)',
      '        if c["ids"]: x = x[..., 0].long()',
      '        with torch.no_grad(): ys.append(m(x).flatten().tolist())',
      '    out.append(ys)',
      `json.dump(out, open(${JSON.stringify(`${file}.out`)}, "w"))`,
    ].join('\n'),
  );
  const torchOut = JSON.parse(readFileSync(`${file}.out`, 'utf8')) as number[][][];
  MODELS.forEach((m, i) => {
    torchOut[i]!.forEach((y, j) => {
      if (!close(y, unpadded[i]!))
        problems.push(
          `${m.name}, ${j ? 'post' : 'pre'}-padded, torch: ${y.slice(0, 4)}… vs unpadded ${unpadded[i]!.slice(0, 4)}…`,
        );
    });
  });
  assert.deepEqual(problems, []);
});

test(
  'Masking, LSTM: the same first-batch loss on both engines from the same weights (a training step reads the mask)',
  { skip: NO_TORCH },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'masking-train-'));
    // Each row: STEPS·FEATURES values (the sequence, post-padded with zeros) and a label.
    const rows = padded('post', false, 0).map((sq, s) => [...sq.flat(), s % 2]);
    const header = [...Array.from({ length: STEPS * FEATURES }, (_, i) => `x${i}`), 'y'].join(',');
    writeFileSync(join(dir, 'seq.csv'), `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`);
    const text =
      `model m {\n  Input(shape=(${STEPS * FEATURES},))\n  Reshape((${STEPS}, ${FEATURES}))\n  Masking()\n  LSTM(4)\n  Dense(1, activation='sigmoid')\n}\n` +
      "compile {\n  loss: 'binary_crossentropy'\n  optimizer: 'adam'\n}\ndata {\n  train: csv('seq.csv', label='y')\n}\n" +
      `fit {\n  epochs: 1\n  batch_size: ${LENGTHS.length}\n}\n`;
    const losses = await firstBatchLosses(join(dir, 'm.model'), text, { sameWeights: true });
    assert.ok(Math.abs(losses.tfjs - losses.torch) < 1e-5, JSON.stringify(losses));
  },
);
