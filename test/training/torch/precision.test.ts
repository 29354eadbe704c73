// fit { mixed_precision } in the PyTorch engine on the CPU: Keras's policy names. 'mixed_bfloat16'
// trains under bfloat16 autocast (torch's CPU autocast) and still learns; 'mixed_float16' needs a
// CUDA GPU and is refused with a message that names the alternatives. (The CUDA paths, float16
// with a loss scaler and bfloat16 where the GPU has it, run where a GPU is present.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SKIP, mlpSpec, ofType, tempDir, train } from './helpers';

test("mixed_precision 'mixed_bfloat16' trains under bfloat16 autocast on the CPU and learns", { skip: SKIP }, () => {
  const dir = tempDir();
  const spec = mlpSpec(dir);
  spec.fit = { ...spec.fit, precisionPolicy: 'mixed_bfloat16' };
  const { events, status, stderr } = train(dir, spec);
  assert.equal(status, 0, stderr);
  assert.ok(
    ofType(events, 'log').some((e) => e.message === 'mixed precision: bfloat16 autocast on CPU'),
    JSON.stringify(ofType(events, 'log')),
  );
  const epochs = ofType(events, 'epoch');
  assert.equal(epochs.length, 5);
  assert.ok(epochs.at(-1)!.metrics.accuracy! > 0.9, `accuracy ${epochs.at(-1)!.metrics.accuracy}`);
  assert.equal(ofType(events, 'finished').length, 1);
});

test(
  "mixed_precision 'mixed_float16' on the CPU is refused, pointing at 'mixed_bfloat16' and 'float32'",
  { skip: SKIP },
  () => {
    const dir = tempDir();
    const spec = mlpSpec(dir);
    spec.fit = { ...spec.fit, precisionPolicy: 'mixed_float16' };
    const { events, status } = train(dir, spec);
    assert.equal(status, 1);
    const failed = ofType(events, 'failed');
    assert.equal(failed.length, 1);
    assert.match(
      failed[0]!.message,
      /^mixed_precision 'mixed_float16' needs a CUDA GPU \(this run is on CPU.*\); use 'mixed_bfloat16' on the CPU, or 'float32'$/,
    );
  },
);

test('without a policy the CPU trains in float32 (no autocast), as before', { skip: SKIP }, () => {
  const dir = tempDir();
  const { events, status, stderr } = train(dir, mlpSpec(dir));
  assert.equal(status, 0, stderr);
  assert.ok(!ofType(events, 'log').some((e) => e.message.startsWith('mixed precision')));
});
