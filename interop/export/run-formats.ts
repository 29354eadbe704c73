// `modelspec export RUN_DIR --to onnx|keras-model|safetensors`: a trained run's model in formats
// other tools open. The run folder's spec.json says what the model is; its model.json +
// weights.bin (every run has them, whichever engine trained it) hold the weights, read once by
// saved-weights.ts. ONNX goes through the PyTorch engine (torch.onnx.export); the .keras
// archive's HDF5 through h5py; safetensors is written here.

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { findTorch, pythonCandidates } from '../../training/engines/detect';
import { pythonModuleCommand, pythonPath } from '../../training/engines/python-command';
import { readTensorFile } from '../../training/engines/tfjs/tensor-files';
import type { RunSpec } from '../../training/protocol';
import { readSavedWeights, type SavedLayerWeights } from '../../training/saved-weights';
import { writeFileAtomic, writeViaTemp } from '../../training/files';
import { h5Groups, keras3Config, type LoweredModel } from './keras3-config';
import { encodeSafetensors } from './safetensors';

export const RUN_FORMATS = ['onnx', 'keras-model', 'safetensors'] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];
export const isRunFormat = (to: string): to is RunFormat => (RUN_FORMATS as readonly string[]).includes(to);

/** The file written into the run folder when no --out is given. */
export const DEFAULT_FILE: Record<RunFormat, string> = {
  onnx: 'model.onnx',
  'keras-model': 'model.keras',
  safetensors: 'model.safetensors',
};

interface SavedRun {
  runDir: string;
  spec: RunSpec;
  modelFile: string;
  layers: SavedLayerWeights[];
}

/** What --to FORMAT expects, for errors about a wrong argument. */
const runFolderHint = (to: string) =>
  `--to ${to} exports a trained run: give a run folder such as runs/<model>/<time> (it holds spec.json and model.json)`;

function openRun(folder: string, to: RunFormat, scratch: string): SavedRun {
  const runDir = resolve(basename(folder) === 'model.json' ? dirname(folder) : folder);
  if (!existsSync(runDir)) throw new Error(`${folder}: no such folder; ${runFolderHint(to)}`);
  if (!statSync(runDir).isDirectory())
    throw new Error(`${folder} is a file; ${runFolderHint(to)}, or use --to keras|pytorch for a .model file`);
  const specFile = join(runDir, 'spec.json');
  if (!existsSync(specFile))
    throw new Error(`${folder} is not a run folder (it has no spec.json); ${runFolderHint(to)}`);
  const modelFile = join(runDir, 'model.json');
  if (!existsSync(modelFile))
    throw new Error(
      `${runDir} has no model.json: the run ended before it saved a model (its events.jsonl says how it ended)`,
    );
  let spec: RunSpec;
  try {
    spec = JSON.parse(readFileSync(specFile, 'utf8')) as RunSpec;
  } catch (e) {
    throw new Error(`${specFile}: ${e instanceof SyntaxError ? 'not JSON' : String(e)}; the run folder is damaged`);
  }
  if (!spec.model || !Array.isArray(spec.model.config?.layers))
    throw new Error(`${specFile} has no model; the run folder is damaged`);
  return { runDir, spec, modelFile, layers: readSavedWeights(modelFile, scratch) };
}

/** Exports the run in `folder` as `to`; returns the path written (`--out`, or a file in the run folder). */
export async function exportRun(folder: string, to: RunFormat, out?: string): Promise<string> {
  const scratch = mkdtempSync(join(tmpdir(), 'modelspec-export-'));
  try {
    const run = openRun(folder, to, scratch);
    const target = resolve(out ?? join(run.runDir, DEFAULT_FILE[to]));
    if (to === 'safetensors') writeFileAtomic(target, safetensorsOf(run));
    else if (to === 'onnx') await writeViaTemp(target, (tmp) => onnxOf(run, tmp, scratch));
    else await writeViaTemp(target, (tmp) => kerasArchiveOf(run, tmp, scratch));
    return target;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Weights named as Keras 3 names variable paths, `<layer>/<variable>` (e.g. `dense/kernel`). */
function safetensorsOf(run: SavedRun): Buffer {
  const tensors = run.layers.flatMap((layer) =>
    layer.tensors.map((t, i) => ({
      name: `${layer.name}/${layer.weightNames[i]}`,
      shape: t.shape,
      data: readTensorFile(t).data as Float32Array,
    })),
  );
  return encodeSafetensors(tensors, { format: 'keras', model: run.spec.modelName ?? '', source: run.modelFile });
}

function runPython(
  python: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; last: Record<string, unknown>; stderr: string }> {
  return new Promise((done) => {
    execFile(
      python,
      args,
      { env, encoding: 'utf8', timeout: 600_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        let last: Record<string, unknown> = {};
        try {
          last = JSON.parse(line) as Record<string, unknown>;
        } catch {
          last = { error: stderr.trim().split('\n').pop() || error?.message || 'no output' };
        }
        done({ code: error ? (((error as { code?: unknown }).code as number) ?? 1) : 0, last, stderr });
      },
    );
  });
}

async function onnxOf(run: SavedRun, tmp: string, scratch: string): Promise<void> {
  const torch = await findTorch();
  if (!torch.probe) {
    throw new Error(
      `--to onnx needs PyTorch (torch.onnx.export); none of ${torch.tried.join(', ')} imports torch. Install it (pip install torch, or apt-get install python3-torch) or set MODELSPEC_PYTHON`,
    );
  }
  const specFile = join(scratch, 'export-spec.json');
  const tensors = run.layers.flatMap((l) => l.tensors);
  writeFileSync(
    specFile,
    JSON.stringify({
      model: run.spec.model,
      expectedParams: run.spec.expectedParams,
      initialWeights: { tensors, source: run.modelFile },
    }),
  );
  // Started like every engine process: nothing from the user's folder is importable.
  const command = pythonModuleCommand(torch.probe.python, 'modelspec_torch', ['--export-onnx', specFile, tmp]);
  const r = await runPython(command.command, command.args, command.env);
  if (r.code !== 0 || typeof r.last.error === 'string')
    throw new Error(`torch.onnx.export failed: ${String(r.last.error ?? r.stderr)}`);
}

/** The first interpreter (as the PyTorch engine looks for one) that imports h5py. */
function pythonWithH5py(): string {
  const tried: string[] = [];
  for (const python of pythonCandidates()) {
    const r = spawnSync(python, ['-c', 'import h5py, numpy'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return python;
    tried.push(python);
  }
  throw new Error(
    `--to keras-model writes model.weights.h5 with h5py; none of ${tried.join(', ')} imports it. Install it (pip install h5py, or apt-get install python3-h5py) or set MODELSPEC_PYTHON`,
  );
}

async function kerasArchiveOf(run: SavedRun, tmp: string, scratch: string): Promise<void> {
  const model = run.spec.model as unknown as LoweredModel;
  const config = keras3Config(model);
  // Keras's class names come from the run's own (lowered) model; TF.js may save its own variants.
  const lowered = model.config.layers.filter((l) => l.class_name !== 'InputLayer');
  // Keras 3's nested Functional config and variable paths are not written yet (the catalog says
  // so: GRAPH_APPLICATION_UNSUPPORTED): refused here rather than written wrong.
  const nested = lowered.find((l) => l.class_name === 'Functional' || l.class_name === 'Model');
  if (nested) {
    throw new Error(
      `--to keras-model cannot write a layer-graph application yet (layer ${String((nested.config as { name?: unknown }).name)}, a nested model); export the run --to onnx or --to safetensors`,
    );
  }
  if (lowered.length !== run.layers.length) {
    throw new Error(
      `${run.modelFile} has ${run.layers.length} layers but the run's spec.json has ${lowered.length}; the run folder is damaged`,
    );
  }
  const groups = h5Groups(
    run.layers.map((l, i) => ({ className: lowered[i]!.class_name, name: l.name, weights: l.tensors.length })),
  ).map((g) => ({
    path: g.path,
    name: g.name,
    vars:
      g.layer < 0
        ? []
        : run.layers[g.layer]!.tensors.map((t) => ({ path: t.path, offset: t.offset ?? 0, shape: t.shape })),
  }));
  const job = join(scratch, 'keras-job.json');
  // A version of Keras 3 whose saving_lib layout this follows; Keras reads the archive whatever it says.
  const metadata = {
    keras_version: '3.16.0',
    date_saved: new Date()
      .toISOString()
      .replace(/\.\d+Z$/, '')
      .replace('T', '@'),
  };
  writeFileSync(job, JSON.stringify({ out: tmp, config, metadata, groups }));
  const r = await runPython(pythonWithH5py(), [join(pythonPath(), 'modelspec_keras_archive.py'), job], process.env);
  if (r.code !== 0 || typeof r.last.error === 'string')
    throw new Error(`cannot write the .keras archive: ${String(r.last.error ?? r.stderr)}`);
}
