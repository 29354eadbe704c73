// The run's task (language/analysis/task.ts, training/run-task.ts): the rule over the loss's label kind and the output shape,
// what run-spec.ts writes into data.task for a checked file, and the task of a spec.json written
// before data.task existed (modelspec evaluate of an old run).
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../language/analysis/analyze';
import { planTraining } from '../../language/analysis/plan';
import type { RunSpec } from '../../training/protocol';
import { buildRunSpec } from '../../training/run-spec';
import { taskOf as taskOfFacts } from '../../language/analysis/task';
import { getLoss } from '../../language/catalog';
import { taskOfSpec } from '../../training/run-task';

const taskOf = (loss: string, output: number[]) =>
  taskOfFacts({ labels: getLoss(loss)?.labels, output, imageInputs: false });
import { releasePrepared } from '../../training/data/cache-lock';
import { npyBytes } from './data/helpers';

describe('the task of a run', () => {
  it('follows the loss and the output shape', () => {
    assert.equal(taskOf('sparse_categorical_crossentropy', [10]), 'multiclass');
    assert.equal(taskOf('categorical_crossentropy', [2]), 'multiclass');
    assert.equal(taskOf('binary_crossentropy', [1]), 'binary');
    assert.equal(taskOf('hinge', [1]), 'binary');
    assert.equal(taskOf('binary_crossentropy', [5]), 'multilabel');
    assert.equal(taskOf('binary_crossentropy', [28, 28, 1]), 'image-to-image');
    assert.equal(taskOf('mse', [28, 28, 1]), 'image-to-image');
    assert.equal(taskOf('mse', [1]), 'regression');
    assert.equal(taskOf('mae', [3]), 'regression');
  });

  it("is the spec's data.task, or for an old spec.json, the rule over its stored targets", () => {
    const old = (loss: string, yShape: number[], task?: RunSpec['data']['task']) =>
      taskOfSpec({
        compile: { loss, optimizer: { name: 'Adam', args: {} }, metrics: [] },
        data: {
          source: 's',
          train: {
            x: { path: 'x', dtype: 'float32', shape: [yShape[0]!, 4] },
            y: { path: 'y', dtype: 'float32', shape: yShape },
          },
          validationSplit: 0,
          rescale: 1,
          labelEncoding: 'raw',
          shuffle: false,
          isImage: false,
          ...(task && { task }),
        },
      });
    assert.equal(old('mse', [100, 1], 'image-to-image'), 'image-to-image', 'data.task wins');
    assert.equal(old('categorical_crossentropy', [100]), 'multiclass', 'class indices stand for one-hot targets');
    assert.equal(old('binary_crossentropy', [100]), 'binary');
    assert.equal(old('binary_crossentropy', [100, 3]), 'multilabel');
    assert.equal(old('mse', [100, 2]), 'regression');
    assert.equal(old('mse', [100, 8, 8, 1]), 'image-to-image');
  });

  it('is written into the RunSpec of a checked file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-task-'));
    const n = 20;
    writeFileSync(join(dir, 'x.npy'), npyBytes('<f4', [n, 4], new Uint8Array(new Float32Array(n * 4).buffer)));
    writeFileSync(join(dir, 'y.npy'), npyBytes('<f4', [n, 3], new Uint8Array(new Float32Array(n * 3).buffer)));
    for (const [head, loss, task] of [
      ["Dense(3, activation='sigmoid')", 'binary_crossentropy', 'multilabel'],
      ['Dense(3)', 'mse', 'regression'],
    ] as const) {
      const text = `model m {\n  Input(shape=(4,))\n  ${head}\n}\ncompile { loss: '${loss}'  optimizer: 'adam' }\ndata { train: npy(x='x.npy', y='y.npy') }\n`;
      const { plan, blocker } = planTraining(analyze(text, { baseDir: dir }), join(dir, 'm.model'));
      assert.ok(plan, blocker);
      const spec = await buildRunSpec(plan, { cacheDir: join(dir, 'cache'), runsDir: join(dir, 'runs') });
      releasePrepared(spec.data);
      assert.equal(spec.data.task, task, loss);
    }
  });
});
