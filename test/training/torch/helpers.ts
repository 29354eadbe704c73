// Helpers for the PyTorch engine's tests: find a Python with torch, write tensor files and
// RunSpecs into a temp folder, run `python3 -m modelspec_torch` and read its events.
import { optimizerArgs } from '../../../language/catalog';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { KerasLayerConfig } from '../../../language/catalog/types';
import { findTorch } from '../../../training/engines/detect';
import { pythonModuleCommand } from '../../../training/engines/python-command';
import { Random } from '../../../training/engines/tfjs/random';
import type { RunEvent, RunSpec, TensorFile } from '../../../training/protocol';
import { taskOfSpec } from '../../../training/run-task';
import { kerasLayer } from '../../helpers/keras-defaults';
import { pythonWorker, type SnippetOptions } from '../../helpers/python-worker';
import { oncePerRun } from '../../helpers/run-cache';

export const PYTHON_DIR = resolve('python');

/**
 * The interpreter the product itself would use (MODELSPEC_PYTHON, python3, /usr/bin/python3),
 * probed once per test run (test/helpers/run-cache.ts): each probe imports torch.
 */
export const PYTHON = await oncePerRun('torch-python', async () => (await findTorch()).probe?.python);
/** For `test(name, { skip: SKIP }, ...)`: a visible reason when no torch is installed. */
export const SKIP: string | false = PYTHON
  ? false
  : 'no Python interpreter with torch and numpy found (install python3-torch)';

const ENV = {
  ...process.env,
  PYTHONPATH: PYTHON_DIR,
  MODELSPEC_TORCH_THREADS: '1',
  PYTHONUNBUFFERED: '1',
  PYTHONDONTWRITEBYTECODE: '1',
};

/** The engine started as the product starts it (engines/python-command.ts). */
function engine(args: string[]) {
  return pythonModuleCommand(PYTHON!, 'modelspec_torch', args, { MODELSPEC_TORCH_THREADS: '1' });
}

export function tempDir(prefix = 'torch-engine-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeTensor(
  dir: string,
  name: string,
  dtype: TensorFile['dtype'],
  shape: number[],
  data: Uint8Array | Int32Array | Float32Array,
): TensorFile {
  const path = join(dir, name);
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return { path, dtype, shape };
}

/** A layer config the engine accepts: the given Keras arguments over the catalog's defaults. */
export const layer = (class_name: string, config: Record<string, unknown>): KerasLayerConfig =>
  kerasLayer(class_name, config);

/** Runs the engine synchronously with arguments; returns stdout, stderr and the exit code. */
export function runPython(args: string[], options: { input?: string; timeoutMs?: number } = {}) {
  const { command, args: argv, env } = engine(args);
  const r = spawnSync(command, argv, {
    cwd: PYTHON_DIR,
    env,
    encoding: 'utf8',
    input: options.input ?? '',
    timeout: options.timeoutMs ?? 60_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/**
 * Follows a run started in the background: its stdout events as they come, `until` a predicate
 * on them first holds, and how the process ended.
 */
export function watchRun(child: ChildProcess) {
  const events: RunEvent[] = [];
  let buffer = '';
  const waiters: { pred: (e: RunEvent[]) => boolean; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const cut = buffer.lastIndexOf('\n');
    if (cut < 0) return;
    events.push(...parseLines(buffer.slice(0, cut)));
    buffer = buffer.slice(cut + 1);
    for (const w of waiters.splice(0)) w.pred(events) ? w.resolve() : waiters.push(w);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const until = (pred: (e: RunEvent[]) => boolean) =>
    new Promise<void>((resolve) => (pred(events) ? resolve() : waiters.push({ pred, resolve })));
  return { events, until, exited };
}

/** Starts a run in the background (for stop and kill tests). */
export function startRun(specPath: string): ChildProcess {
  const { command, args, env } = engine([specPath]);
  return spawn(command, args, { cwd: PYTHON_DIR, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** A RunSpec written to `<dir>/spec.json`; returns the spec and its path. */
export function writeSpec(dir: string, spec: RunSpec): string {
  const path = join(dir, 'spec.json');
  // As run-spec.ts does: the task the spec's loss and targets make, unless the test gives one.
  writeFileSync(path, JSON.stringify({ ...spec, data: { ...spec.data, task: spec.data.task ?? taskOfSpec(spec) } }));
  return path;
}

/** Runs a spec to the end and returns its events (from stdout) and the exit code. */
export function train(
  dir: string,
  spec: RunSpec,
  timeoutMs = 60_000,
): { events: RunEvent[]; status: number | null; stderr: string } {
  const r = runPython([writeSpec(dir, spec)], { timeoutMs });
  return { events: parseLines(r.stdout), status: r.status, stderr: r.stderr };
}

export function parseLines(text: string): RunEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as RunEvent);
}

export function readEvents(runDir: string): RunEvent[] {
  const file = join(runDir, 'events.jsonl');
  return existsSync(file) ? parseLines(readFileSync(file, 'utf8')) : [];
}

export function ofType<T extends RunEvent['type']>(events: RunEvent[], type: T): Extract<RunEvent, { type: T }>[] {
  return events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
}

/** Deterministic pseudo-random numbers (the engines' own seeded generator), so tests need no seed plumbing. */
export function rng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

/**
 * A separable classification problem: `classes` Gaussian blobs in `features` dimensions,
 * well apart. x float32 [n, features], y int32 [n].
 */
export function blobs(n: number, features: number, classes: number, seed = 1): { x: Float32Array; y: Int32Array } {
  const r = rng(seed);
  const centers = Array.from({ length: classes }, () => Array.from({ length: features }, () => (r() - 0.5) * 8));
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let f = 0; f < features; f++) x[i * features + f] = centers[c]![f]! + (r() - 0.5) * 2;
  }
  return { x, y };
}

export function blobFiles(dir: string, name: string, n: number, features: number, classes: number, seed = 1) {
  const { x, y } = blobs(n, features, classes, seed);
  return {
    x: writeTensor(dir, `${name}-x.bin`, 'float32', [n, features], x),
    y: writeTensor(dir, `${name}-y.bin`, 'int32', [n], y),
  };
}

/** Small images (n, size, size, 1) uint8 where the class is which quadrant is bright. */
export function quadrantImages(dir: string, name: string, n: number, size = 8, seed = 2) {
  const r = rng(seed);
  const x = new Uint8Array(n * size * size);
  const y = new Int32Array(n);
  const half = size / 2;
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    y[i] = c;
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        const bright = (row < half ? 0 : 2) + (col < half ? 0 : 1) === c;
        x[i * size * size + row * size + col] = Math.round((bright ? 180 : 20) + r() * 60);
      }
    }
  }
  return {
    x: writeTensor(dir, `${name}-x.bin`, 'uint8', [n, size, size], x),
    y: writeTensor(dir, `${name}-y.bin`, 'int32', [n], y),
  };
}

export const dense = (name: string, units: number, activation: string, extra: Record<string, unknown> = {}) =>
  layer('Dense', { name, units, activation, ...extra });

/** An MLP spec on blobs: features -> hidden (relu) -> classes (softmax). */
export function mlpSpec(
  dir: string,
  opts: { n?: number; features?: number; classes?: number; hidden?: number } = {},
): RunSpec {
  const { n = 600, features = 8, classes = 3, hidden = 16 } = opts;
  const params = features * hidden + hidden + hidden * classes + classes;
  return {
    model: {
      class_name: 'Sequential',
      config: {
        name: 'mlp',
        layers: [
          layer('InputLayer', { name: 'input', batch_shape: [null, features] }),
          dense('dense', hidden, 'relu'),
          dense('dense_1', classes, 'softmax'),
        ],
      },
    },
    modelName: 'mlp',
    sourceFile: join(dir, 'mlp.model'),
    compile: {
      loss: 'categorical_crossentropy',
      optimizer: { name: 'Adam', args: optimizerArgs('Adam', { learning_rate: 0.01 }) },
      metrics: ['accuracy'],
    },
    data: {
      source: 'blobs',
      train: blobFiles(dir, 'train', n, features, classes, 1),
      test: blobFiles(dir, 'test', 90, features, classes, 1),
      validationSplit: 0.2,
      rescale: 1,
      classes: Array.from({ length: classes }, (_, i) => `class${i}`),
      labelEncoding: 'onehot',
      shuffle: true,
      isImage: false,
    },
    fit: {
      epochs: 5,
      batchSize: 32,
      seed: 1,
      callbacks: [],
      backend: 'torch:cpu',
      mixedPrecision: true,
      devices: 1,
      nnodes: 1,
    },
    expectedParams: { total: params, trainable: params, nonTrainable: 0 },
    runDir: join(dir, 'run'),
  };
}

/**
 * Runs a Python snippet with the engine importable; resolves with its stdout (rejects with its
 * traceback). The snippets run in this test process's warm Python (test/helpers/python-worker.ts:
 * torch imported once, a forked child per snippet) rather than a `python3 -c` each.
 */
export async function pythonEval(code: string, options: SnippetOptions = {}): Promise<string> {
  const r = await pythonWorker({ python: PYTHON!, preload: ['torch', 'numpy'], cwd: PYTHON_DIR, env: ENV }).run(
    code,
    options,
  );
  if (r.status !== 0) {
    throw new Error(
      `python failed${r.timedOut ? ` (timed out after ${(options.timeoutMs ?? 60_000) / 1000} s)` : ''}: ${r.stderr}`,
    );
  }
  return r.stdout;
}
