// Pretrained(path=...) in the exported scripts: the saved layers are rebuilt as ordinary layers,
// then a small reader puts the saved weights (TF.js layers format: model.json + weight files)
// into them. Shared by both exporters: which layers came from the saved model, and the reader.

import type { LayerInfo, ModelAnalysis } from '../../language/analysis/model';
import type { ArgValue } from '../../language/catalog/types';
import { pythonLiteral } from './python-source';

export interface PretrainedPart {
  /** Absolute path of the saved model.json. */
  file: string;
  /** The saved layers, in order: the model's first layers. */
  layers: LayerInfo[];
}

export function pretrainedPart(model: ModelAnalysis): PretrainedPart | undefined {
  const layers = model.layers.filter((l) => l.expandedFrom === 'Pretrained');
  if (layers.length === 0) return undefined;
  if (model.inputSource?.kind !== 'pretrained') throw new Error('the saved model of Pretrained(...) was not read');
  // The analyzer puts them first; loading by position relies on it.
  if (layers.some((l, i) => model.layers[i] !== l))
    throw new Error('Pretrained(...) must be the first line of the model');
  return { file: model.inputSource.file, layers };
}

const NOT_PRINTED = new Set(['name', 'trainable', 'dtype', 'input_shape', 'input_dim', 'batch_size']);

/** A saved layer as a Keras call, `Dense(4, activation='relu')`: its arguments that differ from the defaults. */
export function savedLayerCall(layer: LayerInfo, prefix: string): string {
  const parts: string[] = [];
  let positional = true;
  for (const a of layer.spec.args) {
    const v = layer.args[a.name];
    if (v === undefined || NOT_PRINTED.has(a.name) || (!a.required && isDefault(v, a.default))) {
      positional = false;
      continue;
    }
    positional &&= a.required === true && !a.keywordOnly;
    parts.push(positional ? pythonLiteral(v) : `${a.name}=${pythonLiteral(v)}`);
  }
  return `${prefix}${layer.spec.name}(${parts.join(', ')})`;
}

function isDefault(v: ArgValue, d: ArgValue | undefined): boolean {
  if (JSON.stringify(v) === JSON.stringify(d ?? null)) return true;
  if (v === 'linear' && d === null) return true; // activation: None and 'linear' are the same
  return Array.isArray(v) && typeof d === 'number' && v.every((x) => x === d); // strides (1, 1) vs 1
}

/** Python: load_saved_weights(path) -> one dict per saved layer, weight name -> numpy array. */
export const SAVED_WEIGHTS_READER = `
def load_saved_weights(path):
    """The weights of a model saved in TF.js layers format (model.json and its weight files).

    Returns one dict per saved layer (InputLayer skipped), weight name -> numpy array, in Keras's
    get_weights() order. The manifest lists all trainable weights of the model first, then the
    non-trainable ones (BatchNormalization's moving statistics), so they are grouped by their
    names, '<layer name>/<weight name>'.
    """
    import json
    from pathlib import Path
    saved = json.loads(Path(path).read_text())
    groups = saved['weightsManifest']
    # The weight files hold the values back to back, float32 little-endian, in manifest order.
    data = b''.join((Path(path).parent / p).read_bytes() for g in groups for p in g['paths'])
    weights, offset = {}, 0
    for entry in (w for g in groups for w in g['weights']):
        if entry.get('dtype', 'float32') != 'float32' or 'quantization' in entry:
            raise ValueError(f"{entry['name']}: only float32 weights can be read here")
        count = int(np.prod(entry['shape']))
        weights[entry['name']] = np.frombuffer(data, '<f4', count, offset).reshape(entry['shape']).copy()
        offset += 4 * count
    topology = saved['modelTopology']
    topology = topology.get('model_config', topology)
    names = [l['config']['name'] for l in topology['config']['layers'] if l['class_name'] != 'InputLayer']
    layers = [{k[len(n) + 1:]: w for k, w in weights.items() if k.startswith(n + '/')} for n in names]
    if sum(map(len, layers)) != len(weights):
        raise ValueError(f'{path}: some weights are not named <layer name>/<weight name>')
    return layers
`;

/** Python converters from Keras's weight layout to PyTorch's, one branch per layer kind. */
const TORCH_CONVERTERS: { kinds: string[]; lines: string[] }[] = [
  {
    kinds: ['Dense'],
    lines: [
      "# Keras's kernel is (in, out); nn.Linear's weight is (out, in).",
      "put(module.weight, w['kernel'].T)",
      "if 'bias' in w:",
      "    put(module.bias, w['bias'])",
    ],
  },
  {
    kinds: ['Conv1D', 'Conv2D'],
    lines: [
      "# Keras's kernel is (*kernel_size, in, out); PyTorch's weight is (out, in, *kernel_size).",
      "k = w['kernel']",
      'put(module.weight, k.transpose(k.ndim - 1, k.ndim - 2, *range(k.ndim - 2)))',
      "if 'bias' in w:",
      "    put(module.bias, w['bias'])",
    ],
  },
  {
    kinds: ['BatchNormalization', 'LayerNormalization'],
    lines: [
      "for keras_name, torch_name in [('gamma', 'weight'), ('beta', 'bias'), ('moving_mean', 'running_mean'), ('moving_variance', 'running_var')]:",
      '    if keras_name in w:',
      '        put(getattr(module, torch_name), w[keras_name])',
    ],
  },
  {
    kinds: ['Embedding'],
    lines: ["put(module.weight, w['embeddings'])"],
  },
  {
    kinds: ['SimpleRNN', 'LSTM'],
    lines: [
      '# Same gate order (LSTM: input, forget, cell, output); kernels transposed; Keras has one bias, PyTorch two.',
      "put(module.weight_ih_l0, w['kernel'].T)",
      "put(module.weight_hh_l0, w['recurrent_kernel'].T)",
      "put(module.bias_ih_l0, w.get('bias', np.zeros(module.bias_ih_l0.shape, 'float32')))",
      'module.bias_hh_l0.data.zero_()',
    ],
  },
  {
    kinds: ['GRU'],
    lines: [
      "# Keras's gates are (update, reset, new), PyTorch's (reset, update, new).",
      "n = w['recurrent_kernel'].shape[0]",
      'gates = lambda a: np.concatenate([a[..., n:2 * n], a[..., :n], a[..., 2 * n:]], axis=-1)',
      "if w['bias'].ndim != 2:",
      "    raise NotImplementedError('GRU saved with reset_after=False has no PyTorch counterpart')",
      "put(module.weight_ih_l0, gates(w['kernel']).T)",
      "put(module.weight_hh_l0, gates(w['recurrent_kernel']).T)",
      "put(module.bias_ih_l0, gates(w['bias'][0]))",
      "put(module.bias_hh_l0, gates(w['bias'][1]))",
    ],
  },
];

/** Kinds whose saved weights the PyTorch script can load. */
export const TORCH_LOADABLE = new Set(TORCH_CONVERTERS.flatMap((c) => c.kinds));

/** Python: copy_keras_weights(module, kind, w), with a branch for each kind in `kinds` only. */
export function torchWeightConverter(kinds: ReadonlySet<string>): string {
  const out = [
    '',
    'def copy_keras_weights(module, kind, w):',
    '    """Puts one saved Keras layer\'s weights into its PyTorch module, in PyTorch\'s layout."""',
    '    def put(tensor, value):',
    '        if tuple(tensor.shape) != value.shape:',
    "            raise ValueError(f'{kind}: a saved weight of shape {value.shape} does not fit {tuple(tensor.shape)}')",
    '        tensor.data.copy_(torch.from_numpy(np.ascontiguousarray(value)))',
  ];
  let first = true;
  for (const c of TORCH_CONVERTERS) {
    const used = c.kinds.filter((k) => kinds.has(k));
    if (used.length === 0) continue;
    const test =
      used.length === 1
        ? `kind == ${pythonLiteral(used[0])}`
        : `kind in (${used.map((k) => pythonLiteral(k)).join(', ')})`;
    out.push(`    ${first ? 'if' : 'elif'} ${test}:`, ...c.lines.map((l) => `        ${l}`));
    first = false;
  }
  if (first) return '';
  out.push('    else:', "        raise NotImplementedError(f'loading saved {kind} weights into PyTorch')");
  return out.join('\n') + '\n';
}
