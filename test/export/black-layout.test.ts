// Issue #14: exported scripts are laid out like hand-written code. Every example's Keras and
// PyTorch script, and scripts of models with hostile names (quotes, `#`, long strings), are left
// unchanged by Debian's black (`apt-get install black`). The scripts keep the single quotes that
// python-source.ts writes (Keras's own style), so black runs with --skip-string-normalization:
// the layout is black's, the quotes are not normalized.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyze } from '../../language/analysis/analyze';
import { planModel } from '../../language/analysis/plan';
import { exportKeras } from '../../interop/export/keras';
import { exportPytorch } from '../../interop/export/pytorch';
import { blackLayout } from '../../interop/export/python-layout';

const BLACK = ['/usr/bin/black', 'black'].find((b) => spawnSync(b, ['--version']).status === 0);
const SKIP = BLACK ? false : 'black not found (apt-get install black)';
const EXAMPLES = resolve(import.meta.dirname, '../../examples');

/** Runs black --check over `dir` once; per file it would change, the diff it would apply. */
function blackCheck(dir: string): Map<string, string> {
  const r = spawnSync(BLACK!, ['--check', '--diff', '--skip-string-normalization', '--quiet', dir], {
    encoding: 'utf8',
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`black failed (${r.status}): ${r.stderr}`);
  const diffs = new Map<string, string>();
  for (const part of r.stdout.split(/^(?=--- )/m).filter((p) => p.startsWith('--- '))) {
    diffs.set(basename(/^--- (\S+)/.exec(part)![1]!), part);
  }
  if (r.status === 1 && diffs.size === 0) throw new Error(`black reports changes it did not print:\n${r.stderr}`);
  return diffs;
}

/** What black would change in the files named `prefix*`, as one message. */
function changes(prefix: string): string {
  return [...diffs].flatMap(([f, d]) => (f.startsWith(prefix) ? [d] : [])).join('\n');
}

let diffs = new Map<string, string>();
const dir = mkdtempSync(join(tmpdir(), 'black-layout-'));

function scriptsOf(file: string, text: string): { keras: string; pytorch: string } {
  const analysis = analyze(text, { baseDir: dirname(file) });
  const plan = planModel(analysis, file);
  assert.ok(plan, `${file} has no plan: ${JSON.stringify(analysis.diagnostics.map((d) => d.message))}`);
  return { keras: exportKeras(plan), pytorch: exportPytorch(plan) };
}

const long = 'x'.repeat(70);
// `#` and quotes inside strings are not comments; a long name makes every line that holds it long.
const HOSTILE = [
  `model m {\n    Input(shape=(28, 28, 1))\n    Conv2D(8, 3, padding='same', name='a # "b" \\'c\\'')\n    MaxPooling2D(2, padding='same')\n    Flatten()\n    Dense(10, activation='softmax', name='${long}')\n}\n\ncompile {\n    loss: 'sparse_categorical_crossentropy'\n    optimizer: SGD(learning_rate=0.01, momentum=0.9, nesterov=true)\n}\n\ndata {\n    train: digits\n}\n\nfit {\n    epochs: 2\n    callbacks: [EarlyStopping(monitor='val_loss', patience=3, restore_best_weights=true), CSVLogger('${long}.csv')]\n}\n`,
  `model m {\n    Input(shape=(4,))\n    Dense(8, activation='relu', name='${long}')\n    Dense(1)\n}\n\ncompile {\n    loss: 'mse'\n    optimizer: 'adam'\n}\n\ndata {\n    train: csv('${long}/train # not a comment.csv')\n}\n`,
  `model very_long_model_name_${'y'.repeat(60)} {\n    Input(shape=(20, 8))\n    LSTM(16, return_sequences=true, name='l"s"t"m')\n    GRU(8)\n    Dense(1)\n}\n`,
];

// Statements written on one line, as the exporters write them: blackLayout must give black's output.
const ONE_LINE_STATEMENTS = [
  '"""doc."""',
  'import csv',
  'x = 1',
  `model.fit(x_train, y_train, epochs=12, batch_size=128, validation_split=0.1, shuffle=True, callbacks=[keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)])`,
  `x_train, y_train = keras.datasets.imdb.load_data(num_words=20000, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2)[0]`,
  `print('a, b, (c) # not a comment', 'and a long string that does not fit on the line beside it at all')  # a comment`,
  'def f(x):',
  '    return x',
  'y = f(2)',
  '',
].join('\n');
let laidOut = '';

describe('exported scripts are laid out as black lays them out', { skip: SKIP }, () => {
  before(() => {
    const models = readdirSync(EXAMPLES).filter((f) => f.endsWith('.model'));
    assert.ok(models.length >= 9, `examples/ has ${models.length} models`);
    for (const m of models) {
      const file = join(EXAMPLES, m);
      const { keras, pytorch } = scriptsOf(file, readFileSync(file, 'utf8'));
      writeFileSync(join(dir, `example_${basename(m, '.model')}_keras.py`), keras);
      writeFileSync(join(dir, `example_${basename(m, '.model')}_pytorch.py`), pytorch);
    }
    mkdirSync(join(dir, long));
    writeFileSync(join(dir, long, 'train # not a comment.csv'), 'a,b,c,d,y\n1,2,3,4,5\n2,3,4,5,6\n');
    HOSTILE.forEach((text, i) => {
      const { keras, pytorch } = scriptsOf(join(dir, `hostile ${i} '#'.model`), text);
      writeFileSync(join(dir, `hostile${i}_keras.py`), keras);
      writeFileSync(join(dir, `hostile${i}_pytorch.py`), pytorch);
    });
    laidOut = blackLayout(ONE_LINE_STATEMENTS);
    writeFileSync(join(dir, 'statements.py'), laidOut);
    diffs = blackCheck(dir); // one black process for all the files
  });

  it("every example's Keras and PyTorch script", () => {
    assert.equal(changes('example_'), '', 'black would change the exported scripts');
  });

  it('scripts of models with hostile names and long strings', () => {
    assert.equal(changes('hostile'), '', 'black would change the exported scripts');
  });

  it('long calls split as black splits them; strings and comments kept whole', () => {
    assert.equal(changes('statements'), '', 'black would change the laid-out statements');
    // The same statements: only whitespace, black's trailing commas and the comment's place differ.
    assert.match(laidOut, /\n# a comment\nprint\(\n/);
    const strip = (s: string) =>
      s
        .replace('# a comment', '')
        .replace(/,(\s*[)\]}])/g, '$1')
        .replace(/\s+/g, '');
    assert.equal(strip(laidOut), strip(ONE_LINE_STATEMENTS));
  });
});
