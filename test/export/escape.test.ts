// Issue #8, security 1: values from the user's files — the file name, layer names, string
// arguments, data paths, and the layer names inside a saved model.json — reach the generated Keras
// and PyTorch scripts only as data. The scripts parse, call nothing the model did not ask for
// (they are the script of a benign model of the same shape, up to string constants), and hold
// each value exactly. Python's `ast` judges; the reproducers from the issue also run.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ensureBuilt } from '../helpers/build';
import { analyze } from '../../language/analysis/analyze';
import { printValue } from '../../language/services/format';
import type { Value } from '../../language/syntax/ast';
import { exportKeras } from '../../interop/export/keras';
import { exportPytorch } from '../../interop/export/pytorch';
import { planModel } from '../../language/analysis/plan';
import { findTorch } from '../../training/engines/detect';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
/** Debian's python3 (with torch); `ast` needs no more than any Python 3. */
const torch = (await findTorch()).probe;
const PYTHON = torch?.python ?? '/usr/bin/python3';
const PAYLOAD = '__import__("os").system("touch PWNED")';

/** A string as a .model literal, written by the formatter (the language's own escapes). */
const modelString = (s: string) => printValue({ kind: 'string', value: s } as Value);

function exportCli(file: string, to: 'keras' | 'pytorch'): string {
  const r = spawnSync(process.execPath, [CLI, 'export', file, '--to', to], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

interface Case {
  label: string;
  script: string;
  /** The script of the same model with every hostile value replaced by a plain one. */
  benign: string;
  /** Strings the script must hold as constants, exactly. */
  constants: string[];
  /** Text the module docstring must contain. */
  docstring?: string;
}

// One Python process judges every script: it parses it, compares its calls and names with the
// benign script's, and its syntax tree with all string constants blanked (so only the values differ).
const VERIFY = `
import ast, json, sys

def dotted(f):
    if isinstance(f, ast.Name): return f.id
    if isinstance(f, ast.Attribute): return dotted(f.value) + '.' + f.attr
    if isinstance(f, ast.Call): return dotted(f.func) + '()'
    if isinstance(f, ast.Subscript): return dotted(f.value) + '[]'
    return type(f).__name__

class Blank(ast.NodeTransformer):
    def visit_Constant(self, node):
        return ast.Constant('') if isinstance(node.value, str) else node

def facts(src):
    tree = ast.parse(src)
    nodes = list(ast.walk(tree))
    return {
        'tree': tree,
        'calls': {dotted(n.func) for n in nodes if isinstance(n, ast.Call)},
        'names': {n.id for n in nodes if isinstance(n, ast.Name)} | {n.attr for n in nodes if isinstance(n, ast.Attribute)},
        'strings': {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)},
        'shape': ast.dump(Blank().visit(ast.parse(src))),
    }

results = []
for case in json.load(sys.stdin):
    problems = []
    try:
        got = facts(case['script'])
    except (SyntaxError, ValueError) as e:
        results.append({'label': case['label'], 'problems': ['does not parse: ' + repr(e)]})
        continue
    want = facts(case['benign'])
    extra = sorted(got['calls'] - want['calls'])
    if extra: problems.append('calls the model did not ask for: ' + repr(extra))
    extra = sorted(got['names'] - want['names'])
    if extra: problems.append('names the model did not ask for: ' + repr(extra))
    if got['shape'] != want['shape']: problems.append('the code differs from the benign script beyond its strings')
    missing = [s for s in case['constants'] if s not in got['strings']]
    if missing: problems.append('values not held exactly: ' + repr(missing))
    doc = ast.get_docstring(got['tree'], clean=False) or ''
    if case.get('docstring') is not None and case['docstring'] not in doc: problems.append('docstring lacks ' + repr(case['docstring']) + ': ' + repr(doc))
    results.append({'label': case['label'], 'problems': problems})
print(json.dumps(results))
`;

function verify(cases: Case[]): string[] {
  const r = spawnSync(PYTHON, ['-c', VERIFY], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.equal(r.status, 0, r.stderr);
  const results = JSON.parse(r.stdout) as { label: string; problems: string[] }[];
  assert.equal(results.length, cases.length);
  return results.filter((x) => x.problems.length > 0).map((x) => `${x.label}: ${x.problems.join('; ')}`);
}

/** A float32 .npy file. */
function writeNpy(path: string, shape: number[]): void {
  const count = shape.reduce((a, b) => a * b, 1);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  writeFileSync(
    path,
    Buffer.concat([
      prefix,
      Buffer.from(header, 'latin1'),
      Buffer.from(new Float32Array(count).map((_, i) => i).buffer),
    ]),
  );
}

/**
 * A model saved in TF.js layers format under `dir`: Dense(4, relu) on 3 inputs, then Dense(2),
 * with the given layer names (their weights are named `<layer name>/kernel`, as TF.js names them).
 */
function writeSavedModel(dir: string, names: [string, string]): string {
  mkdirSync(dir, { recursive: true });
  const dense = (name: string, units: number, extra: Record<string, unknown>) => ({
    class_name: 'Dense',
    config: { name, units, activation: 'relu', use_bias: true, trainable: true, dtype: 'float32', ...extra },
  });
  const modelTopology = {
    class_name: 'Sequential',
    config: { name: 'base', layers: [dense(names[0], 4, { batch_input_shape: [null, 3] }), dense(names[1], 2, {})] },
  };
  const weights = [
    [`${names[0]}/kernel`, [3, 4]],
    [`${names[0]}/bias`, [4]],
    [`${names[1]}/kernel`, [4, 2]],
    [`${names[1]}/bias`, [2]],
  ] as const;
  const count = weights.reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
  writeFileSync(join(dir, 'weights.bin'), Buffer.from(new Float32Array(count).map((_, i) => i / 16).buffer));
  const weightsManifest = [
    { paths: ['weights.bin'], weights: weights.map(([name, shape]) => ({ name, shape, dtype: 'float32' })) },
  ];
  const file = join(dir, 'model.json');
  writeFileSync(file, JSON.stringify({ modelTopology, format: 'layers-model', weightsManifest }));
  return file;
}

/** Runs a generated PyTorch script in `dir`; returns its stdout. */
function runTorchScript(dir: string, script: string): string {
  writeFileSync(join(dir, 'exported.py'), script);
  const r = spawnSync(PYTHON, ['exported.py'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const TINY = (layerName: string) =>
  `model m {\n    Input(shape=(3,))\n    Dense(2, name=${modelString(layerName)})\n}\n`;

describe('modelspec export: the reproducers of issue #8', () => {
  before(() => ensureBuilt());

  it('a file name that closes the docstring stays in the docstring', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-escape-'));
    const name = `x""";${PAYLOAD};"""y.model`;
    writeFileSync(join(dir, name), TINY('dense'));
    writeFileSync(join(dir, 'plain.model'), TINY('dense'));
    const cases: Case[] = (['keras', 'pytorch'] as const).map((to) => ({
      label: to,
      script: exportCli(join(dir, name), to),
      benign: exportCli(join(dir, 'plain.model'), to),
      constants: [],
      docstring: name,
    }));
    assert.deepEqual(verify(cases), []);
    if (torch) {
      assert.match(runTorchScript(dir, cases[1].script), /parameters: 8\n/);
      assert.ok(!existsSync(join(dir, 'PWNED')), 'the payload ran');
    }
  });

  it('a layer name with newlines stays out of the code (the # comment in nn.Sequential)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-escape-'));
    const layer = `a\n${PAYLOAD},\n#`;
    writeFileSync(join(dir, 'm.model'), TINY(layer));
    writeFileSync(join(dir, 'plain.model'), TINY('dense'));
    const cases: Case[] = (['keras', 'pytorch'] as const).map((to) => ({
      label: to,
      script: exportCli(join(dir, 'm.model'), to),
      benign: exportCli(join(dir, 'plain.model'), to),
      constants: to === 'keras' ? [layer] : [],
    }));
    assert.deepEqual(verify(cases), []);
    if (torch) {
      assert.match(runTorchScript(dir, cases[1].script), /parameters: 8\n/);
      assert.ok(!existsSync(join(dir, 'PWNED')), 'the payload ran');
    }
  });

  it('the layer names of a saved model.json (Pretrained) stay out of the code, and its path reads back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-escape-'));
    const hostile: [string, string] = [`a\n${PAYLOAD}\n#`, `b\r${PAYLOAD}\r#`];
    const savedDir = `saved'"""\n${PAYLOAD}`;
    const saved = writeSavedModel(join(dir, savedDir), hostile);
    writeSavedModel(join(dir, 'plain'), ['dense_1', 'dense_2']);
    const model = (path: string) =>
      `model t {\n    Pretrained(path=${modelString(path)}, trainable=False)\n    Dense(1)\n}\n`;
    writeFileSync(join(dir, 't.model'), model(`${savedDir}/model.json`));
    writeFileSync(join(dir, 'plain.model'), model('plain/model.json'));
    const cases: Case[] = (['keras', 'pytorch'] as const).map((to) => ({
      label: to,
      script: exportCli(join(dir, 't.model'), to),
      benign: exportCli(join(dir, 'plain.model'), to),
      constants: [saved],
    }));
    assert.deepEqual(verify(cases), []);
    if (torch) {
      // The saved weights load (found by their hostile names) and the payload never runs.
      assert.match(runTorchScript(dir, cases[1].script), /trainable parameters: 3\n/);
      assert.ok(!existsSync(join(dir, 'PWNED')), 'the payload ran');
    }
  });
});

// ---- the property: hostile values anywhere a string reaches the scripts ----

/** Pieces that break out of literals, comments and docstrings, or terminals. */
const FRAGMENTS = [
  "'",
  '"',
  '"""',
  "'''",
  '\\',
  '\\n',
  '\\x41',
  '\\0',
  '\n',
  '\r',
  '\r\n',
  '\0',
  '\t',
  '\f',
  '\v',
  '\x1b[2J',
  '\x7f',
  '\x85',
  '\x9b',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '#',
  ')',
  '],',
  '{x}',
  '%s',
  PAYLOAD,
  'é',
  '😀',
  ' ',
  'a',
];
const hostileString = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));
/** A path component: no `/` or NUL, not `.` or `..`, short enough for any file system. */
const component = hostileString.map((s) => `p${Array.from(s.replace(/[/\0]/g, '_')).slice(0, 40).join('')}`);

interface Values {
  file: string;
  layers: [string, string];
  csvDir: string;
  csvFile: string;
  label: string;
  npy: [string, string];
  callbacks: [string, string];
  savedDir: string;
  savedLayers: [string, string];
}

const values: fc.Arbitrary<Values> = fc.record({
  file: component,
  layers: fc.tuple(hostileString, hostileString).map(([a, b]) => [`a${a}`, `b${b}`] as [string, string]),
  csvDir: component,
  csvFile: component,
  // Quoted in the CSV header; the column names are trimmed when read, so the label starts and ends plainly.
  label: hostileString.map((s) => `L${s}L`),
  npy: fc.tuple(component, component).map(([x, y]) => [`x${x}`, `y${y}`] as [string, string]),
  callbacks: fc.tuple(hostileString, hostileString),
  savedDir: component,
  savedLayers: fc
    .tuple(hostileString, hostileString)
    .map(([a, b]) => [`a${a.replace(/\//g, '_')}`, `b${b.replace(/\//g, '_')}`] as [string, string]),
});

const PLAIN: Values = {
  file: 'plain',
  layers: ['dense_a', 'dense_b'],
  csvDir: 'data',
  csvFile: 'table',
  label: 'target',
  npy: ['x', 'y'],
  callbacks: ['log.csv', 'best'],
  savedDir: 'saved',
  savedLayers: ['dense_1', 'dense_2'],
};

/** Writes the data files and both .model texts for `v` under `dir`; returns the texts and what the scripts must hold. */
function build(dir: string, v: Values) {
  mkdirSync(join(dir, v.csvDir), { recursive: true });
  const csvPath = `${v.csvDir}/${v.csvFile}.csv`;
  const rows = ['0,1,2,3', '1,2,3,4', '2,3,4,5', '3,4,5,6'];
  writeFileSync(join(dir, csvPath), [`a,b,c,"${v.label.replace(/"/g, '""')}"`, ...rows].join('\n') + '\n');
  const [xPath, yPath] = v.npy.map((n) => `${v.csvDir}/${n}.npy`);
  writeNpy(join(dir, xPath), [2, 3]);
  writeNpy(join(dir, yPath), [2]);
  const checkpoint = `${v.callbacks[1]}.keras`;
  const data = [
    'model m {',
    '    Input(shape=(3,))',
    `    Dense(4, activation='relu', name=${modelString(v.layers[0])})`,
    `    Dense(1, name=${modelString(v.layers[1])})`,
    '}',
    "compile {\n    loss: 'mse'\n    optimizer: 'adam'\n}",
    `data {\n    train: csv(${modelString(csvPath)}, label=${modelString(v.label)})\n    test: npy(x=${modelString(xPath)}, y=${modelString(yPath)})\n}`,
    `fit {\n    epochs: 1\n    callbacks: [CSVLogger(${modelString(v.callbacks[0])}), ModelCheckpoint(${modelString(checkpoint)})]\n}`,
  ].join('\n');
  const saved = writeSavedModel(join(dir, v.savedDir), v.savedLayers);
  const transfer = `model t {\n    Pretrained(path=${modelString(`${v.savedDir}/model.json`)})\n    Dense(1, name=${modelString(v.layers[0])})\n}\n`;
  return {
    data,
    transfer,
    keras: [v.layers[0], v.layers[1], csvPath, v.label, xPath, yPath, v.callbacks[0], checkpoint],
    pytorch: [csvPath, v.label, xPath, yPath],
    saved: resolve(saved),
  };
}

function exportBoth(text: string, dir: string, file: string): { keras: string; pytorch: string } {
  const analysis = analyze(text, { baseDir: dir });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => d.message),
    [],
    `${JSON.stringify(text)} has errors`,
  );
  const plan = planModel(analysis, join(dir, file));
  assert.ok(plan);
  return { keras: exportKeras(plan), pytorch: exportPytorch(plan) };
}

describe('modelspec export: hostile names, paths and strings (property)', () => {
  it('every script parses, calls only what a benign model calls, and holds each value exactly', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now());
    const samples = fc.sample(values, { numRuns: 60, seed });
    const root = mkdtempSync(join(tmpdir(), 'modelspec-escape-'));
    mkdirSync(join(root, 'plain'));
    const plain = build(join(root, 'plain'), PLAIN);
    const benign = {
      data: exportBoth(plain.data, join(root, 'plain'), 'plain.model'),
      transfer: exportBoth(plain.transfer, join(root, 'plain'), 'plain.model'),
    };
    const cases: Case[] = [];
    samples.forEach((v, i) => {
      const dir = join(root, String(i));
      mkdirSync(dir);
      const b = build(dir, v);
      const file = `${v.file}.model`;
      // ASCII only: the failure message must not drive the terminal either.
      const label = `seed ${seed}, sample ${i} ${JSON.stringify(v).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;
      const data = exportBoth(b.data, dir, file);
      const transfer = exportBoth(b.transfer, dir, file);
      cases.push(
        {
          label: `${label} (data, keras)`,
          script: data.keras,
          benign: benign.data.keras,
          constants: b.keras,
          docstring: basename(file),
        },
        {
          label: `${label} (data, pytorch)`,
          script: data.pytorch,
          benign: benign.data.pytorch,
          constants: b.pytorch,
          docstring: basename(file),
        },
        {
          label: `${label} (Pretrained, keras)`,
          script: transfer.keras,
          benign: benign.transfer.keras,
          constants: [b.saved, v.layers[0]],
          docstring: basename(file),
        },
        {
          label: `${label} (Pretrained, pytorch)`,
          script: transfer.pytorch,
          benign: benign.transfer.pytorch,
          constants: [b.saved],
          docstring: basename(file),
        },
      );
    });
    assert.deepEqual(verify(cases), []);
  });
});
