// Every example in examples/ checks clean through `modelspec check`, and each whose data is here
// (the bundled digits, the CSVs in examples/data) trains an epoch through `modelspec train` on
// one engine (PyTorch where it is found, it is the faster one on a CPU; else TensorFlow.js):
// one example per task of the lecture (binary, multi-class, multi-label, regression, vector
// regression, text classification, autoencoder, denoising autoencoder).

import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyze } from '../../language/analysis/analyze';
import { planTraining } from '../../language/analysis/plan';
import { findTorch } from '../../training/engines/detect';
import { ensureBuilt } from '../helpers/build';
import { checkCli, epochsOf, trainCli } from '../helpers/train-cli';

const EXAMPLES = resolve('examples');
const files = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.model'))
  .sort();
const engine = (await findTorch()).probe ? 'torch' : 'tfjs';

/** The examples whose training data is on this machine without a download, with their task. */
function localExamples(): { file: string; task: string }[] {
  return files.flatMap((f) => {
    const path = join(EXAMPLES, f);
    const { plan, blocker } = planTraining(analyze(readFileSync(path, 'utf8'), { baseDir: EXAMPLES }), path);
    assert.ok(plan, `${f}: ${blocker}`);
    const local = plan.data.train.kind === 'file' || plan.data.train.name === 'digits';
    return local && !plan.initialWeights ? [{ file: f, task: plan.task }] : [];
  });
}

describe('examples/', () => {
  before(() => ensureBuilt());

  it('every example checks clean through modelspec check', () => {
    const r = checkCli(files.map((f) => join(EXAMPLES, f)));
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, new RegExp(`${files.length} files checked: 0 errors, 0 warnings`));
  });

  it('has an example of every task that trains without a download', () => {
    const tasks = new Set(localExamples().map((e) => e.task));
    assert.deepEqual([...tasks].sort(), ['binary', 'image-to-image', 'multiclass', 'multilabel', 'regression']);
  });

  for (const { file, task } of localExamples()) {
    it(`${file} (${task}) trains an epoch on ${engine} through modelspec train`, () => {
      const run = trainCli(join(EXAMPLES, file), ['--backend', engine, '--epochs', '1']);
      assert.equal(run.code, 0, run.stderr);
      const [epoch] = epochsOf(run);
      assert.ok(epoch && Number.isFinite(epoch.loss), `${file}: an epoch with a finite loss`);
      assert.equal(run.events[run.events.length - 1]?.type, 'finished');
    });
  }
});
