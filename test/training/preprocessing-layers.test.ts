// The preprocessing and augmentation layers (issue #10 item 3) compute Keras's formulas in both
// engines: Rescaling, Normalization (given and inverted), Resizing (tf.image.resize's half-pixel
// bilinear), CenterCrop; and the Random* layers are the identity at inference, change the images
// in training, and repeat exactly under the same seed. Each model is a .model file lowered as
// the checker lowers it, so the engines get every Keras default from the catalog.
import { test, before } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { analyze } from '../../language/analysis/analyze';
import { lowerModel, type KerasModelConfig } from '../../language/lowering';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { buildModel } from '../../training/engines/tfjs/model';
import { seedDropout } from '../../training/engines/tfjs/layers/dropout';
import type { RunSpec } from '../../training/protocol';
import { SKIP as TORCH_SKIP, pythonEval } from './torch/helpers';

before(async () => {
  await selectBackend('tfjs:wasm');
});

function lowered(input: number[], ...calls: string[]): KerasModelConfig {
  const text = `model m {\n  Input(shape=(${input.join(', ')}${input.length === 1 ? ',' : ''}))\n${calls.map((c) => `  ${c}\n`).join('')}}\n`;
  const analysis = analyze(text);
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => d.message),
    [],
  );
  return lowerModel(analysis.model!);
}

/** The model's output for x (flat, channels_last) in both engines; torch in eval or train mode with seed. */
async function tfjsRun(model: KerasModelConfig, x: number[], shape: number[], training = false, seed = 1) {
  const m = await buildModel({ model: model as RunSpec['model'] }, 3);
  try {
    seedDropout(seed);
    const input = tf.tensor(x, shape);
    const y = m.apply(input, { training }) as tf.Tensor;
    const out = { shape: y.shape, values: Array.from(y.dataSync()) };
    tf.dispose([input, y]);
    return out;
  } finally {
    m.dispose();
  }
}

interface Job {
  model: KerasModelConfig;
  x: number[];
  shape: number[];
  training: boolean;
  seed: number;
}
type Output = { shape: number[]; values: number[] };

/** Every job in one Python process (torch's import takes seconds): each model's layers built as the engine builds them. */
async function torchRunAll(jobs: Job[]): Promise<Output[]> {
  const code = [
    'import json, sys, torch',
    'from modelspec_torch.model import build_layer',
    `jobs = json.loads(${JSON.stringify(JSON.stringify(jobs))})`,
    'out = []',
    'for job in jobs:',
    '    layers = job["model"]["config"]["layers"]',
    '    first = layers[0]["config"]',
    '    shape = tuple((first.get("batch_input_shape") or first.get("batch_shape"))[1:])',
    '    torch.manual_seed(job["seed"])',
    '    x = torch.tensor(job["x"], dtype=torch.float32).reshape(job["shape"])',
    '    for layer in layers:',
    '        if layer["class_name"] == "InputLayer": continue',
    '        module = build_layer(layer, shape)',
    '        module.train(job["training"])',
    '        x = module(x)',
    '        shape = tuple(x.shape[1:])',
    '    out.append({"shape": list(x.shape), "values": x.flatten().tolist()})',
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(await pythonEval(code)) as Output[];
}

/** Runs jobs in an engine: collects them, then runs them all at once (torch: one process). */
class Batch {
  readonly jobs: Job[] = [];
  add(model: KerasModelConfig, x: number[], shape: number[], training = false, seed = 1): number {
    this.jobs.push({ model, x, shape, training, seed });
    return this.jobs.length - 1;
  }
  async run(engine: string): Promise<Output[]> {
    if (engine === 'torch') return torchRunAll(this.jobs);
    const out: Output[] = [];
    for (const j of this.jobs) out.push(await tfjsRun(j.model, j.x, j.shape, j.training, j.seed));
    return out;
  }
}

function close(got: number[], want: number[], what: string, tol = 1e-5) {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, want ${want.length}`);
  got.forEach((v, i) => {
    // The message prints both arrays (thousands of values): built only when a value is off, not
    // for every value checked (that took seconds of CPU per run).
    if (!(Math.abs(v - want[i]!) <= tol)) assert.fail(`${what}: [${i}] ${v} vs ${want[i]} (${got} vs ${want})`);
  });
}

const ENGINES = [
  { name: 'tfjs', skip: false as string | false },
  { name: 'torch', skip: TORCH_SKIP },
];

for (const engine of ENGINES) {
  test(
    `${engine.name}: Rescaling, Normalization and UnitNormalization compute Keras's formulas`,
    { skip: engine.skip },
    async () => {
      const x = [1, 4, 9, 16, 2, 6, 12, 20];
      const batch = new Batch();
      batch.add(lowered([4], 'Rescaling(scale=0.5, offset=-1)'), x, [2, 4]);
      batch.add(lowered([4], 'Normalization(mean=[1, 2, 3, 4], variance=[1, 4, 9, 16])'), x, [2, 4]);
      batch.add(lowered([4], 'Normalization(mean=0.5, variance=0.25, invert=True)'), x, [2, 4]);
      batch.add(lowered([4], 'Normalization()'), x, [2, 4]);
      batch.add(lowered([4], 'UnitNormalization()'), x, [2, 4]);
      const [rescaled, norm, inverted, fresh, unit] = await batch.run(engine.name);
      const norms = [0, 1].map((r) => Math.hypot(...x.slice(4 * r, 4 * r + 4)));
      close(
        unit!.values,
        x.map((v, i) => v / norms[Math.floor(i / 4)]!),
        'UnitNormalization',
      );
      close(
        rescaled!.values,
        x.map((v) => v * 0.5 - 1),
        'Rescaling',
      );
      const mean = [1, 2, 3, 4];
      const variance = [1, 4, 9, 16];
      close(
        norm!.values,
        x.map((v, i) => (v - mean[i % 4]!) / Math.sqrt(variance[i % 4]!)),
        'Normalization',
      );
      close(
        inverted!.values,
        x.map((v) => v * 0.5 + 0.5),
        'Normalization(invert=True)',
      );
      // Not adapted yet: Keras's initial weights, mean 0 and variance 1.
      close(fresh!.values, x, 'Normalization() before adapt');
    },
  );

  test(
    `${engine.name}: Resizing is tf.image.resize (half-pixel centres) and CenterCrop takes the centre`,
    { skip: engine.skip },
    async () => {
      const batch = new Batch();
      batch.add(lowered([2, 2, 1], 'Resizing(height=4, width=4)'), [0, 1, 2, 3], [1, 2, 2, 1]);
      batch.add(
        lowered([2, 4, 1], 'Resizing(height=2, width=2, crop_to_aspect_ratio=True)'),
        [0, 1, 2, 3, 4, 5, 6, 7],
        [1, 2, 4, 1],
      );
      const image = Array.from({ length: 7 * 9 }, (_, i) => i);
      batch.add(lowered([7, 9, 1], 'CenterCrop(height=3, width=4)'), image, [1, 7, 9, 1]);
      const [up, cropped, crop] = await batch.run(engine.name);
      // 2x2 → 4x4 bilinear: source coordinate (i + 0.5) / 2 - 0.5, clamped: 0, 0.25, 0.75, 1 per axis.
      const axis = [0, 0.25, 0.75, 1];
      assert.deepEqual(up!.shape, [1, 4, 4, 1]);
      close(
        up!.values,
        axis.flatMap((y) => axis.map((xx) => 2 * y + xx)),
        'Resizing bilinear',
      );
      // crop_to_aspect_ratio: a 2x4 image to 2x2 keeps its centre 2x2 (columns 1 and 2).
      close(cropped!.values, [1, 2, 5, 6], 'Resizing crop_to_aspect_ratio');
      assert.deepEqual(crop!.shape, [1, 3, 4, 1]);
      // top (7 - 3) / 2 = 2, left floor((9 - 4) / 2) = 2
      close(
        crop!.values,
        [2, 3, 4].flatMap((r) => [2, 3, 4, 5].map((c) => r * 9 + c)),
        'CenterCrop',
      );
    },
  );

  test(
    `${engine.name}: augmentation is the identity at inference, active and seeded in training`,
    { skip: engine.skip },
    async () => {
      const shape = [4, 6, 6, 3];
      const x = Array.from({ length: 4 * 6 * 6 * 3 }, (_, i) => (i * 37) % 251);
      const calls = [
        'RandomFlip()',
        'RandomRotation(factor=0.2)',
        'RandomZoom(height_factor=0.3)',
        'RandomTranslation(height_factor=0.3, width_factor=0.3)',
        'RandomContrast(factor=0.5)',
        'RandomBrightness(factor=0.3)',
      ];
      const batch = new Batch();
      for (const call of calls) {
        const model = lowered([6, 6, 3], call);
        batch.add(model, x, shape, false);
        batch.add(model, x, shape, true, 7);
        batch.add(model, x, shape, true, 7);
      }
      const out = await batch.run(engine.name);
      calls.forEach((call, i) => {
        const [inference, a, b] = [out[3 * i]!, out[3 * i + 1]!, out[3 * i + 2]!];
        close(inference.values, x, `${call} at inference`, 0);
        assert.deepEqual(a.shape, shape, call);
        assert.ok(
          a.values.some((v, j) => Math.abs(v - x[j]!) > 1e-3),
          `${call} changes the images in training`,
        );
        close(a.values, b.values, `${call}: the same seed gives the same images`, 0);
      });
    },
  );
}

// Keras 3's geometric layers with their factor pinned ((a, a) draws exactly a): the expected
// pixels come from numpy (np.rot90, np.pad's symmetric/wrap/edge/constant modes, np.interp),
// not from the engines' transform, so both engines must agree with numpy and so with each other.
// Keras 3 (TF backend) samples with ImageProjectiveTransformV3; its 'reflect' is numpy's
// 'symmetric', and its nearest sampling rounds halves away from zero.

/** Runs Python code with numpy; its last line of output is JSON. */
function numpy(code: string): number[][] {
  const r = spawnSync('/usr/bin/python3', ['-c', `import json, numpy as np\n${code}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as number[][];
}

const IMAGE_5 = 'img = np.arange(25, dtype=np.float64).reshape(5, 5, 1)';
const IMAGE_46 = 'img = np.arange(48, dtype=np.float64).reshape(4, 6, 2)';
const FIXED: { call: string; shape: number[]; image: string; expected: string }[] = [
  // +90° (factor 0.25 of a turn) about the centre: counterclockwise as displayed, numpy's rot90.
  { call: 'RandomRotation(factor=(0.25, 0.25))', shape: [5, 5, 1], image: IMAGE_5, expected: 'np.rot90(img, 1)' },
  { call: 'RandomRotation(factor=(-0.25, -0.25))', shape: [5, 5, 1], image: IMAGE_5, expected: 'np.rot90(img, -1)' },
  // Half a turn of a 4×6 image: the centre is (2.5, 1.5), so the image maps onto itself.
  { call: 'RandomRotation(factor=(0.5, 0.5))', shape: [4, 6, 2], image: IMAGE_46, expected: 'np.rot90(img, 2)' },
  // Down 0.2 · 5 = 1 row, left 0.4 · 5 = 2 columns: output (y, x) reads input (y - 1, x + 2).
  ...(
    [
      ['reflect', "'symmetric'"],
      ['wrap', "'wrap'"],
      ['nearest', "'edge'"],
      ['constant', "'constant', constant_values=-1"],
    ] as const
  ).map(([mode, pad]) => ({
    call: `RandomTranslation(height_factor=(0.2, 0.2), width_factor=(-0.4, -0.4), fill_mode='${mode}', fill_value=-1)`,
    shape: [5, 5, 1],
    image: IMAGE_5,
    expected: `np.pad(img, ((1, 0), (0, 2), (0, 0)), mode=${pad})[0:5, 2:7]`,
  })),
  // Zoom in 2× vertically (height factor -0.5) and out 1.5× horizontally (width factor 0.5):
  // output (y, x) reads input (0.5 y + 1, 1.5 x - 1), bilinear, 0 outside (np.interp on a padded image).
  {
    call: "RandomZoom(height_factor=(-0.5, -0.5), width_factor=(0.5, 0.5), fill_mode='constant')",
    shape: [5, 5, 1],
    image: IMAGE_5,
    expected: [
      'p = np.pad(img[:, :, 0], 2)',
      'ys, xs = 0.5 * np.arange(5) + 1 + 2, 1.5 * np.arange(5) - 1 + 2',
      'cols = np.stack([np.interp(ys, np.arange(9), p[:, j]) for j in range(9)], axis=1)',
      'np.stack([np.interp(xs, np.arange(9), cols[i]) for i in range(5)])[:, :, None]',
    ].join('\n'),
  },
  // Nearest sampling at the same points, edge fill: halves round away from zero (1.5 → 2, 2.5 → 3, 3.5 → 4).
  {
    call: "RandomZoom(height_factor=(-0.5, -0.5), width_factor=(0.5, 0.5), fill_mode='nearest', interpolation='nearest')",
    shape: [5, 5, 1],
    image: IMAGE_5,
    expected: [
      'r = lambda c: np.floor(np.clip(c, 0, 4) + 0.5).astype(int)',
      'img[r(0.5 * np.arange(5) + 1)][:, r(1.5 * np.arange(5) - 1)]',
    ].join('\n'),
  },
];

/** Each FIXED case's image and expected output (of the image, then of it doubled): one numpy process. */
let computed: { image: number[]; want: number[] }[] | undefined;
function fixedCases(): { image: number[]; want: number[] }[] {
  computed ??= numpy(
    [
      'cases = []',
      ...FIXED.flatMap((c) => {
        // The expression's last line is the expected image; lines before it prepare it.
        const lines = c.expected.split('\n');
        const expected = (scale: number) => [
          c.image,
          `img = ${scale} * img`,
          ...lines.slice(0, -1),
          `outs.append(${lines.at(-1)})`,
        ];
        return ['outs = []', ...expected(1), ...expected(2), c.image, 'cases.append([img, outs])'];
      }),
      'print(json.dumps([[img.flatten().tolist(), np.concatenate([o.flatten() for o in outs]).tolist()] for img, outs in cases]))',
    ].join('\n'),
  ).map((pair) => ({ image: pair[0] as unknown as number[], want: pair[1] as unknown as number[] }));
  return computed;
}

for (const engine of ENGINES) {
  test(
    `${engine.name}: RandomRotation, RandomTranslation and RandomZoom with a pinned factor give numpy's pixels (Keras 3)`,
    { skip: engine.skip },
    async () => {
      const batch = new Batch();
      const cases = fixedCases();
      FIXED.forEach((c, i) => {
        // Two images in one batch (the second doubled), each transformed on its own.
        const { image } = cases[i]!;
        batch.add(lowered(c.shape, c.call), [...image, ...image.map((v) => 2 * v)], [2, ...c.shape], true, 5);
      });
      const out = await batch.run(engine.name);
      FIXED.forEach((c, i) => close(out[i]!.values, cases[i]!.want, c.call, 1e-4));
    },
  );

  test(
    `${engine.name}: RandomFlip('horizontal_and_vertical') flips both axes together or neither (one draw per image, Keras 3)`,
    { skip: engine.skip },
    async () => {
      const image = Array.from({ length: 12 }, (_, i) => i);
      const both = [...image].reverse(); // 3×4×1 flipped up-down and left-right
      const n = 32;
      const batch = new Batch();
      batch.add(
        lowered([3, 4, 1], 'RandomFlip()'),
        Array.from({ length: n }, () => image).flat(),
        [n, 3, 4, 1],
        true,
        9,
      );
      const [out] = await batch.run(engine.name);
      const kinds = Array.from({ length: n }, (_, k) => {
        const got = out!.values.slice(12 * k, 12 * k + 12);
        if (got.every((v, j) => v === image[j])) return 'same';
        if (got.every((v, j) => v === both[j])) return 'both';
        return `one axis only: ${got}`;
      });
      assert.deepEqual(
        kinds.filter((k) => k !== 'same' && k !== 'both'),
        [],
      );
      assert.ok(kinds.includes('same') && kinds.includes('both'), `${kinds}`);
    },
  );
}

test(
  "tfjs and torch sample the same pixels where TF's fill modes are quirky (wrap past the edge, reflect, nearest halves)",
  { skip: TORCH_SKIP },
  async () => {
    // Points between len - 1 and len, and far outside: TF's wrap lands them where a modulo would
    // not; both engines must follow the kernel, so they must agree on every pixel.
    const shape = [7, 9, 2];
    const image = Array.from({ length: 7 * 9 * 2 }, (_, i) => (i * 29) % 97);
    const calls = [
      "RandomZoom(height_factor=(0.35, 0.35), width_factor=(0.9, 0.9), fill_mode='wrap')",
      "RandomZoom(height_factor=(0.8, 0.8), fill_mode='wrap', interpolation='nearest')",
      "RandomRotation(factor=(0.1, 0.1), fill_mode='wrap')",
      "RandomRotation(factor=(-0.37, -0.37), fill_mode='reflect', interpolation='nearest')",
      "RandomTranslation(height_factor=(0.55, 0.55), width_factor=(-0.75, -0.75), fill_mode='reflect')",
    ];
    const batch = new Batch();
    for (const call of calls) batch.add(lowered(shape, call), image, [1, ...shape], true, 3);
    const [tfjs, torch] = [await batch.run('tfjs'), await batch.run('torch')];
    calls.forEach((call, i) => {
      assert.ok(
        tfjs[i]!.values.some((v, j) => v !== image[j]),
        `${call} changes the image`,
      );
      close(tfjs[i]!.values, torch[i]!.values, call, 1e-3);
    });
  },
);
