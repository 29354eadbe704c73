// `modelspec export --to pytorch`: a runnable, readable PyTorch script that builds the same
// model (same layers, shapes and parameter counts) and trains it the way Keras would. Tensors
// stay channels-last between layers, as in Keras; spatial layers switch to PyTorch's
// channels-first layout inside a small wrapper. Layers without a plain PyTorch counterpart are
// refused with a message, rather than exported wrongly.

import { basename } from 'node:path';
import type { LayerInfo } from '../../language/analysis/model';
import type { CallPlan, ModelPlan } from '../../language/analysis/plan';
import { unsupportedMessage } from '../../language/catalog';
import type { ArgValue } from '../../language/catalog/types';
import { pretrainedPart, SAVED_WEIGHTS_READER, TORCH_LOADABLE, torchWeightConverter } from './pretrained';
import { helpersFor } from './pytorch-helpers';
import { digitsFileName, pythonDataLoader } from './python-data';
import { pythonComment, pythonDocstring, pythonLiteral, pythonNumber } from './python-source';

const ACTIVATIONS: Record<string, string | null> = {
  linear: null,
  relu: 'nn.ReLU()',
  relu6: 'nn.ReLU6()',
  sigmoid: 'nn.Sigmoid()',
  hard_sigmoid: 'nn.Hardsigmoid()', // Keras 3: relu6(x + 3) / 6, as PyTorch's
  softmax: 'nn.Softmax(dim=-1)',
  softplus: 'nn.Softplus()',
  softsign: 'nn.Softsign()',
  tanh: 'nn.Tanh()',
  elu: 'nn.ELU()',
  selu: 'nn.SELU()',
  swish: 'nn.SiLU()',
  silu: 'nn.SiLU()',
  gelu: 'nn.GELU()',
  mish: 'nn.Mish()',
  exponential: 'Exp()',
  leaky_relu: 'nn.LeakyReLU(0.2)', // keras.activations.leaky_relu's negative_slope
  log_softmax: 'nn.LogSoftmax(dim=-1)',
};

const LOSSES: Record<string, string> = {
  categorical_crossentropy: '-(y * torch.log(p.clamp(1e-7, 1.0))).sum(dim=-1).mean()',
  sparse_categorical_crossentropy: 'nn.functional.nll_loss(torch.log(p.clamp(1e-7, 1.0)), y.long())',
  binary_crossentropy: 'nn.functional.binary_cross_entropy(p.clamp(1e-7, 1 - 1e-7), y.float().view_as(p))',
  mean_squared_error: 'nn.functional.mse_loss(p, y.float().view_as(p))',
  mean_absolute_error: 'nn.functional.l1_loss(p, y.float().view_as(p))',
  huber: 'nn.functional.huber_loss(p, y.float().view_as(p), delta=1.0)',
};

/**
 * A catalog argument as a Python number. The analysis and `optimizerArgs` fill every argument
 * with its Keras default, so a missing one is a bug upstream: named, never guessed here.
 */
function arg(owner: string, args: Readonly<Record<string, ArgValue>>, key: string): string {
  const v = args[key];
  if (typeof v !== 'number')
    throw new Error(`internal error: ${owner} reached the PyTorch export without a numeric '${key}'`);
  return pythonNumber(v);
}

const OPTIMIZERS: Record<string, (a: Record<string, ArgValue>, o: string) => string> = {
  SGD: (a, o) =>
    `torch.optim.SGD(model.parameters(), lr=${arg(o, a, 'learning_rate')}, momentum=${arg(o, a, 'momentum')}, nesterov=${a.nesterov ? 'True' : 'False'})`,
  Adam: (a, o) =>
    `torch.optim.Adam(model.parameters(), lr=${arg(o, a, 'learning_rate')}, betas=(${arg(o, a, 'beta_1')}, ${arg(o, a, 'beta_2')}), eps=${arg(o, a, 'epsilon')})`,
  RMSprop: (a, o) =>
    `torch.optim.RMSprop(model.parameters(), lr=${arg(o, a, 'learning_rate')}, alpha=${arg(o, a, 'rho')}, eps=${arg(o, a, 'epsilon')})`,
  Adagrad: (a, o) =>
    `torch.optim.Adagrad(model.parameters(), lr=${arg(o, a, 'learning_rate')}, initial_accumulator_value=${arg(o, a, 'initial_accumulator_value')}, eps=${arg(o, a, 'epsilon')})`,
  Adadelta: (a, o) =>
    `torch.optim.Adadelta(model.parameters(), lr=${arg(o, a, 'learning_rate')}, rho=${arg(o, a, 'rho')}, eps=${arg(o, a, 'epsilon')})`,
  Adamax: (a, o) =>
    `torch.optim.Adamax(model.parameters(), lr=${arg(o, a, 'learning_rate')}, betas=(${arg(o, a, 'beta_1')}, ${arg(o, a, 'beta_2')}), eps=${arg(o, a, 'epsilon')})`,
  Nadam: (a, o) =>
    `torch.optim.NAdam(model.parameters(), lr=${arg(o, a, 'learning_rate')}, betas=(${arg(o, a, 'beta_1')}, ${arg(o, a, 'beta_2')}), eps=${arg(o, a, 'epsilon')})`,
};

/** An int-or-tuple catalog argument as `n` ints; the analysis filled it in, so a missing one is a bug upstream. */
function tuple(v: ArgValue | undefined, n: number, layer = '', key = ''): number[] {
  if (Array.isArray(v)) return v as number[];
  if (typeof v !== 'number') throw new Error(`internal error: ${layer} reached the PyTorch export without '${key}'`);
  return new Array<number>(n).fill(v);
}

/** PyTorch modules for one Keras layer (channels-last in and out). */
function layerModules(layer: LayerInfo): string[] {
  const { spec, args, input, output } = layer;
  if (!input || !output) throw new Error(`${layer.name} has no known shape`);
  const last = (s: (number | null)[]) => pythonNumber(s[s.length - 1] ?? 0);
  const act = (): string[] => {
    const a = typeof args.activation === 'string' ? args.activation : 'linear';
    // Own keys only: a saved model.json's activation could be 'constructor'.
    if (!Object.hasOwn(ACTIVATIONS, a)) throw new Error(`activation '${a}' has no PyTorch export yet`);
    return ACTIVATIONS[a] ? [ACTIVATIONS[a]!] : [];
  };
  if (!spec.support.pytorch) throw new Error(unsupportedMessage(spec.name, 'pytorch'));
  const bias = args.use_bias === false ? 'False' : 'True';
  switch (spec.name) {
    case 'Dense':
      return [`nn.Linear(${last(input)}, ${pythonNumber(args.units)}, bias=${bias})`, ...act()];
    case 'Conv1D':
    case 'Conv2D': {
      const dims = spec.name === 'Conv1D' ? 1 : 2;
      const k = tuple(args.kernel_size, dims);
      const s = tuple(args.strides, dims);
      const d = tuple(args.dilation_rate, dims);
      const same = args.padding === 'same';
      const conv = `nn.Conv${dims}d(${last(input)}, ${pythonNumber(args.filters)}, ${pyTuple(k)}, stride=${pyTuple(s)}, dilation=${pyTuple(d)}, groups=${arg(layer.name, args, 'groups')}, bias=${bias})`;
      const body = same ? `nn.Sequential(SamePad(${pyTuple(k)}, ${pyTuple(s)}, ${pyTuple(d)}), ${conv})` : conv;
      return [`ChannelsFirst(${body})`, ...act()];
    }
    case 'MaxPooling1D':
    case 'MaxPooling2D':
    case 'AveragePooling1D':
    case 'AveragePooling2D': {
      const dims = spec.name.endsWith('1D') ? 1 : 2;
      const p = tuple(args.pool_size, dims);
      const s = args.strides === null || args.strides === undefined ? p : tuple(args.strides, dims);
      const kind = spec.name.startsWith('Max') ? 'Max' : 'Avg';
      const pool = `nn.${kind}Pool${dims}d(${pyTuple(p)}, stride=${pyTuple(s)}${kind === 'Avg' ? ', count_include_pad=False' : ''})`;
      const body =
        args.padding === 'same'
          ? `nn.Sequential(SamePad(${pyTuple(p)}, ${pyTuple(s)}, ${pyTuple(p.map(() => 1))}, value=${kind === 'Max' ? "float('-inf')" : '0.0'}), ${pool})`
          : pool;
      return [`ChannelsFirst(${body})`];
    }
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPooling2D':
      return [`GlobalPool('max', dims=${input.length - 1})`];
    case 'GlobalAveragePooling1D':
    case 'GlobalAveragePooling2D':
      return [`GlobalPool('mean', dims=${input.length - 1})`];
    case 'Flatten':
      return ['nn.Flatten()'];
    case 'Reshape':
      return [`Reshape(${pyTuple(output as number[])})`];
    case 'Permute':
      return [`Permute(${pyTuple(tuple(args.dims, input.length))})`];
    case 'RepeatVector':
      return [`RepeatVector(${pythonNumber(args.n)})`];
    case 'Dropout':
      return [`nn.Dropout(${arg(layer.name, args, 'rate')})`];
    case 'SpatialDropout1D':
    case 'SpatialDropout2D':
      return [`ChannelsFirst(nn.Dropout${spec.name.endsWith('1D') ? '1d' : '2d'}(${arg(layer.name, args, 'rate')}))`];
    case 'Activation':
      return act();
    case 'ReLU':
      return ['nn.ReLU()'];
    case 'LeakyReLU':
      return [`nn.LeakyReLU(${arg(layer.name, args, 'negative_slope')})`];
    case 'ELU':
      return [`nn.ELU(${arg(layer.name, args, 'alpha')})`];
    case 'Softmax':
      return ['nn.Softmax(dim=-1)'];
    case 'BatchNormalization':
      // Keras momentum m means running = m·running + (1 − m)·batch; PyTorch's is the complement.
      return [
        `ChannelsFirst(nn.BatchNorm${Math.min(Math.max(input.length - 1, 1), 3)}d(${last(input)}, eps=${arg(layer.name, args, 'epsilon')}, momentum=${pythonNumber(+(1 - Number(arg(layer.name, args, 'momentum'))).toFixed(6))}))`,
      ];
    case 'LayerNormalization':
      return [`nn.LayerNorm(${last(input)}, eps=${arg(layer.name, args, 'epsilon')})`];
    case 'Embedding':
      return [`Embedding(${pythonNumber(args.input_dim)}, ${pythonNumber(args.output_dim)})`];
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU': {
      const cls = spec.name === 'SimpleRNN' ? 'RNN' : spec.name;
      return [
        `Recurrent(nn.${cls}(${last(input)}, ${pythonNumber(args.units)}, batch_first=True), return_sequences=${args.return_sequences ? 'True' : 'False'})`,
      ];
    }
    case 'UpSampling2D':
      return [
        `ChannelsFirst(nn.Upsample(scale_factor=${pyTuple(tuple(args.size, 2, layer.name, 'size'))}, mode=${pythonLiteral(args.interpolation)}))`,
      ];
    case 'UpSampling1D':
      return [`ChannelsFirst(nn.Upsample(scale_factor=${arg(layer.name, args, 'size')}, mode='nearest'))`];
    case 'ZeroPadding2D':
      return [`ZeroPad2d(${pythonLiteral(args.padding)})`];
    case 'GaussianNoise':
      return [`GaussianNoise(${arg(layer.name, args, 'stddev')})`];
    default:
      // The catalog says this export supports the layer: its record and this switch disagree.
      throw new Error(
        `internal error: the catalog lists ${spec.name} as exportable to PyTorch, but the export has no code for it`,
      );
  }
}

/** Where a layer's weights live inside its first module, e.g. `.inner` for ChannelsFirst(BatchNorm). */
function weightPath(layer: LayerInfo): string {
  switch (layer.spec.name) {
    case 'Conv1D':
    case 'Conv2D':
      return layer.args.padding === 'same' ? '.inner[1]' : '.inner';
    case 'BatchNormalization':
      return '.inner';
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return '.rnn';
    default:
      return '';
  }
}

function pyTuple(v: number[]): string {
  return v.length === 1 ? `(${pythonNumber(v[0])},)` : `(${v.map(pythonNumber).join(', ')})`;
}

/** The script for a checked model's plan (language/analysis/plan.ts `planModel`). */
export function exportPytorch(plan: ModelPlan): string {
  const { model, file } = plan;
  if (!model.totals) throw new Error(`${file} has errors; fix them before exporting`);
  const pretrained = pretrainedPart(model);
  const header: string[] = [];
  const modules: string[] = [];
  const firstModule: number[] = []; // each layer's first module, its index in nn.Sequential
  for (const l of model.layers) {
    firstModule.push(modules.length);
    modules.push(
      ...layerModules(l).map((m, i) => (i === 0 ? `${m},  # ${pythonComment(`${l.name} (${l.spec.name})`)}` : `${m},`)),
    );
  }
  const out: string[] = [
    ...pythonDocstring([
      `${model.name}: generated by ModelSpec from ${basename(file)}.`,
      '',
      `The same layers as the Keras model (${model.totals.total.toLocaleString('en-US')} parameters), in PyTorch.`,
      'Tensors are channels-last between layers, as in Keras. Runs with PyTorch and numpy.',
    ]),
  ];
  const imports = new Set<string>(); // the standard library's; numpy and torch follow
  const loading: string[] = [];
  if (pretrained) {
    const n = pretrained.layers.length;
    const loads = pretrained.layers.flatMap((l, i) => {
      if (!l.params || l.params.trainable + l.params.nonTrainable === 0) return [];
      if (!TORCH_LOADABLE.has(l.spec.name))
        throw new Error(
          `the saved weights of ${l.spec.name} cannot be loaded into PyTorch yet; export --to keras instead`,
        );
      return [
        `copy_keras_weights(model[${firstModule[i]}]${weightPath(l)}, ${pythonLiteral(l.spec.name)}, saved[${i}])  # ${pythonComment(l.name)}`,
      ];
    });
    out.push(SAVED_WEIGHTS_READER, torchWeightConverter(new Set(pretrained.layers.map((l) => l.spec.name))));
    loading.push(
      '',
      `# The first ${n} layers are the saved ones (Pretrained): their weights, in PyTorch's layout.`,
      `saved = load_saved_weights(${pythonLiteral(pretrained.file)})  # change the path if you move the model`,
      ...loads,
    );
  }
  // Frozen layers (trainable=False), as runs of modules: model[a:b].requires_grad_(False).
  const runs: [number, number][] = [];
  const frozenBatchNorm: string[] = [];
  model.layers.forEach((l, i) => {
    if (l.args.trainable !== false) return;
    const end = i + 1 < firstModule.length ? firstModule[i + 1] : modules.length;
    const last = runs[runs.length - 1];
    if (last && last[1] === firstModule[i]) last[1] = end;
    else runs.push([firstModule[i], end]);
    if (l.spec.name === 'BatchNormalization') frozenBatchNorm.push(`model[${firstModule[i]}]${weightPath(l)}`);
  });
  if (runs.length > 0) {
    if (loading.length === 0) loading.push('');
    loading.push(
      '# trainable=False: these layers keep their weights.',
      ...runs.map(([a, b]) => `model[${a || ''}:${b}].requires_grad_(False)`),
    );
  }
  if (frozenBatchNorm.length > 0) {
    loading.push(
      '# Keras runs a frozen BatchNormalization in inference mode (its moving statistics, never updated); so does this script.',
      `frozen_batchnorm = [${frozenBatchNorm.join(', ')}]`,
    );
  }
  const trainable = model.totals.trainable.toLocaleString('en-US');
  // seed: None is a new seed per run in Keras; the script fixes 0 so that it reproduces itself.
  const seed = pythonNumber(plan.fit.seed ?? 0);
  const anyFrozen = runs.length > 0;
  out.push(
    '',
    `torch.manual_seed(${seed})  # the initial weights and dropout`,
    `np.random.seed(${seed})  # the order of the batches`,
    '',
    `model = nn.Sequential(`,
    ...modules.map((m) => `    ${m}`),
    ')',
    "keras_init(model)  # Keras's defaults: glorot_uniform kernels, zero biases",
    ...loading,
    `print(model)`,
    anyFrozen
      ? "print('parameters:', sum(p.numel() for p in model.parameters()))  # frozen ones included"
      : `print('parameters:', sum(p.numel() for p in model.parameters()))  # Keras: ${trainable} trainable`,
  );
  if (anyFrozen)
    out.push(
      `print('trainable parameters:', sum(p.numel() for p in model.parameters() if p.requires_grad))  # Keras: ${trainable}`,
    );
  const compile = plan.compile;
  const data = plan.data;
  if (!compile || !data) {
    out.push('', '# Add a compile block and a data block with a training source to train this model.');
    return assemble(out, imports, []);
  }
  const lossExpr = Object.hasOwn(LOSSES, compile.loss) ? LOSSES[compile.loss] : undefined;
  if (!lossExpr) throw new Error(`the loss '${compile.loss}' has no PyTorch export yet; export --to keras instead`);
  const optimizer = compile.optimizer;
  const optName = Object.keys(OPTIMIZERS).find((k) => k.toLowerCase() === optimizer.className.toLowerCase());
  if (!optName) throw new Error(`the optimizer '${optimizer.name}' has no PyTorch export yet`);
  const { train, test, rescale } = data;
  const fit = plan.fit;
  for (const ref of [train, test]) {
    if (ref?.name === 'images')
      throw new Error(
        'export --to pytorch does not read images(...) folders yet (the Keras export does); use --to keras',
      );
  }
  const oneHot = compile.labelEncoding === 'onehot';
  const digits = digitsFileName(file);
  const loaders = pythonDataLoader(train, 'train', model.inputShape ?? [], false, rescale, 'load_mnist', digits);
  if (test)
    loaders.push(...pythonDataLoader(test, 'test', model.inputShape ?? [], false, rescale, 'load_mnist', digits));
  if (loaders.some((l) => l.includes('Path(__file__)'))) imports.add('from pathlib import Path');
  // cifar10, imdb, … load through keras.datasets, as the .model file's source does: the same arrays.
  if (loaders.some((l) => /\bkeras\./.test(l)))
    loaders.unshift('', "import keras  # only keras.datasets' load_data(): the arrays ModelSpec trains on");
  const classify = compile.labelEncoding === 'onehot' || compile.labelEncoding === 'index';
  const callbacks = torchCallbacks(fit.callbacks);
  if (callbacks.skipped.length > 0) {
    header.push(
      '# Not carried over from the fit block (no PyTorch counterpart here yet):',
      ...callbacks.skipped.map((c) => `#   ${pythonComment(c)}`),
      '',
    );
  }
  out.push(
    ...(loaders.some((l) => l.includes('load_mnist(')) ? MNIST_LOADER : []),
    ...loaders,
    '',
    `def loss_fn(p, y):`,
    `    ${oneHot ? `y = nn.functional.one_hot(y.long(), p.shape[-1]).float()\n    ` : ''}return ${lossExpr}`,
    '',
    `device = 'cuda' if torch.cuda.is_available() else 'mps' if torch.backends.mps.is_available() else 'cpu'`,
    'model.to(device)',
    `optimizer = ${OPTIMIZERS[optName](optimizer.args, optName)}`,
    `split = int(len(x_train) * (1 - ${pythonLiteral(data.validationSplitSetting)}))  # Keras holds out the last part`,
    'x_fit, y_fit, x_val, y_val = x_train[:split], y_train[:split], x_train[split:], y_train[split:]',
    `batch_size, epochs = ${pythonNumber(fit.batchSize)}, ${pythonNumber(fit.epochs)}`,
    '',
    'def evaluate(x, y):',
    '    model.eval()',
    '    with torch.no_grad():',
    '        p = torch.cat([model(torch.as_tensor(x[i:i + 1024], device=device)) for i in range(0, len(x), 1024)])',
    '        t = torch.as_tensor(y, device=device)',
    `        return loss_fn(p, t).item(), ${classify ? '(p.argmax(-1) == t.long()).float().mean().item()' : 'None'}`,
    '',
    ...(callbacks.created.length > 0 ? ['', 'callbacks = [', ...callbacks.created.map((c) => `    ${c},`), ']'] : []),
    '',
    'for epoch in range(epochs):',
    '    model.train()',
    '    losses = []',
    ...(frozenBatchNorm.length > 0 ? ['    for bn in frozen_batchnorm:', '        bn.eval()'] : []),
    !data.shuffle
      ? '    order = np.arange(len(x_fit))  # shuffle: false'
      : '    order = np.random.permutation(len(x_fit))',
    '    for i in range(0, len(order), batch_size):',
    '        idx = order[i:i + batch_size]',
    '        xb = torch.as_tensor(x_fit[idx], device=device)',
    '        yb = torch.as_tensor(y_fit[idx], device=device)',
    '        optimizer.zero_grad()',
    '        loss = loss_fn(model(xb), yb)',
    '        loss.backward()',
    '        optimizer.step()',
    '        losses.append(loss.item())',
    "    logs = {'loss': float(np.mean(losses))}",
    '    if len(x_val):',
    "        logs['val_loss'], val_accuracy = evaluate(x_val, y_val)",
    ...(classify ? ["        logs['val_accuracy'] = val_accuracy"] : []),
    "    print(f'epoch {epoch + 1}/{epochs}: ' + ', '.join(f'{k} {v:.4f}' for k, v in logs.items()))",
    ...(callbacks.created.length > 0
      ? [
          '    # Every callback sees the epoch (as in Keras), then training stops if one asks.',
          '    stops = [callback.on_epoch_end(epoch, logs) for callback in callbacks]',
          '    if any(stops):',
          '        break',
        ]
      : []),
  );
  if (test) out.push('', "print('test loss, accuracy:', evaluate(x_test, y_test))");
  out.push(`torch.save(model.state_dict(), ${pythonLiteral(`${model.name}.pt`)})`);
  return assemble(out, imports, header);
}

/** Docstring, the not-carried-over comment, imports, the helpers the code uses, then the code. */
function assemble(out: string[], imports: Set<string>, header: string[]): string {
  const [docEnd] = [out.findIndex((l, i) => i > 0 && l.endsWith('"""')) + 1];
  const doc = out.slice(0, docEnd);
  const code = out.slice(docEnd);
  const helpers = helpersFor(code.join('\n'));
  if (helpers.some((h) => /\bos\./.test(h))) imports.add('import os');
  if (helpers.some((h) => /\bcsv\./.test(h))) imports.add('import csv');
  const standard = [...imports].sort((a, b) => a.split(' ')[1].localeCompare(b.split(' ')[1]));
  const lines = [
    ...doc,
    ...header,
    ...standard,
    ...(standard.length > 0 ? [''] : []),
    'import numpy as np',
    'import torch',
    'from torch import nn',
    ...helpers.flatMap((h) => ['', '', h]),
    '',
    ...code,
  ];
  return lines.join('\n').replace(/\n{4,}/g, '\n\n\n') + '\n';
}

// keras.callbacks arguments the script's callback classes take (pytorch_helpers.py).
const CALLBACK_ARGS: Record<string, { owner: string; args: string[] }> = {
  EarlyStopping: {
    owner: 'model',
    args: ['monitor', 'min_delta', 'patience', 'mode', 'restore_best_weights', 'start_from_epoch'],
  },
  ReduceLROnPlateau: {
    owner: 'optimizer',
    args: ['monitor', 'factor', 'patience', 'mode', 'min_delta', 'cooldown', 'min_lr'],
  },
  ModelCheckpoint: { owner: 'model', args: ['filepath', 'monitor', 'save_best_only', 'mode'] },
  CSVLogger: { owner: '', args: ['filename', 'separator', 'append'] },
};

/** The fit block's callbacks as the script's objects, and what could not be carried over. */
function torchCallbacks(calls: CallPlan[]): { created: string[]; skipped: string[] } {
  const created: string[] = [];
  const skipped: string[] = [];
  for (const call of calls) {
    const known = Object.hasOwn(CALLBACK_ARGS, call.name) ? CALLBACK_ARGS[call.name] : undefined;
    if (!known) {
      skipped.push(`${call.name}(...)`);
      continue;
    }
    const args: string[] = known.owner ? [known.owner] : [];
    // Only what differs from Keras's defaults (the plan says which): the classes default the same way.
    for (const k of call.changed) {
      const v = call.args[k];
      if (k === 'verbose') continue;
      if (!known.args.includes(k)) {
        skipped.push(`${call.name}(${k}=${String(pythonLiteral(v))})`);
        continue;
      }
      // A checkpoint holds a PyTorch state_dict, not a Keras file.
      const keep = k === 'filepath' && typeof v === 'string' ? v.replace(/(\.weights)?\.(keras|h5)$/, '.pt') : v;
      args.push(`${k}=${pythonLiteral(keep)}`);
    }
    created.push(`${call.name}(${args.join(', ')})`);
  }
  return { created, skipped };
}

const MNIST_LOADER = [
  '',
  'def load_mnist(name, split):',
  '    """MNIST or Fashion-MNIST from the canonical mirrors, cached where ModelSpec caches them."""',
  '    import gzip, os, urllib.request',
  "    base = {'mnist': 'https://storage.googleapis.com/cvdf-datasets/mnist/', 'fashion_mnist': 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'}[name]",
  "    folder = os.path.join(os.environ.get('MODELSPEC_CACHE', os.path.expanduser('~/.cache/modelspec')), name)",
  '    os.makedirs(folder, exist_ok=True)',
  '    arrays = []',
  "    for kind in ('images-idx3-ubyte', 'labels-idx1-ubyte'):",
  "        path = os.path.join(folder, f'{split}-{kind}.gz')",
  '        if not os.path.exists(path):',
  "            urllib.request.urlretrieve(base + f'{split}-{kind}.gz', path)",
  "        with gzip.open(path, 'rb') as f:",
  '            data = f.read()',
  '        dims = data[3]',
  "        shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]",
  '        arrays.append(np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape))',
  '    return arrays[0], arrays[1].astype(np.int64)',
];
