// Writing the learning-rate finder's suggestion into the optimizer (language/services/
// learning-rate-edit.ts): every way an optimizer can be written, and the result re-checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../language/analysis/analyze';
import { planTraining } from '../../../language/analysis/plan';
import { applyLearningRateEdit, learningRateEdits } from '../../../language/services/learning-rate-edit';
import { applyEdits } from './helpers';

const fileWith = (compileBody: string) => `model m {
    Input(shape=(784,))
    Dense(10, activation='softmax')
}

compile {
${compileBody}
}

data {
    train: digits
}
`;

function written(compileBody: string, lr = '1.2e-3'): string {
  const analysis = analyze(fileWith(compileBody));
  const r = learningRateEdits(analysis, lr);
  assert.ok(!('error' in r), 'error' in r ? r.error : '');
  const text = applyEdits(analysis.text, r.edits);
  // The result is as the checker sees it: no new diagnostics, the optimizer has the new rate.
  const after = analyze(text);
  assert.deepEqual(
    after.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
    `the edited file:\n${text}`,
  );
  return /compile \{\n([\s\S]*?)\n\}/.exec(text)![1]!;
}

test("a bare name becomes the call: 'adam' → Adam(learning_rate=…)", () => {
  assert.equal(
    written("    loss: 'categorical_crossentropy'\n    optimizer: 'adam'"),
    "    loss: 'categorical_crossentropy'\n    optimizer: Adam(learning_rate=1.2e-3)",
  );
  assert.equal(
    written("    optimizer: 'SGD'\n    loss: 'mse'"),
    "    optimizer: SGD(learning_rate=1.2e-3)\n    loss: 'mse'",
  );
});

test('a call gets learning_rate replaced where it is written, or added', () => {
  assert.equal(
    written("    loss: 'mse'\n    optimizer: Adam(learning_rate=0.1, beta_1=0.8)"),
    "    loss: 'mse'\n    optimizer: Adam(learning_rate=1.2e-3, beta_1=0.8)",
  );
  assert.equal(written("    loss: 'mse'\n    optimizer: Adam(0.1)"), "    loss: 'mse'\n    optimizer: Adam(1.2e-3)");
  assert.equal(
    written("    loss: 'mse'\n    optimizer: Adam(lr=0.1)"),
    "    loss: 'mse'\n    optimizer: Adam(learning_rate=1.2e-3)",
  );
  assert.equal(
    written("    loss: 'mse'\n    optimizer: Adam()"),
    "    loss: 'mse'\n    optimizer: Adam(learning_rate=1.2e-3)",
  );
  assert.equal(
    written("    loss: 'mse'\n    optimizer: SGD(momentum=0.9)"),
    "    loss: 'mse'\n    optimizer: SGD(momentum=0.9, learning_rate=1.2e-3)",
  );
});

test("no optimizer setting: Keras's default (rmsprop) is written with the rate", () => {
  assert.equal(
    written("    loss: 'mse'\n    metrics: ['mae']"),
    "    loss: 'mse'\n    metrics: ['mae']\n    optimizer: RMSprop(learning_rate=1.2e-3)",
  );
});

test('the plan trains with the written rate', () => {
  const analysis = analyze(fileWith("    loss: 'categorical_crossentropy'\n    optimizer: 'adam'"));
  const r = applyLearningRateEdit(analysis, '3e-4');
  assert.ok('text' in r);
  const planned = planTraining(analyze(r.text), 'm.model');
  assert.equal(planned.plan?.compile.optimizer.args.learning_rate, 3e-4);
});

test('what cannot be edited says why', () => {
  const noCompile = analyze('model m {\n    Input(shape=(4,))\n    Dense(1)\n}\n');
  assert.match((learningRateEdits(noCompile, '1e-3') as { error: string }).error, /no compile block/);
  const unknown = analyze(fileWith("    loss: 'mse'\n    optimizer: 'adamm'"));
  assert.match((learningRateEdits(unknown, '1e-3') as { error: string }).error, /'adamm' is not an optimizer/);
});
