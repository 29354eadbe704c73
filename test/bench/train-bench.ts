// `npm run bench:train`: training throughput (samples/s) of Keras's mnist_mlp and mnist_cnn on
// every engine and backend present, beside a hand-written PyTorch loop on the same models, all
// in one run on this machine, printed as ratios to the hand-written loop.
//
// Each engine trains the real bundled digits (batch 128) for two epochs in its own process; the
// second epoch's samples/s is reported (the first includes start-up and compilation). The
// hand-written loop and the torch engine come from `python -m modelspec_torch.bench`, which
// times both on the same data and model. Set BENCH_SAMPLES_CNN / BENCH_SAMPLES_MLP to change
// how many training samples the TF.js runs use (the WebAssembly CNN is slow).
// Then (BENCH_CONTENDED=0 leaves it out) each engine as a process, quiet and next to a busy
// process, as a ratio to its own quiet figure; and the torch engine on 1 against 2 processes.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../language/analysis/analyze';
import { findTorch } from '../../training/engines/detect';
import { pythonModuleCommand } from '../../training/engines/python-command';
import type { RunEvent, RunSpec, TensorFile } from '../../training/protocol';
import { buildRunSpec } from '../../training/run-spec';
import { planTraining } from '../../language/analysis/plan';
import { benchModels } from './bench-models';

interface Row {
  model: string;
  engine: string;
  samplesPerSec: number | undefined;
  note?: string;
}

const MODELS = [
  {
    key: 'mlp',
    file: 'examples/digits.model',
    title: 'mnist_mlp',
    samples: Number(process.env.BENCH_SAMPLES_MLP ?? 7040),
  },
  {
    key: 'cnn',
    file: 'examples/digits-cnn.model',
    title: 'mnist_cnn',
    samples: Number(process.env.BENCH_SAMPLES_CNN ?? 1280),
  },
] as const;

/** The first `n` samples of a tensor file, as a new file. */
function head(t: TensorFile, n: number, dir: string, name: string): TensorFile {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1) * (t.dtype === 'uint8' ? 1 : 4);
  const count = Math.min(n, t.shape[0]);
  const path = join(dir, name);
  writeFileSync(path, readFileSync(t.path).subarray(0, count * per));
  return { ...t, path, shape: [count, ...t.shape.slice(1)] };
}

async function tfjsSpec(model: { file: string; samples: number }, backend: string): Promise<RunSpec> {
  const text = readFileSync(model.file, 'utf8');
  const { plan, blocker } = planTraining(analyze(text, { baseDir: 'examples' }), model.file);
  if (!plan) throw new Error(`${model.file}: ${blocker}`);
  const spec = await buildRunSpec(plan, { epochs: 2, backend, runsDir: mkdtempSync(join(tmpdir(), 'bench-runs-')) });
  const dir = mkdtempSync(join(tmpdir(), 'bench-data-'));
  spec.data = {
    ...spec.data,
    train: { x: head(spec.data.train.x, model.samples, dir, 'x'), y: head(spec.data.train.y, model.samples, dir, 'y') },
    test: undefined,
    validation: undefined,
    validationSplit: 0,
    augment: undefined,
  };
  spec.fit = { ...spec.fit, batchSize: 128, callbacks: [] };
  return spec;
}

function runTfjs(spec: RunSpec): number | undefined {
  mkdirSync(spec.runDir, { recursive: true });
  const specPath = join(spec.runDir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(spec));
  const r = spawnSync(process.execPath, ['dist/engine-tfjs.cjs', specPath], { encoding: 'utf8', timeout: 1_800_000 });
  const epochs = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent)
    .filter((e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch');
  return epochs[epochs.length - 1]?.samplesPerSec;
}

async function runTorchBench(): Promise<Map<string, { runner: number; hand: number; tuned?: number }>> {
  const results = new Map<string, { runner: number; hand: number; tuned?: number }>();
  const torch = (await findTorch()).probe;
  if (!torch) return results;
  // The runner's models come lowered from the examples (the engine holds no Keras default); on a
  // GPU also the larger CNN on 32x32x3 at batch 256, where the GPU matters.
  const models = join(mkdtempSync(join(tmpdir(), 'bench-models-')), 'models.json');
  writeFileSync(models, JSON.stringify(benchModels()));
  const c = pythonModuleCommand(torch.python, 'modelspec_torch.bench', [
    '--models',
    models,
    '--model',
    torch.cuda ? 'all' : 'both',
  ]);
  const r = spawnSync(c.command, c.args, {
    encoding: 'utf8',
    env: c.env,
    timeout: 1_800_000,
  });
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const j = JSON.parse(line) as {
      model: string;
      runnerSamplesPerSec: number;
      referenceSamplesPerSec: number;
      tunedSamplesPerSec?: number;
    };
    results.set(j.model.replace('mnist_', ''), {
      runner: j.runnerSamplesPerSec,
      hand: j.referenceSamplesPerSec,
      tuned: j.tunedSamplesPerSec,
    });
  }
  if (results.size === 0) process.stderr.write(`torch bench printed nothing:\n${r.stderr}\n`);
  return results;
}

/** The second epoch's samples/s of the torch engine as a process (devices > 1: data-parallel). */
function runTorchEngine(spec: RunSpec, python: string, devices = 1): number | undefined {
  const runSpec: RunSpec = {
    ...spec,
    runDir: mkdtempSync(join(tmpdir(), 'bench-torch-')),
    fit: { ...spec.fit, backend: 'torch', ...(devices > 1 ? { devices } : {}) },
  };
  const specPath = join(runSpec.runDir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(runSpec));
  const c = pythonModuleCommand(python, 'modelspec_torch', [specPath]);
  const r = spawnSync(c.command, c.args, { encoding: 'utf8', env: c.env, timeout: 1_800_000 });
  const epochs = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent)
    .filter((e): e is Extract<RunEvent, { type: 'epoch' }> => e.type === 'epoch');
  return epochs[epochs.length - 1]?.samplesPerSec;
}

/** Runs `fn` next to a busy neighbour: a process that spins on one core (a browser tab, the
 *  language server, another build), as users train on a shared machine. */
function nextToBusyProcess<T>(fn: () => T): T {
  const neighbour = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    return fn();
  } finally {
    neighbour.kill('SIGKILL');
  }
}

/** Rows for each engine quiet and next to a busy process, as ratios to the engine's own quiet
 *  figure; and the torch engine's data-parallel scaling (1 against 2 processes or GPUs). */
async function contendedAndScalingRows(torch: Awaited<ReturnType<typeof findTorch>>['probe']): Promise<string[]> {
  const lines = [
    '',
    '| model | engine (backend) | quiet samples/s | next to a busy process | × its own quiet figure |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  const fmt = (n: number | undefined) => (n ? Math.round(n).toLocaleString('en-US') : 'failed');
  const scaling: string[] = [
    '',
    '| model | torch engine | 1 process | 2 processes (data-parallel) | × 1 process |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  for (const model of MODELS) {
    const spec = await tfjsSpec(model, 'tfjs:wasm');
    const engines: [string, () => number | undefined][] = [
      ['tfjs engine (wasm)', () => runTfjs({ ...spec, runDir: mkdtempSync(join(tmpdir(), 'bench-tfjs-')) })],
    ];
    if (torch)
      engines.push([`torch engine (${torch.cuda ? 'cuda' : 'cpu'})`, () => runTorchEngine(spec, torch.python)]);
    for (const [name, run] of engines) {
      const quiet = run();
      const busy = nextToBusyProcess(run);
      lines.push(
        `| ${model.title} | ${name} | ${fmt(quiet)} | ${fmt(busy)} | ${quiet && busy ? `${(busy / quiet).toFixed(2)}×` : ''} |`,
      );
    }
    if (!torch) scaling.push(`| ${model.title} | skipped: no Python with torch | | | |`);
    else if (torch.cuda && (torch.cudaCount ?? 1) < 2)
      scaling.push(`| ${model.title} | skipped: 2 GPUs needed, this machine has 1 | | | |`);
    else {
      const one = runTorchEngine(spec, torch.python);
      const two = runTorchEngine(spec, torch.python, 2);
      scaling.push(
        `| ${model.title} | ${torch.cuda ? 'cuda' : 'cpu (gloo)'} | ${fmt(one)} | ${fmt(two)} | ${one && two ? `${(two / one).toFixed(2)}×` : ''} |`,
      );
    }
  }
  return [...lines, ...scaling];
}

async function main(): Promise<void> {
  const torch = (await findTorch()).probe;
  const torchResults = await runTorchBench();
  const rows: Row[] = [];
  for (const model of MODELS) {
    const t = torchResults.get(model.key);
    if (t) {
      rows.push({
        model: model.title,
        engine: `hand-written PyTorch loop (${torch?.cuda ? 'cuda' : 'cpu'})`,
        samplesPerSec: t.hand,
      });
      if (t.tuned)
        rows.push({
          model: model.title,
          engine: 'hand-tuned PyTorch loop (cuda: AMP, channels_last, compiled)',
          samplesPerSec: t.tuned,
        });
      rows.push({
        model: model.title,
        engine: `torch engine (${torch?.cuda ? 'cuda' : torch?.mps ? 'mps' : 'cpu'})`,
        samplesPerSec: t.runner,
      });
    }
    for (const backend of ['tfjs:wasm', 'tfjs:cpu']) {
      if (backend === 'tfjs:cpu' && model.key === 'cnn' && !process.env.BENCH_ALL) {
        rows.push({
          model: model.title,
          engine: 'tfjs engine (cpu)',
          samplesPerSec: undefined,
          note: 'skipped: pure-JS convolutions take minutes per batch (BENCH_ALL=1 runs it)',
        });
        continue;
      }
      // The pure-JS backend is two orders of magnitude slower: a tenth of the samples is enough.
      const spec = await tfjsSpec(
        backend === 'tfjs:cpu' ? { ...model, samples: Math.ceil(model.samples / 10) } : model,
        backend,
      );
      rows.push({ model: model.title, engine: `tfjs engine (${backend.split(':')[1]})`, samplesPerSec: runTfjs(spec) });
    }
  }
  const cifar = torchResults.get('cifar_cnn');
  if (cifar) {
    rows.push({
      model: 'cifar_cnn (32x32x3, batch 256)',
      engine: 'hand-written PyTorch loop (cuda)',
      samplesPerSec: cifar.hand,
    });
    if (cifar.tuned)
      rows.push({
        model: 'cifar_cnn (32x32x3, batch 256)',
        engine: 'hand-tuned PyTorch loop (cuda: AMP, channels_last, compiled)',
        samplesPerSec: cifar.tuned,
      });
    rows.push({ model: 'cifar_cnn (32x32x3, batch 256)', engine: 'torch engine (cuda)', samplesPerSec: cifar.runner });
  } else {
    rows.push({
      model: 'cifar_cnn (32x32x3, batch 256)',
      engine: 'torch engine (cuda)',
      samplesPerSec: undefined,
      note: torch
        ? 'skipped: no CUDA GPU here (the GPU rows run where PyTorch sees one)'
        : 'skipped: no Python with torch',
    });
  }
  const hand = new Map(rows.filter((r) => r.engine.startsWith('hand-written')).map((r) => [r.model, r.samplesPerSec]));
  const lines = ['| model | engine (backend) | samples/s | × hand-written PyTorch |', '| --- | --- | ---: | ---: |'];
  for (const r of rows) {
    const base = hand.get(r.model);
    const ratio = r.samplesPerSec && base ? `${(r.samplesPerSec / base).toFixed(2)}×` : '';
    lines.push(
      `| ${r.model} | ${r.engine} | ${r.samplesPerSec ? Math.round(r.samplesPerSec).toLocaleString('en-US') : (r.note ?? 'failed')} | ${ratio} |`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (process.env.BENCH_CONTENDED !== '0')
    process.stdout.write((await contendedAndScalingRows(torch)).join('\n') + '\n');
}

await main();
