// The catalog is the only place that knows a Keras default: the engines and the exports receive
// every argument explicitly (lowering, optimizerArgs) and read it without a fallback. This scans
// their sources for a literal default of a catalog argument: `config.get('strides', 1)`,
// `args['momentum'] ?? 0`, `num(a.learning_rate, 0.001)`, `'epsilon': 1e-7` in a defaults table,
// `def __init__(self, patience=0)` in the exported scripts' helper classes, and the fit/compile
// settings the RunSpec carries (`fit.get('backend', 'auto')`, `spec.fit.devices ?? 1`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  allAugmentations,
  allCallbacks,
  allLayers,
  allOptimizers,
  allRegularizers,
  blockSettings,
} from '../../language/catalog';

const ROOT = join(import.meta.dirname, '..', '..');
/** The engines and the exports: what must take every Keras argument from the catalog. */
const SCANNED = ['training/engines/tfjs', 'interop/export', 'python/modelspec_torch', 'python/modelspec_export'];

/** Files that build a RunSpec of their own (explicit values, not fallbacks), with the reason. */
const NOT_SCANNED: Record<string, string> = {
  'python/modelspec_torch/bench.py': "the bench's own RunSpec: every value written out, as a spec carries it",
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (Object.hasOwn(NOT_SCANNED, relative(ROOT, path))) return [];
    if (statSync(path).isDirectory()) return name === 'tests' || name === '__pycache__' ? [] : files(path);
    return /\.(ts|py)$/.test(name) ? [path] : [];
  });
}

/**
 * Every catalog argument that has a Keras default: layers, optimizers, callbacks, regularizers
 * (the TF.js engine's Keras JSON), ImageDataGenerator (augment.py) and the data, compile and
 * fit blocks' settings (rescale in data.py, shuffle in train.py, fit.backend and fit.devices in
 * both engines: the RunSpec carries each, the engines read it without a fallback).
 */
function defaultedArgs(): Set<string> {
  const names = new Set<string>();
  const specs = [...allLayers(), ...allOptimizers(), ...allCallbacks(), ...allRegularizers(), ...allAugmentations()];
  // The settings blocks: the data block's (rescale in data.py, shuffle in train.py) and, as the
  // RunSpec carries them, compile's and fit's (backend, devices, batch_size, mixed_precision, …).
  const settings = [...blockSettings('data'), ...blockSettings('compile'), ...blockSettings('fit')];
  const fitAndCompile = new Set([...blockSettings('compile'), ...blockSettings('fit')].map((a) => a.name));
  for (const spec of [...specs, { args: settings }]) {
    for (const a of spec.args) {
      // A fit/compile setting whose default is None still reaches the engines as a value the
      // plan decided (mixed_precision: None becomes RunSpec.fit.mixedPrecision), so it is scanned too.
      if (a.default === undefined || (a.default === null && !fitAndCompile.has(a.name))) continue;
      names.add(a.name);
      names.add(a.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())); // TF.js's spelling: negativeSlope
    }
  }
  return names;
}

const LITERAL = String.raw`(?:-?\d[\d._eE+-]*|True|False|true|false|'[^']*'|"[^"]*")`;

/** The literal defaults of `name` in one line of source, as patterns. */
function patterns(name: string): RegExp[] {
  const key = `['"]${name}['"]`;
  return [
    new RegExp(String.raw`\.get\(\s*${key}\s*,\s*${LITERAL}\s*\)`), // Python: config.get('strides', 1)
    new RegExp(String.raw`\.get\(\s*${key}\s*\)\s*or\s*(?:${LITERAL}|\[\]|\{\})`), // Python: fit.get('devices') or 1
    new RegExp(String.raw`(?:\.${name}\b|\[\s*${key}\s*\])\s*\?\?\s*${LITERAL}`), // TS: args.momentum ?? 0, args['nesterov'] ?? false
    new RegExp(String.raw`\(\s*\w+\s*,\s*${key}\s*,\s*${LITERAL}\s*\)`), // TS/Python helper: num(args, 'beta_1', 0.9)
    new RegExp(String.raw`\(\s*\w+\.${name}\s*,\s*${LITERAL}\s*\)`), // TS helper: num(a.learning_rate, 0.001)
    new RegExp(String.raw`${key}\s*:\s*${LITERAL}\s*[,}]`), // a defaults table: {'epsilon': 1e-7}
    new RegExp(String.raw`(?:\bdef\s+\w+\(|^\s*self\s*,).*\b${name}\s*=\s*${LITERAL}`), // Python: def __init__(self, patience=0), or its parameters on a line of their own
    new RegExp(String.raw`^\s*${name}\s*=\s*${LITERAL}\s*,\s*$`), // a signature over lines: `    monitor="val_loss",`
  ];
}

/**
 * Lines that name a catalog argument's name for something else: a tensor file's byte offset is
 * not Rescaling's offset.
 */
const NOT_ARGUMENTS = [
  /\bt\.offset \?\? 0\b/,
  /\btf\.get\('offset'\) or 0\b/, // the same byte offset, read by the torch engine (absent: 0, protocol.ts)
  /'type': 'finished'/, // a finished event's epoch count, not fit.epochs
];

test('no engine or export restates a Keras default of a catalog argument', () => {
  const names = [...defaultedArgs()];
  const problems: string[] = [];
  for (const dir of SCANNED) {
    for (const file of files(join(ROOT, dir))) {
      const rel = relative(ROOT, file);
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*(\/\/|#|\*)/.test(line)) return; // comments may quote Keras
          if (NOT_ARGUMENTS.some((p) => p.test(line))) return;
          const hit = names.find((n) => line.includes(n) && patterns(n).some((p) => p.test(line)));
          if (hit) problems.push(`${rel}:${i + 1}: ${hit}: ${line.trim()}`);
        });
    }
  }
  assert.deepEqual(problems, [], 'read these from the RunSpec / the analysis without a default (the catalog has it)');
});
