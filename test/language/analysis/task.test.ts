// The plan's task (language/analysis/task.ts): what kind of learning a file describes, read by the
// evaluation, the CLI and the panel. Derived from the loss, the output and the data block.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../../language/analysis/analyze';
import { planTraining, type TrainingPlan } from '../../../language/analysis/plan';

function plan(text: string): TrainingPlan {
  const dir = tmpdir();
  const result = planTraining(analyze(text, { baseDir: dir }), join(dir, 'm.model'));
  assert.ok(result.plan, result.blocker);
  return result.plan;
}

const file = (layers: string, loss: string, data = 'train: digits', input = '(28, 28, 1)') =>
  `model m {\n    Input(shape=${input})\n${layers}\n}\ncompile { loss: '${loss}' }\ndata { ${data} }\n`;

describe('TrainingPlan.task', () => {
  it('is multiclass for softmax with categorical or sparse categorical crossentropy', () => {
    const layers = "    Flatten()\n    Dense(10, activation='softmax')";
    assert.equal(plan(file(layers, 'categorical_crossentropy')).task, 'multiclass');
    assert.equal(plan(file(layers, 'sparse_categorical_crossentropy')).task, 'multiclass');
  });

  it('is binary for one sigmoid unit with binary_crossentropy', () => {
    assert.equal(
      plan(file("    Dense(1, activation='sigmoid')", 'binary_crossentropy', 'train: boston_housing', '(13,)')).task,
      'binary',
    );
  });

  it('is regression for mse on a vector output, and image-to-image for class_mode input on images', () => {
    assert.equal(plan(file('    Dense(3)', 'mse', 'train: boston_housing', '(13,)')).task, 'regression');
    const ae = "    Conv2D(1, (3, 3), padding='same', activation='sigmoid')";
    assert.equal(
      plan(file(ae, 'binary_crossentropy', "train: digits\n    class_mode: 'input'")).task,
      'image-to-image',
    );
    assert.equal(
      plan(file(ae, 'binary_crossentropy', "train: digits\n    class_mode: 'input'")).data.classMode,
      'input',
    );
  });

  it('is multilabel for k sigmoid outputs on label=[…] columns, regression for the same columns under mse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelspec-task-'));
    writeFileSync(join(dir, 'tags.csv'), 'x1,x2,a,b\n1,2,1,0\n3,4,0,1\n');
    const text = (loss: string) =>
      `model m {\n    Input(shape=(2,))\n    Dense(2, activation='sigmoid')\n}\ncompile { loss: '${loss}' }\ndata { train: csv('tags.csv', label=['a', 'b']) }\n`;
    const planOf = (loss: string) => {
      const result = planTraining(analyze(text(loss), { baseDir: dir }), join(dir, 'm.model'));
      assert.ok(result.plan, result.blocker);
      return result.plan;
    };
    assert.equal(planOf('binary_crossentropy').task, 'multilabel');
    assert.equal(planOf('mse').task, 'regression');
  });
});
