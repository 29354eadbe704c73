// Where a .keras archive puts each layer's variables: Keras's saving_lib names a Sequential
// model's layers by snake_case class name, numbered in model order (not by the layers' own
// names), and keeps a recurrent layer's variables in its cell.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { h5Groups, toSnakeCase } from '../../interop/export/keras3-config';

const CLASSES = [
  'Dense',
  'BatchNormalization',
  'Conv2D',
  'Conv2DTranspose',
  'SeparableConv2D',
  'DepthwiseConv2D',
  'LSTM',
  'GRU',
  'SimpleRNN',
  'LSTMCell',
  'SimpleRNNCell',
  'PReLU',
  'ELU',
  'LayerNormalization',
  'MaxPooling2D',
  'GlobalAveragePooling2D',
  'Embedding',
  'TimeDistributed',
];

describe('keras3-config', () => {
  it(
    "toSnakeCase is Keras's naming.to_snake_case",
    { skip: spawnSync('/usr/bin/python3', ['-c', '1']).status === 0 ? false : 'no /usr/bin/python3' },
    () => {
      // keras/src/utils/naming.py, verbatim.
      const r = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          `import re, sys, json
def to_snake_case(name):
    name = re.sub(r"\\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\\1_\\2", name)
    name = re.sub("([a-z])([A-Z])", r"\\1_\\2", name).lower()
    return name
print(json.dumps([to_snake_case(n) for n in sys.argv[1:]]))`,
          ...CLASSES,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(CLASSES.map(toSnakeCase), JSON.parse(r.stdout));
    },
  );

  it('groups by class name in model order, recurrent variables under cell/, whatever the layers are called', () => {
    const groups = h5Groups([
      { className: 'Dense', name: 'hidden', weights: 2 },
      { className: 'Dropout', name: 'dropout', weights: 0 },
      { className: 'Dense', name: 'dense', weights: 2 },
      { className: 'LSTM', name: 'lstm_7', weights: 3 },
      { className: 'Dense', name: 'out', weights: 2 },
    ]);
    assert.deepEqual(
      groups.map((g) => [g.path, g.name, g.layer]),
      [
        ['layers/dense/vars', 'hidden', 0],
        ['layers/dropout/vars', 'dropout', 1],
        ['layers/dense_1/vars', 'dense', 2],
        ['layers/lstm/vars', 'lstm_7', -1],
        ['layers/lstm/cell/vars', 'lstm_cell', 3],
        ['layers/dense_2/vars', 'out', 4],
      ],
    );
  });

  it('refuses wrappers whose variables it does not lay out, saying which formats can take them', () => {
    assert.throws(
      () => h5Groups([{ className: 'Bidirectional', name: 'bi', weights: 6 }]),
      /cannot lay out the weights of Bidirectional layer 'bi' yet; export it --to onnx or --to safetensors/,
    );
  });
});
