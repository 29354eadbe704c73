// `modelspec lr-find` as a process on real data: the digits MLP (Keras's mnist_mlp) with Adam.
// On each engine present, the range test's points are an exponential schedule that stops when
// the smoothed loss diverges, the suggestion falls in the sane range 1e-4..1e-2, and training
// with the suggestion that --apply wrote into the file reaches ≥ 95% test accuracy.
// One epoch cannot: on the bundled digits' 7,200 training images the MLP reaches 92-93% after
// one epoch at any learning rate tried (1.4e-3, 3e-3, 6e-3); it takes 3-5, so the check trains 5.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build';
import { findTorch } from '../../training/engines/detect';
import type { RunEvent } from '../../training/protocol';
import type { LrSuggestion } from '../../training/lr-find';
import { findRunFolders } from '../../training/run-table';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const torchProbe = (await findTorch()).probe;

/** examples/digits.model with `optimizer: 'adam'` (the bare name the fix turns into a call). */
function digitsWithAdam(dir: string): string {
  const text = readFileSync('examples/digits.model', 'utf8').replace('optimizer: RMSprop()', "optimizer: 'adam'");
  assert.match(text, /optimizer: 'adam'/);
  const file = join(dir, 'digits.model');
  writeFileSync(file, text);
  return file;
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 600_000 });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent | ({ type: 'lr_find' } & Record<string, unknown>));
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lines };
}

type LrFindLine = { type: 'lr_find'; suggestion: LrSuggestion; folder: string; engine: string; points: unknown[] };

for (const engine of ['tfjs', 'torch'] as const) {
  describe(
    `modelspec lr-find on the digits MLP with Adam (${engine})`,
    { skip: engine === 'torch' && !torchProbe ? 'no PyTorch here' : false },
    () => {
      before(() => ensureBuilt());

      it('suggests a learning rate in 1e-4..1e-2; trained with it, the model reaches 95%', () => {
        const dir = mkdtempSync(join(tmpdir(), `modelspec-lr-find-${engine}-`));
        const file = digitsWithAdam(dir);
        const r = cli(['lr-find', file, '--backend', engine, '--json', '--apply']);
        assert.equal(r.code, 0, r.stderr);
        const points = r.lines.filter((e): e is Extract<RunEvent, { type: 'lr_point' }> => e.type === 'lr_point');
        assert.ok(points.length >= 50, `${points.length} batches recorded`);
        assert.ok(
          points.length < 200,
          'the loss diverged before the end of the range (1e-7 to 10), and the test stopped',
        );
        assert.equal(points[0]!.learningRate, 1e-7);
        // Exponential: the ratio between consecutive learning rates is constant (10^(8/199)).
        const ratio = 10 ** (8 / 199);
        for (let i = 1; i < points.length; i++)
          assert.ok(Math.abs(points[i]!.learningRate / points[i - 1]!.learningRate / ratio - 1) < 1e-9);
        const started = r.lines.find((e) => e.type === 'started');
        assert.ok(started?.type === 'started' && started.engine === engine);
        const final = r.lines[r.lines.length - 1] as LrFindLine;
        assert.equal(final.type, 'lr_find');
        assert.equal(final.engine, engine);
        const { suggested, rule } = final.suggestion;
        assert.equal(rule, 'steepest');
        assert.ok(
          suggested >= 1e-4 && suggested <= 1e-2,
          `suggested learning rate ${suggested} should be in 1e-4..1e-2`,
        );
        // The range test's folder holds its events and result, and is not listed as a run.
        assert.ok(existsSync(join(final.folder, 'events.jsonl')));
        const saved = JSON.parse(readFileSync(join(final.folder, 'lr-find.json'), 'utf8')) as LrFindLine;
        assert.equal(saved.suggestion.suggested, suggested);
        assert.equal(saved.points.length, points.length);
        assert.ok(!existsSync(join(final.folder, 'model.json')), 'a range test saves no model');
        assert.ok(readdirSync(join(dir, 'runs', 'digits_mlp')).some((n) => n.startsWith('lr-find-')));
        assert.deepEqual(findRunFolders(join(dir, 'runs')), [], 'lists of runs leave range tests out');

        // --apply wrote the call in place of the bare name.
        const text = readFileSync(file, 'utf8');
        const written = /optimizer: Adam\(learning_rate=([0-9.e-]+)\)/.exec(text);
        assert.ok(written, `the optimizer line after --apply:\n${text}`);
        assert.ok(Math.abs(Number(written[1]) / suggested - 1) < 0.05, `${written[1]} is the suggestion ${suggested}`);

        const runs = mkdtempSync(join(tmpdir(), `modelspec-lr-train-${engine}-`));
        const t = cli(['train', file, '--backend', engine, '--epochs', '5', '--out', runs, '--json']);
        assert.equal(t.code, 0, t.stderr);
        const epoch = t.lines.find((e) => e.type === 'epoch');
        assert.ok(epoch?.type === 'epoch');
        assert.ok(
          Math.abs(epoch.learningRate / Number(written[1]) - 1) < 1e-6,
          'the run trained with the written rate',
        );
        const evaluated = t.lines.find((e) => e.type === 'evaluated');
        assert.ok(evaluated?.type === 'evaluated');
        assert.ok(evaluated.metrics.accuracy! >= 0.95, `test accuracy ${evaluated.metrics.accuracy} should be ≥ 0.95`);
      });
    },
  );
}
