// The loss each engine computes on the first batch of a .model file (no update): the file is
// checked, planned and turned into a RunSpec as `modelspec train` does, the data kept in order and
// the batch size as given; then `engine-tfjs SPEC --first-batch-loss` and
// `python3 -m modelspec_torch --first-batch-loss SPEC` each print it. With `sameWeights`, the
// torch engine starts from the TF.js engine's initial weights (test/training/parity.test.ts's way).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../language/analysis/analyze';
import { planTraining } from '../../language/analysis/plan';
import { findTorch } from '../../training/engines/detect';
import { pythonModuleCommand } from '../../training/engines/python-command';
import { selectBackend } from '../../training/engines/tfjs/backend';
import { buildModel, kerasOrderedWeights } from '../../training/engines/tfjs/model';
import type { RunEvent, TensorFile } from '../../training/protocol';
import { buildRunSpec } from '../../training/run-spec';
import { ensureBuilt } from './build';

const torch = (await findTorch()).probe;
export const NO_TORCH: string | false = torch ? false : 'no Python interpreter with torch here';

/** `file` is the .model's path (its folder resolves the data paths); `text` its contents. */
export async function firstBatchLosses(
  file: string,
  text: string,
  options: { sameWeights?: boolean } = {},
): Promise<{ tfjs: number; torch: number }> {
  ensureBuilt();
  const checked = analyze(text, { baseDir: join(file, '..') });
  assert.deepEqual(
    checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
    'the file checks',
  );
  const { plan, blocker } = planTraining(checked, file);
  assert.ok(plan, blocker);
  const spec = await buildRunSpec(plan, { runsDir: mkdtempSync(join(tmpdir(), 'first-batch-runs-')) });
  spec.data = { ...spec.data, shuffle: false, augment: undefined };
  spec.fit = { ...spec.fit, callbacks: [], seed: 1, mixedPrecision: false };
  if (options.sameWeights) {
    await selectBackend('tfjs:wasm');
    const model = await buildModel(spec, 1);
    const weightsDir = join(spec.runDir, 'weights');
    mkdirSync(weightsDir, { recursive: true });
    spec.initialWeights = {
      tensors: kerasOrderedWeights(model).map((w, i): TensorFile => {
        const path = join(weightsDir, `w${i}.bin`);
        writeFileSync(path, Buffer.from((w.read().dataSync() as Float32Array).buffer));
        return { path, dtype: 'float32', shape: w.shape as number[] };
      }),
    };
    model.dispose();
  }
  const specPath = join(spec.runDir, 'spec.json');
  writeFileSync(specPath, JSON.stringify(spec));
  const tf = spawnSync(process.execPath, ['dist/engine-tfjs.cjs', specPath, '--first-batch-loss'], {
    encoding: 'utf8',
  });
  assert.equal(tf.status, 0, tf.stderr);
  const batch = tf.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent)
    .find((e) => e.type === 'batch');
  assert.ok(batch?.type === 'batch', tf.stdout);
  assert.ok(torch, 'a Python with torch');
  const c = pythonModuleCommand(torch.python, 'modelspec_torch', ['--first-batch-loss', specPath]);
  const pt = spawnSync(c.command, c.args, { encoding: 'utf8', env: c.env });
  assert.equal(pt.status, 0, pt.stderr);
  const torchLoss = (JSON.parse(pt.stdout.trim().split('\n').pop()!) as { loss: number }).loss;
  return { tfjs: batch.loss, torch: torchLoss };
}
