// Each optimizer follows Keras 3's update rule and defaults: three steps on one weight with a
// known gradient sequence, against the rule written out in plain JavaScript (float64).
import { allOptimizers, optimizerArgs } from '../../../language/catalog';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { createOptimizer } from '../../../training/engines/tfjs/optimizers';
import { selectBackend } from '../../../training/engines/tfjs/backend';

const GRADS = [0.5, -1.5, 2e-7];
const W0 = 1.0;

function run(name: string, args: Record<string, number | boolean>, changeLr?: number): number {
  const opt = createOptimizer(name, optimizerArgs(name, args));
  const w = tf.variable(tf.scalar(W0));
  GRADS.forEach((g, i) => {
    if (changeLr !== undefined && i === 2) opt.learningRate = changeLr;
    const grad = tf.scalar(g);
    opt.applyGradients([w], [grad]);
    grad.dispose();
  });
  const v = w.dataSync()[0]!;
  w.dispose();
  opt.dispose();
  return v;
}

type Rule = (lr: number) => number;
const reference: Record<string, [Record<string, number | boolean>, Rule]> = {
  'SGD momentum nesterov': [
    { learning_rate: 0.1, momentum: 0.9, nesterov: true },
    (lr) => {
      let w = W0,
        m = 0;
      for (const g of GRADS) {
        m = 0.9 * m - lr * g;
        w += 0.9 * m - lr * g;
      }
      return w;
    },
  ],
  'Adam defaults': [
    {},
    () => {
      let w = W0,
        m = 0,
        v = 0;
      GRADS.forEach((g, i) => {
        const t = i + 1;
        m += (g - m) * 0.1;
        v += (g * g - v) * 0.001;
        w -= (((0.001 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t)) * m) / (Math.sqrt(v) + 1e-7);
      });
      return w;
    },
  ],
  'Nadam defaults': [
    {},
    () => {
      let w = W0,
        m = 0,
        v = 0,
        uProduct = 1;
      GRADS.forEach((g, i) => {
        const t = i + 1;
        const uT = 0.9 * (1 - 0.5 * 0.96 ** (t * 0.004));
        const uT1 = 0.9 * (1 - 0.5 * 0.96 ** ((t + 1) * 0.004));
        uProduct *= uT;
        m += (g - m) * 0.1;
        v += (g * g - v) * 0.001;
        const mHat = (uT1 * m) / (1 - uProduct * uT1) + ((1 - uT) * g) / (1 - uProduct);
        const vHat = v / (1 - 0.999 ** t);
        w -= (0.001 * mHat) / (Math.sqrt(vHat) + 1e-7);
      });
      return w;
    },
  ],
  'RMSprop defaults': [
    {},
    () => {
      let w = W0,
        v = 0;
      for (const g of GRADS) {
        v = 0.9 * v + 0.1 * g * g;
        w -= (0.001 * g) / Math.sqrt(v + 1e-7);
      }
      return w;
    },
  ],
  'Adagrad defaults (initial accumulator 0.1)': [
    {},
    () => {
      let w = W0,
        acc = 0.1;
      for (const g of GRADS) {
        acc += g * g;
        w -= (0.001 * g) / Math.sqrt(acc + 1e-7);
      }
      return w;
    },
  ],
  'Adadelta learning_rate=1 (rho 0.95)': [
    { learning_rate: 1 },
    () => {
      let w = W0,
        ag = 0,
        ad = 0;
      for (const g of GRADS) {
        ag = 0.95 * ag + 0.05 * g * g;
        const delta = (-Math.sqrt(ad + 1e-7) / Math.sqrt(ag + 1e-7)) * g;
        ad = 0.95 * ad + 0.05 * delta * delta;
        w += delta;
      }
      return w;
    },
  ],
  'Adamax defaults': [
    {},
    () => {
      let w = W0,
        m = 0,
        u = 0;
      GRADS.forEach((g, i) => {
        m += (g - m) * 0.1;
        u = Math.max(0.999 * u, Math.abs(g));
        w -= (0.001 * m) / ((1 - 0.9 ** (i + 1)) * (u + 1e-7));
      });
      return w;
    },
  ],
};

test('optimizers match Keras 3 update rules', async () => {
  await selectBackend('tfjs:wasm');
  for (const [label, [args, rule]] of Object.entries(reference)) {
    const name = label.split(' ')[0]!;
    const got = run(name, args);
    const want = rule(Number(args['learning_rate'] ?? 0.1));
    assert.ok(Math.abs(got - want) <= 1e-5 * Math.max(1, Math.abs(want)), `${label}: ${got} vs ${want}`);
  }
});

test('the learning rate can change between steps (ReduceLROnPlateau)', async () => {
  await selectBackend('tfjs:wasm');
  const got = run('SGD', { learning_rate: 0.1 }, 0.01);
  const want = W0 - 0.1 * GRADS[0]! - 0.1 * GRADS[1]! - 0.01 * GRADS[2]!;
  assert.ok(Math.abs(got - want) < 1e-6);
  assert.equal(createOptimizer('adadelta', optimizerArgs('adadelta')).learningRate, 0.001, 'Keras 3 default');
  assert.equal(createOptimizer('sgd', optimizerArgs('sgd')).learningRate, 0.01);
  assert.throws(() => createOptimizer('ftrl'), /unknown optimizer 'ftrl'/);
});

test('an argument missing from the run spec is an error naming it, not a default of the engine', () => {
  assert.throws(() => createOptimizer('adam', { learning_rate: 0.1 }), /optimizer Adam: the run spec has no 'beta_1'/);
  assert.throws(() => createOptimizer('sgd', {}), /optimizer SGD: the run spec has no 'learning_rate'/);
});

test("each optimizer keeps as many values per weight as the catalog's `slots` says Keras keeps", async () => {
  await selectBackend('tfjs:wasm');
  const cases: [string, Record<string, number | boolean>][] = [
    ['SGD', {}],
    ['SGD', { momentum: 0.9 }],
    ['RMSprop', {}],
    ['RMSprop', { momentum: 0.9 }],
    ['RMSprop', { centered: true, momentum: 0.9 }],
    ['Adam', {}],
    ['Adamax', {}],
    ['Nadam', {}],
    ['Adagrad', {}],
    ['Adadelta', {}],
  ];
  for (const [name, given] of cases) {
    const args = optimizerArgs(name, given);
    const expected = allOptimizers().find((o) => o.name === name)!.slots!(args);
    const opt = createOptimizer(name, args);
    const w = tf.variable(tf.ones([3]));
    const before = tf.memory().numTensors;
    const grad = tf.fill([3], 0.5);
    opt.applyGradients([w], [grad]);
    grad.dispose();
    assert.equal(tf.memory().numTensors - before, expected, `${name} ${JSON.stringify(given)}`);
    opt.dispose();
    w.dispose();
  }
});
