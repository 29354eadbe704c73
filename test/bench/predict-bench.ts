// `npm run bench:predict`: inference throughput (samples/s) of the digits CNN (Keras's mnist_cnn,
// examples/digits-cnn.model) through `modelspec predict`'s engines — ONNX Runtime on the run's
// model.onnx and TF.js on its model.json — beside the torch engine's own module
// (modelspec_torch.model.KerasSequential) and a hand-written PyTorch nn.Sequential in
// `model.eval()` + `torch.no_grad()`, all in one run on this machine, as ratios to the hand-written loop.
//
// The run is the CNN trained for one epoch by the torch engine (which writes model.onnx). Every
// engine predicts the same BENCH_SAMPLES test digits (default 2048) in batches of 256, already
// prepared (rescaled floats), so only the model is timed: one warm-up pass, then the median of
// BENCH_ROUNDS (default 5) passes.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runModel } from '../../predict/engines';
import { loadPredictRun } from '../../predict/run-model';
import { readDigits } from '../../training/data/digits';
import { findTorch } from '../../training/engines/detect';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2048);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(pass: () => Promise<unknown>): Promise<number> {
  await pass(); // warm-up: session creation, wasm compilation, first allocations
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    await pass();
    rates.push(SAMPLES / ((performance.now() - start) / 1000));
  }
  return median(rates);
}

// Both PyTorch loops in one process, interleaved round by round so a busy machine slows both alike.
const TORCH_BENCH = `import json, statistics, sys, time, numpy as np, torch
from torch import nn
from modelspec_torch.model import KerasSequential
run, xfile, n, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
spec = json.load(open(run + '/spec.json'))
engine = KerasSequential(spec['model']); engine.load_state_dict(torch.load(run + '/model.pt')); engine.eval()
hand = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
                     nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10), nn.Softmax(dim=1)).eval()
x = torch.from_numpy(np.fromfile(xfile, dtype='<f4').reshape(n, 28, 28, 1))
x_nchw = x.permute(0, 3, 1, 2).contiguous()
def rate(model, data):
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, n, 256): model(data[i:i + 256])
    return n / (time.perf_counter() - start)
rate(engine, x); rate(hand, x_nchw)
e, h = [], []
for r in range(rounds):
    e.append(rate(engine, x)); h.append(rate(hand, x_nchw))
print(json.dumps({'engine': statistics.median(e), 'hand': statistics.median(h), 'threads': torch.get_num_threads()}))`;

async function main(): Promise<void> {
  const torch = (await findTorch()).probe;
  if (!torch)
    throw new Error(
      'bench:predict needs the torch engine (the run is trained by it, which writes model.onnx, and the hand-written loop is PyTorch)',
    );
  const work = mkdtempSync(join(tmpdir(), 'bench-predict-'));
  try {
    const model = readFileSync('examples/digits-cnn.model', 'utf8').replace(/callbacks: \[[^\]]*\]/, '');
    writeFileSync(join(work, 'digits-cnn.model'), model);
    const r = spawnSync(
      process.execPath,
      [CLI, 'train', 'digits-cnn.model', '--backend', 'torch', '--epochs', '1', '--out', join(work, 'runs')],
      { cwd: work, encoding: 'utf8', env: { ...process.env, MODELSPEC_CACHE: join(work, 'cache') } },
    );
    if (r.status !== 0) throw new Error(`training the digits CNN failed:\n${r.stderr}`);
    const modelDir = join(work, 'runs', 'digits_cnn');
    const run = loadPredictRun(join(modelDir, readdirSync(modelDir)[0]!));
    if (!run.onnxFile) throw new Error(`the torch engine wrote no model.onnx in ${run.runDir}`);

    const digits = await readDigits('test');
    const x = new Float32Array(SAMPLES * 784);
    for (let i = 0; i < x.length; i++) x[i] = digits.x[i % digits.x.length]! / 255;
    const xFile = join(work, 'x.f32');
    writeFileSync(xFile, x);

    const onnx = await timed(() => runModel(run, x, SAMPLES, 'onnx'));
    const tfjs = await timed(() => runModel(run, x, SAMPLES, 'tfjs'));
    const py = spawnSync(torch.python, ['-c', TORCH_BENCH, run.runDir, xFile, String(SAMPLES), String(ROUNDS)], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: join(process.cwd(), 'python') },
    });
    if (py.status !== 0) throw new Error(`the PyTorch loops failed:\n${py.stderr}`);
    const t = JSON.parse(py.stdout.trim().split('\n').pop()!) as { engine: number; hand: number; threads: number };

    const rows: [string, number][] = [
      [`hand-written PyTorch model.eval() loop (cpu, ${t.threads} threads)`, t.hand],
      ['torch engine module (KerasSequential, cpu)', t.engine],
      ['predict: ONNX Runtime (model.onnx, cpu)', onnx],
      ['predict: TF.js engine (model.json, wasm)', tfjs],
    ];
    const lines = [
      `digits CNN, ${SAMPLES} samples, batch 256, median of ${ROUNDS}`,
      '',
      '| engine | samples/s | × hand-written PyTorch |',
      '| --- | ---: | ---: |',
    ];
    for (const [name, rate] of rows)
      lines.push(`| ${name} | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / t.hand).toFixed(2)}× |`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
