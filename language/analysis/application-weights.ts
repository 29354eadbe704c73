// `weights=` of a layer-graph application (ResNet50(weights=...)): None trains from scratch; a
// path names a Keras weights file (.h5) that the run loads by layer name; 'imagenet' is Keras's
// file, which this offline tool finds where keras.utils.get_file caches it (`$KERAS_HOME/models`,
// else `~/.keras/models`) or asks for. The checker reports each problem here, and the plan takes
// the resolved file from here, so the two never disagree.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { getLayer, withDefaults } from '../catalog';
import type { LayerSpec } from '../catalog/types';
import { readHead } from '../data/read-file';
import { argumentNode } from './bind';
import { diagnostic, type Diagnostic, type FixData } from './diagnostics';
import type { LayerInfo, ModelAnalysis } from './model';

/** The 8 bytes every HDF5 file Keras writes starts with (the superblock at offset 0). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface WeightsPlaceEnv {
  env: NodeJS.ProcessEnv;
  home: string;
}

const defaultEnv = (): WeightsPlaceEnv => ({ env: process.env, home: homedir() });

/** Keras's `keras_home()/models`, where keras.utils.get_file(cache_subdir='models') keeps weights. */
export function kerasModelsDir(pe: WeightsPlaceEnv = defaultEnv()): string {
  const home = pe.env.KERAS_HOME || join(pe.home, '.keras');
  return join(home.startsWith('~') ? pe.home + home.slice(1) : home, 'models');
}

/**
 * Where Keras downloads an application's file from (each application module's
 * BASE_WEIGHTS_PATH): EfficientNet B0–B7 from the keras-applications bucket, the rest from
 * tensorflow/keras-applications/<family>/. NASNet's cached name differs from its URL's.
 */
export function kerasWeightsUrl(file: string): string {
  if (/^efficientnetb\d/.test(file)) return `https://storage.googleapis.com/keras-applications/${file}`;
  const nasnet = /^nasnet_(mobile|large)(_no_top)?\.h5$/.exec(file);
  if (nasnet) {
    const size = nasnet[1] === 'mobile' ? 'mobile' : 'large';
    return `https://storage.googleapis.com/tensorflow/keras-applications/nasnet/NASNet-${size}${nasnet[2] ? '-no-top' : ''}.h5`;
  }
  const families: [RegExp, string][] = [
    [/^resnet/, 'resnet'],
    [/^mobilenet_v2/, 'mobilenet_v2'],
    [/^weights_mobilenet_v3/, 'mobilenet_v3'],
    [/^mobilenet_/, 'mobilenet'],
    [/^densenet/, 'densenet'],
    [/^inception_resnet_v2/, 'inception_resnet_v2'],
    [/^inception_v3/, 'inception_v3'],
    [/^xception/, 'xception'],
    [/^convnext/, 'convnext'],
    [/^efficientnetv2/, 'efficientnet_v2'],
    [/^vgg16/, 'vgg16'],
    [/^vgg19/, 'vgg19'],
  ];
  const family = families.find(([re]) => re.test(file))?.[1] ?? '';
  return `https://storage.googleapis.com/tensorflow/keras-applications/${family ? `${family}/` : ''}${file}`;
}

export type WeightsResolution =
  | { kind: 'none' }
  | { kind: 'file'; file: string }
  | { kind: 'problem'; message: string; fixNone: boolean };

/** What an application's `weights=` asks for: nothing, a file that exists and is HDF5, or the problem. */
export function resolveApplicationWeights(
  spec: LayerSpec,
  args: Record<string, unknown>,
  baseDir: string | undefined,
  pe: WeightsPlaceEnv = defaultEnv(),
): WeightsResolution {
  const bound = withDefaults(spec, args as never);
  const weights = bound.weights;
  if (weights === null || weights === undefined) return { kind: 'none' };
  if (typeof weights !== 'string') return { kind: 'none' }; // the argument's type check reports it
  if (weights === 'imagenet') {
    if (bound.include_top !== false && bound.classes !== 1000) {
      // Keras's own message (keras/src/applications/*.py).
      return {
        kind: 'problem',
        message: `If using \`weights="imagenet"\` with \`include_top=True\`, \`classes\` should be 1000. Received classes=${bound.classes}`,
        fixNone: false,
      };
    }
    const files = spec.weightsFiles;
    if (!files)
      return {
        kind: 'problem',
        message: `${spec.name} has no ImageNet weights file ModelSpec knows; give the path of a Keras weights file, or weights=None`,
        fixNone: true,
      };
    const name = bound.include_top !== false ? files.top : files.notop;
    const dir = kerasModelsDir(pe);
    const file = join(dir, name);
    if (!existsSync(file)) {
      return {
        kind: 'problem',
        message: `Put Keras's ${name} in ${dir} (download it once from ${kerasWeightsUrl(name)}), or train from scratch with weights=None: ModelSpec does not download weights`,
        fixNone: true,
      };
    }
    return checkedFile(file, weights);
  }
  const file = isAbsolute(weights) ? weights : resolve(baseDir ?? '.', weights);
  if (!existsSync(file))
    return {
      kind: 'problem',
      message: `The weights file ${file} does not exist; check the path (relative paths start at the .model file's folder), or use weights=None`,
      fixNone: true,
    };
  return checkedFile(file, weights);
}

function checkedFile(file: string, written: string): WeightsResolution {
  let head: Uint8Array;
  try {
    head = readHead(file, HDF5_SIGNATURE.length, written);
  } catch (e) {
    return { kind: 'problem', message: `Cannot read the weights file: ${(e as Error).message}`, fixNone: true };
  }
  if (head.length < HDF5_SIGNATURE.length || HDF5_SIGNATURE.some((b, i) => head[i] !== b)) {
    return {
      kind: 'problem',
      message: `${file} is not an HDF5 file; weights= takes a Keras weights file (.h5, as model.save_weights or Keras's applications write it)`,
      fixNone: true,
    };
  }
  return { kind: 'file', file };
}

/** The layer-graph applications of a model (the layers whose spec folds a graph). */
export function graphApplications(model: ModelAnalysis): { layer: LayerInfo; index: number }[] {
  return model.layers.flatMap((layer, index) => (layer.spec.graph ? [{ layer, index }] : []));
}

/**
 * Every application call that may name a weights file, with the model's layers that hold its
 * weights: a layer-graph application is one layer (its weights are inside it); VGG16/VGG19 expand
 * to their layers, which keep Keras's names (block1_conv1 … predictions), so the file's layers
 * load into them one by one.
 */
export function weightedApplications(model: ModelAnalysis): {
  call: LayerInfo['call'];
  spec: LayerSpec;
  args: Record<string, unknown>;
  layers: { layer: LayerInfo; index: number }[];
}[] {
  const out: ReturnType<typeof weightedApplications> = [];
  model.layers.forEach((layer, index) => {
    if (layer.spec.graph) {
      out.push({ call: layer.call, spec: layer.spec, args: layer.args, layers: [{ layer, index }] });
      return;
    }
    const spec = layer.expandedFrom && layer.applicationArgs ? getLayer(layer.expandedFrom) : undefined;
    if (!spec || !layer.applicationArgs) return;
    const last = out[out.length - 1];
    if (last?.call === layer.call) last.layers.push({ layer, index });
    else out.push({ call: layer.call, spec, args: layer.applicationArgs, layers: [{ layer, index }] });
  });
  return out;
}

/** Reports each application's `weights=` problem on the argument, with a fix to weights=None where that helps. */
export function checkApplicationWeights(model: ModelAnalysis, baseDir: string | undefined, out: Diagnostic[]): void {
  for (const app of weightedApplications(model)) {
    const r = resolveApplicationWeights(app.spec, app.args, baseDir);
    if (r.kind !== 'problem') continue;
    const node = argumentNode(app.call, app.spec.args, 'weights');
    const range = node ? node.value.range : app.call.range;
    const fixes: FixData[] =
      r.fixNone && node ? [{ kind: 'replace', range: node.value.range, text: 'None', title: 'Use weights=None' }] : [];
    out.push(diagnostic('application-weights', range, r.message, { fixes }));
  }
}
