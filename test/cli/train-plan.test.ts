// `modelspec train` and `modelspec export` read the TrainingPlan (language/analysis/plan.ts):
// what the run's spec.json and the scripts say is what the plan says, Keras's defaults applied
// once, from the catalog. Runs the CLI as a process on a tiny model (TensorFlow.js, one epoch).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { blockSettings, getCallback, getOptimizer } from '../../language/catalog';
import type { RunEvent, RunSpec } from '../../training/protocol';
import { ensureBuilt } from '../helpers/build';

const CLI = join(process.cwd(), 'bin', 'modelspec.cjs');
const MODEL = "model tiny {\n    Input(shape=(28, 28, 1))\n    Flatten()\n    Dense(10, activation='softmax')\n}\n";
const fitDefault = (name: string) => blockSettings('fit').find((a) => a.name === name)?.default;

function cli(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, MODELSPEC_CACHE: join(dir, 'cache') },
  });
}

describe('modelspec train: the run takes the plan', () => {
  before(() => ensureBuilt());

  it('a bare callback name (callbacks: [EarlyStopping]) reaches the engine with Keras defaults, as the export prints it; unset settings take the catalog defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-train-plan-'));
    writeFileSync(
      join(dir, 'm.model'),
      `${MODEL}compile {\n    loss: 'categorical_crossentropy'\n    optimizer: 'adam'\n}\ndata { train: digits }\nfit {\n    callbacks: [EarlyStopping]\n}\n`,
    );
    const r = cli(dir, 'train', 'm.model', '--backend', 'tfjs', '--out', 'runs', '--json');
    assert.equal(r.status, 0, r.stderr);
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as RunEvent);
    const started = events.find((e): e is Extract<RunEvent, { type: 'started' }> => e.type === 'started');
    assert.ok(started, r.stdout);
    const spec = JSON.parse(readFileSync(join(started.runDir, 'spec.json'), 'utf8')) as RunSpec;
    // Before the plan, a callback written without () was dropped from the run without a word.
    assert.deepEqual(spec.fit.callbacks, [
      {
        name: 'EarlyStopping',
        args: Object.fromEntries(getCallback('EarlyStopping')!.args.map((a) => [a.name, a.default])),
      },
    ]);
    assert.equal(spec.fit.batchSize, fitDefault('batch_size'));
    assert.equal(spec.fit.epochs, fitDefault('epochs'));
    assert.equal(started.batchSize, fitDefault('batch_size'));
    const adam = getOptimizer('adam')!;
    assert.deepEqual(spec.compile.optimizer, {
      name: adam.className,
      args: Object.fromEntries(adam.args.map((a) => [a.name, a.default])),
    });
    assert.equal(events[events.length - 1].type, 'finished');
    const exported = cli(dir, 'export', 'm.model', '--to', 'keras', '--out', 'm_keras.py');
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(readFileSync(join(dir, 'm_keras.py'), 'utf8'), /callbacks=\[keras\.callbacks\.EarlyStopping\(\)\]/);
  });
});

describe('modelspec export: the scripts take the plan', () => {
  before(() => ensureBuilt());

  it('validation: mnist holds out the test part in the script, as training does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-export-plan-'));
    writeFileSync(
      join(dir, 'm.model'),
      `${MODEL}compile { loss: 'categorical_crossentropy' }\ndata {\n    train: mnist\n    validation: mnist\n}\n`,
    );
    for (const to of ['keras', 'pytorch'] as const) {
      const out = join(dir, `m_${to}.py`);
      const r = cli(dir, 'export', 'm.model', '--to', to, '--out', out);
      assert.equal(r.status, 0, r.stderr);
      const script = readFileSync(out, 'utf8');
      if (to === 'keras') {
        // keras.datasets.mnist.load_data() is ((x_train, y_train), (x_test, y_test)): [1] is the test part.
        assert.match(script, /x_train, y_train = keras\.datasets\.mnist\.load_data\(\)\[0\]/);
        assert.match(script, /x_val, y_val = keras\.datasets\.mnist\.load_data\(\)\[1\]/);
      } else assert.match(script, /load_mnist\('mnist', 'train'\)/);
    }
  });
});
