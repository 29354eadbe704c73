// `weights='path.h5'` of a layer-graph application (ResNet50, …): Keras's weights file read once,
// by layer name, into tensor files both engines load (RunSpec.layerWeights). HDF5 is read by
// Python's h5py (python/modelspec_torch/keras_h5.py) into `<cache>/keras-weights/<key>/`, keyed by
// the file's path, size and modification time, so a 100 MB file is converted once, not per run.
// The application's graph (folded by the catalog) says which of its layers hold weights and how
// many: each must be in the file with exactly those counts, in Keras's layer order.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelPlan } from '../language/analysis/plan';
import { withDefaults } from '../language/catalog';
import { kerasLayerOrder } from '../language/catalog/graph/keras-order';
import { cacheDir as defaultCacheDir } from './data/cache';
import { pythonModuleCommand } from './engines/python-command';
import { makeDirs, writeFileAtomic } from './files';
import type { LayerWeights, TensorFile } from './protocol';

interface H5Weight {
  name: string;
  shape: number[];
  file: string;
}
interface H5Manifest {
  format: 'keras2' | 'keras3';
  layers: Record<string, H5Weight[]>;
}

/** One layer's weights in the file's order, with their names (`kernel`, `moving_mean`; Keras 3 files number them). */
export interface NamedTensors {
  tensors: TensorFile[];
  names: string[];
}

/** The interpreters tried for h5py: MODELSPEC_PYTHON, else python3 and /usr/bin/python3. */
function pythonCandidates(): string[] {
  const named = process.env.MODELSPEC_PYTHON;
  return named ? [named] : ['python3', '/usr/bin/python3'];
}

let h5Python: string | null | undefined;

/** The first interpreter that imports h5py and numpy; null when none does. */
export function findH5Python(): string | null {
  if (h5Python !== undefined) return h5Python;
  h5Python = null;
  for (const python of pythonCandidates()) {
    const r = spawnSync(python, ['-E', '-c', 'import h5py, numpy'], { stdio: 'ignore', timeout: 30_000 });
    if (r.status === 0) {
      h5Python = python;
      break;
    }
  }
  return h5Python;
}

/** Every layer's weights in `file` (an .h5 Keras weights file), as tensor files in the cache. */
export function readKerasWeightsFile(file: string, cacheDir = defaultCacheDir()): Record<string, NamedTensors> {
  const st = statSync(file);
  const key = createHash('sha256')
    .update(JSON.stringify([file, st.size, st.mtimeMs]))
    .digest('hex')
    .slice(0, 24);
  const dir = join(cacheDir, 'keras-weights', key);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) convert(file, dir);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as H5Manifest;
  const out: Record<string, NamedTensors> = {};
  for (const [layer, weights] of Object.entries(manifest.layers)) {
    out[layer] = {
      tensors: weights.map((w) => ({ path: join(dir, w.file), dtype: 'float32', shape: w.shape })),
      names: weights.map((w) => w.name),
    };
  }
  return out;
}

/** Runs the h5py reader into a temporary folder, renamed into place when it is complete. */
function convert(file: string, dir: string): void {
  const python = findH5Python();
  if (!python) {
    throw new Error(
      `reading the Keras weights file ${file} needs Python 3 with h5py and numpy (pip install h5py numpy, or apt install python3-h5py); none of ${pythonCandidates().join(', ')} imports them (set MODELSPEC_PYTHON to choose one)`,
    );
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  makeDirs(tmp);
  const c = pythonModuleCommand(python, 'modelspec_torch.keras_h5', [file, tmp]);
  const r = spawnSync(c.command, c.args, { env: c.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const last = r.stdout?.trim().split('\n').pop() ?? '';
  let parsed: (H5Manifest & { error?: undefined }) | { error: string } | undefined;
  try {
    parsed = JSON.parse(last) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  if (r.status !== 0 || !parsed || 'error' in parsed) {
    rmSync(tmp, { recursive: true, force: true });
    const why =
      parsed && 'error' in parsed && parsed.error ? parsed.error : (r.stderr || r.error?.message || '').trim();
    throw new Error(why.includes(file) ? why : `${file}: ${why}`);
  }
  writeFileAtomic(join(tmp, 'manifest.json'), JSON.stringify(parsed));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/**
 * One layer's tensors from the file by its Keras name, checked against the model's count.
 * `owner` places the layer in messages (` of resnet50` for a node of a layer-graph application).
 */
function layerTensors(
  inFile: ReturnType<typeof readKerasWeightsFile>,
  file: string,
  layer: { name: string; owner: string; className: string },
  application: string,
  params: { trainable: number; nonTrainable: number },
): TensorFile[] {
  const { name, owner, className } = layer;
  const count = params.trainable + params.nonTrainable;
  const weights = inFile[name];
  if (!weights) {
    throw new Error(
      `${file} has no weights for layer '${name}'${owner} (${className}); is it the file of ${application}?`,
    );
  }
  const size = weights.tensors.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0);
  if (size !== count) {
    const shapes = weights.tensors.map((w, i) => `${weights.names[i]} [${w.shape.join(', ')}]`).join(', ');
    throw new Error(
      `${file}: layer '${name}'${owner} holds ${size.toLocaleString('en')} weights (${shapes}), the model's has ${count.toLocaleString('en')}; the file is for another configuration (include_top, classes, input channels)`,
    );
  }
  return weights.tensors;
}

/**
 * The RunSpec's layerWeights for the plan's applications with a weights file: each application's
 * layers that hold weights, in Keras's order, from the file by name. Errors name the file and the layer.
 */
export function applicationLayerWeights(plan: ModelPlan, cacheDir?: string): LayerWeights[] | undefined {
  if (!plan.applicationWeights?.length) return undefined;
  return plan.applicationWeights.map(({ index, layer, file }) => {
    const info = plan.model.layers[index];
    if (info && !info.spec.graph && info.expandedFrom && info.params) {
      // A layer VGG16/VGG19 expands to: its own weights, by its Keras name.
      const application = `${info.expandedFrom}${info.applicationArgs?.include_top === false ? ' without the top' : ''}`;
      const at = { name: layer, owner: '', className: info.spec.name };
      const tensors = layerTensors(readKerasWeightsFile(file, cacheDir), file, at, application, info.params);
      return { layer, tensors, source: file };
    }
    if (!info?.spec.graph || !info.input) throw new Error(`${layer}: not a layer-graph application with a known input`);
    const folded = info.spec.graph({ args: withDefaults(info.spec, info.args), input: info.input });
    const inFile = readKerasWeightsFile(file, cacheDir);
    const ordered = kerasLayerOrder(
      folded.nodes.map((f) => ({ name: f.node.name, inputs: f.node.inputs, f })),
      folded.graph.output,
    );
    const tensors: TensorFile[] = [];
    const application = `${info.spec.name}${info.args.include_top === false ? ' without the top' : ''}`;
    for (const { name, f } of ordered) {
      if (f.params.trainable + f.params.nonTrainable === 0) continue;
      tensors.push(
        ...layerTensors(inFile, file, { name, owner: ` of ${layer}`, className: f.node.layer }, application, f.params),
      );
    }
    return { layer, tensors, source: file };
  });
}
