// Keras weights files (HDF5) written by h5py for the tests of `weights='x.h5'`: the Keras 2
// layout of the official application files (attribute layer_names; a group per layer with the
// attribute weight_names, datasets `conv1_conv/kernel:0`) or Keras 3's `.weights.h5`
// (`layers/<layer>/vars/<i>`). Values are seeded random numbers (moving variances positive).
import { writeFileSync } from 'node:fs';
import { findH5Python } from '../../training/keras-weights-file';
import { pythonWorker } from './python-worker';

export interface H5Layer {
  name: string;
  weights: { name: string; shape: number[] }[];
}

const WRITER = `
import json, sys
import h5py, numpy as np
spec = json.load(open(sys.argv[1]))
rng = np.random.default_rng(spec['seed'])
def value(name, shape):
    if 'moving_variance' in name:
        return rng.uniform(0.5, 1.5, shape).astype('float32')
    return (rng.standard_normal(shape) * spec['scale']).astype('float32')
with h5py.File(sys.argv[2], 'w') as f:
    if spec['layout'] == 'keras2':
        f.attrs['layer_names'] = [l['name'].encode() for l in spec['layers']]
        f.attrs['backend'] = b'tensorflow'
        f.attrs['keras_version'] = b'2.15.0'
        for l in spec['layers']:
            g = f.create_group(l['name'])
            names = [(l['name'] + '/' + w['name'] + ':0') for w in l['weights']]
            g.attrs['weight_names'] = [n.encode() for n in names]
            for n, w in zip(names, l['weights']):
                g.create_dataset(n, data=value(w['name'], w['shape']))
    else:
        layers = f.create_group('layers')
        for l in spec['layers']:
            v = layers.create_group(l['name']).create_group('vars')
            for i, w in enumerate(l['weights']):
                v.create_dataset(str(i), data=value(w['name'], w['shape']))
`;

/**
 * Writes `layers` to `path` in Keras's layout; rejects when no Python with h5py is found. The
 * writer runs in the test process's warm Python (test/helpers/python-worker.ts: h5py and numpy
 * imported once for all the files it writes).
 */
export async function writeKerasH5(
  path: string,
  layers: H5Layer[],
  options: { layout?: 'keras2' | 'keras3'; seed?: number; scale?: number } = {},
): Promise<void> {
  const python = findH5Python();
  if (!python) throw new Error('no Python with h5py and numpy');
  const specPath = `${path}.json`;
  writeFileSync(
    specPath,
    JSON.stringify({
      layers,
      layout: options.layout ?? 'keras2',
      seed: options.seed ?? 0,
      scale: options.scale ?? 0.05,
    }),
  );
  const worker = pythonWorker({ python, preload: ['h5py', 'numpy'] });
  const r = await worker.run(WRITER, { args: [specPath, path], timeoutMs: 300_000 });
  if (r.status !== 0) throw new Error(`writing ${path} failed: ${r.stderr}`);
}

/** `conv1_conv/kernel` names and shapes (TF.js's kerasOrderedWeights) grouped into layers. */
export function layersOfWeights(weights: { name: string; shape: number[] }[]): H5Layer[] {
  const layers: H5Layer[] = [];
  for (const w of weights) {
    const [layer, name] = [w.name.slice(0, w.name.lastIndexOf('/')), w.name.slice(w.name.lastIndexOf('/') + 1)];
    let last = layers[layers.length - 1];
    if (last?.name !== layer) layers.push((last = { name: layer, weights: [] }));
    last.weights.push({ name, shape: w.shape });
  }
  return layers;
}

export const H5_SKIP: string | false = findH5Python() ? false : 'no Python with h5py and numpy found';
