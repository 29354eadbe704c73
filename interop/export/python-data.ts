// Python snippets shared by the exporters: loading each data source into numpy arrays shaped for
// the model (x_<split>, y_<split>).

import { basename } from 'node:path';
import type { Shape } from '../../language/catalog/types';
import type { ResolvedSource } from '../../language/analysis/plan';
import { pythonIdentifier, pythonList, pythonLiteral, pythonNumber, pythonString } from './python-source';

/** `/ 255` rather than `* 0.00392156862745098`. */
function scaling(scale: number): string {
  const inverse = 1 / scale;
  return Math.abs(inverse - Math.round(inverse)) < 1e-9
    ? ` / ${pythonNumber(Math.round(inverse))}`
    : ` * ${pythonNumber(scale)}`;
}

/**
 * How a script gets MNIST and Fashion-MNIST: Keras's `keras.datasets`, or (PyTorch) the script's
 * own `load_mnist(name, split)` reading the IDX files.
 */
export type BuiltinLoader = 'keras' | 'load_mnist';

/** The .npz file, beside the script, that holds the bundled digits for `modelFile`. */
export function digitsFileName(modelFile: string): string {
  return `${basename(modelFile).replace(/\.model$/, '')}_digits.npz`;
}

/**
 * Lines that define `x_<name>` (float32, shaped like the model's input) and `y_<name>` (one-hot
 * when the loss wants it) from a source.
 */
export function pythonDataLoader(
  ref: ResolvedSource,
  name: 'train' | 'test' | 'val',
  inputShape: Shape,
  oneHot: boolean,
  rescale: number | undefined,
  builtin: BuiltinLoader = 'keras',
  digitsFile?: string,
  options: { classMode?: 'input' } = {},
): string[] {
  const x = `x_${name}`;
  const y = `y_${name}`;
  const lines: string[] = [''];
  let scale = rescale;
  // The plan resolved the part of a built-in set (its split=, else its slot's: plan.ts, slotSplit).
  const split = ref.split === 'test' ? 1 : 0;
  // The bundled digits cannot be downloaded: the exporter writes them beside the script.
  const digitsPart = ref.name === 'digits' && digitsFile !== undefined ? (split === 1 ? 'test' : 'train') : undefined;
  if (digitsPart) {
    lines.push(
      `with np.load(Path(__file__).with_name(${pythonLiteral(digitsFile)})) as digits:  # ModelSpec's bundled digits`,
      `    ${x}, ${y} = digits[${pythonLiteral(`x_${digitsPart}`)}], digits[${pythonLiteral(`y_${digitsPart}`)}]`,
    );
    scale ??= 1 / 255;
  }
  switch (digitsPart ? undefined : ref.name) {
    case 'digits':
    case 'mnist':
    case 'fashion_mnist': {
      const set = ref.name === 'fashion_mnist' ? 'fashion_mnist' : 'mnist';
      const who = builtin === 'keras' ? 'Keras downloads' : 'the script downloads';
      if (ref.name === 'digits')
        lines.push(`# ModelSpec's bundled \`digits\` are 10,000 MNIST digits; here ${who} the full MNIST.`);
      lines.push(
        builtin === 'keras'
          ? `${x}, ${y} = keras.datasets.${set}.load_data()[${split}]`
          : `${x}, ${y} = load_mnist(${pythonString(set)}, ${pythonString(split === 1 ? 't10k' : 'train')})`,
      );
      scale ??= 1 / 255;
      break;
    }
    case 'cifar10':
    case 'cifar100': {
      const mode = ref.name === 'cifar100' ? `label_mode=${pythonLiteral(ref.args.label_mode ?? 'fine')}` : '';
      lines.push(
        `${x}, ${y} = keras.datasets.${ref.name}.load_data(${mode})[${split}]`,
        `${y} = ${y}.ravel()  # load_data() gives labels as (N, 1)`,
      );
      scale ??= 1 / 255;
      break;
    }
    case 'imdb':
    case 'reuters': {
      // load_data()'s own arguments, then padded as ModelSpec pads (sequence_length, else maxlen).
      const { split: _split, sequence_length: length, ...kerasArgs } = ref.args;
      const args = Object.entries(kerasArgs)
        .map(([k, v]) => `${pythonIdentifier(k)}=${pythonLiteral(v)}`)
        .join(', ');
      lines.push(
        `${x}, ${y} = keras.datasets.${ref.name}.load_data(${args})[${split}]`,
        `${x} = keras.utils.pad_sequences(${x}, maxlen=${pythonLiteral(length ?? ref.args.maxlen)})`,
      );
      break;
    }
    case 'boston_housing':
    case 'california_housing': {
      const { split: _split, ...kerasArgs } = ref.args;
      const args = Object.entries(kerasArgs)
        .map(([k, v]) => `${pythonIdentifier(k)}=${pythonLiteral(v)}`)
        .join(', ');
      lines.push(`${x}, ${y} = keras.datasets.${ref.name}.load_data(${args})[${split}]`);
      break;
    }
    case 'csv': {
      const labels = Array.isArray(ref.args.label) ? ref.args.label : undefined;
      const label = typeof ref.args.label === 'string' ? ref.args.label : null;
      const delimiter = typeof ref.args.delimiter === 'string' ? ref.args.delimiter : ',';
      lines.push(
        'import csv',
        `with open(${pythonLiteral(ref.args.path)}, newline='') as f:`,
        `    rows = list(csv.DictReader(f, delimiter=${pythonLiteral(delimiter)}))`,
      );
      if (labels) {
        // label=[…]: one target per column (multi-hot for multi-label, values for vector regression).
        lines.push(
          `label_columns = ${pythonLiteral(labels)}`,
          'features = [c for c in rows[0] if c not in label_columns]',
          `${y} = np.array([[float(r[c]) for c in label_columns] for r in rows], dtype='float32')`,
        );
      } else {
        lines.push(
          `label = ${label === null ? 'list(rows[0])[-1]' : pythonLiteral(label)}`,
          'features = [c for c in rows[0] if c != label]',
          `labels = [r[label] for r in rows]`,
          'try:',
          `    ${y} = np.array([float(v) for v in labels], dtype='float32')`,
          'except ValueError:  # string labels are classes, in sorted order',
          '    classes = sorted(set(labels))',
          `    ${y} = np.array([classes.index(v) for v in labels])`,
        );
      }
      if (typeof ref.args.text === 'string') lines.push(...textLines(ref, x, name));
      else lines.push(`${x} = np.array([[float(r[c]) for c in features] for r in rows], dtype='float32')`);
      break;
    }
    case 'npy':
      lines.push(`${x} = np.load(${pythonLiteral(ref.args.x)})`, `${y} = np.load(${pythonLiteral(ref.args.y)})`);
      break;
    case 'idx':
      lines.push(
        'import gzip, struct',
        'def read_idx(path):',
        "    with (gzip.open if path.endswith('.gz') else open)(path, 'rb') as f:",
        '        data = f.read()',
        '    dims = data[3]',
        "    shape = struct.unpack('>' + 'I' * dims, data[4:4 + 4 * dims])",
        '    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)',
        `${x} = read_idx(${pythonLiteral(ref.args.images)})`,
        `${y} = read_idx(${pythonLiteral(ref.args.labels)})`,
      );
      scale ??= 1 / 255;
      break;
    case 'images': {
      const size = Array.isArray(ref.args.size) ? ref.args.size : [256, 256];
      lines.push(
        `ds = keras.utils.image_dataset_from_directory(${pythonLiteral(ref.args.directory)}, image_size=${pythonLiteral(size)}, color_mode=${pythonLiteral(ref.args.color_mode ?? 'rgb')}, shuffle=False, batch_size=None)`,
        `${x} = np.stack([np.asarray(img) for img, _ in ds])`,
        `${y} = np.array([int(label) for _, label in ds])`,
      );
      scale ??= 1 / 255;
      break;
    }
  }
  const shape = pythonList(inputShape.map((d) => d ?? -1) as number[]).slice(1, -1);
  lines.push(`${x} = ${x}.reshape((-1, ${shape})).astype('float32')${scale !== undefined ? scaling(scale) : ''}`);
  // class_mode 'input' (autoencoders): the targets are the inputs, scaled as the inputs are.
  if (options.classMode === 'input') lines.push(`${y} = ${x}.copy()  # class_mode 'input': the targets are the inputs`);
  else if (oneHot) lines.push(`${y} = keras.utils.to_categorical(${y}, num_classes=model.output_shape[-1])`);
  return lines;
}

/**
 * csv(text=…) as Keras's TextVectorization(output_mode='int') makes it, in plain Python (the
 * PyTorch script has no Keras): standardize, split, a vocabulary by count (ties in descending
 * order, as Keras's IndexLookup sorts), 0 padding and 1 '[UNK]'. The training source adapts it
 * (on the whole file: the script's validation_split is applied later); the others reuse it.
 */
function textLines(ref: ResolvedSource, x: string, name: 'train' | 'test' | 'val'): string[] {
  const { text, max_tokens, output_sequence_length, standardize, split } = ref.args;
  const lower = standardize === 'lower_and_strip_punctuation' || standardize === 'lower';
  const strip = standardize === 'lower_and_strip_punctuation' || standardize === 'strip_punctuation';
  const lines = [
    'import string',
    'def tokens(text):  # TextVectorization: standardize, then split',
    ...(lower ? ['    text = text.lower()'] : []),
    ...(strip ? ["    text = text.translate(str.maketrans('', '', string.punctuation))"] : []),
    split === 'whitespace'
      ? '    return text.split()'
      : split === 'character'
        ? '    return list(text)'
        : '    return [text] if text else []',
    `texts = [tokens(r[${pythonLiteral(text)}]) for r in rows]`,
  ];
  if (name === 'train') {
    lines.push(
      'counts = {}',
      'for words in texts:',
      '    for w in words:',
      '        counts[w] = counts.get(w, 0) + 1',
      'ranked = sorted(counts, key=lambda w: (counts[w], w.encode()), reverse=True)',
      `vocabulary = ['', '[UNK]'] + ranked${typeof max_tokens === 'number' ? `[:${pythonNumber(max_tokens - 2)}]` : ''}`,
      `sequence_length = ${typeof output_sequence_length === 'number' ? pythonNumber(output_sequence_length) : 'max(1, max(len(t) for t in texts))'}`,
    );
  }
  lines.push(
    'index = {w: i for i, w in enumerate(vocabulary)}',
    `${x} = np.zeros((len(texts), sequence_length), dtype='float32')`,
    'for n, words in enumerate(texts):',
    '    ids = [index.get(w, 1) for w in words[:sequence_length]]',
    `    ${x}[n, : len(ids)] = ids`,
  );
  return lines;
}
