// `modelspec evaluate RUN_DIR`: the RunSpec that makes an engine evaluate a finished run's saved
// model on its test data. The run folder's spec.json says what the model, loss, metrics and
// data were; its model.json (or best/model.json) holds the weights; the evaluation's own events
// go to RUN_DIR/evaluations/<time>/ so the run's history is left as it was.

import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { createRunFolder } from './files';
import { basename, dirname, join, resolve } from 'node:path';
import { analyze } from '../language/analysis/analyze';
import { lockPrepared, releasePrepared } from './data/cache-lock';
import { labelTargetOf } from '../language/analysis/checks';
import { planData } from '../language/analysis/plan';
import { prepareData } from './data/prepare';
import type { PreparedData, RunSpec, TensorFile } from './protocol';
import { dataSettingsOf, timestamp } from './run-spec';
import { missingModelReason, refreshRunFolder } from './run-folder';
import { readSavedWeights } from './saved-weights';
import { taskOfSpec } from './run-task';

export interface EvaluateOptions {
  /** Evaluate best/model.json (ModelCheckpoint's) instead of the final model. */
  best?: boolean;
  /** Overrides the run's fit.backend. */
  backend?: string;
  cacheDir?: string;
  onProgress?: (message: string) => void;
}

export async function buildEvaluateSpec(folder: string, opts: EvaluateOptions = {}): Promise<RunSpec> {
  let runDir = resolve(folder);
  let best = opts.best === true;
  // RUN_DIR/best (or a model.json inside a run) names the run and which model.
  if (basename(runDir) === 'model.json') runDir = dirname(runDir);
  if (basename(runDir) === 'best' && existsSync(join(dirname(runDir), 'spec.json'))) {
    runDir = dirname(runDir);
    best = true;
  }
  const specFile = join(runDir, 'spec.json');
  if (!existsSync(specFile)) {
    throw new Error(
      `${folder} is not a run folder (it has no spec.json); give a folder that \`modelspec train\` made, such as runs/<model>/<time>`,
    );
  }
  const run = JSON.parse(readFileSync(specFile, 'utf8')) as RunSpec;
  // A run whose launcher was killed: history.csv, summary.txt and report.html caught up with events.jsonl.
  refreshRunFolder(runDir);
  const modelFile = join(runDir, best ? 'best' : '', 'model.json');
  if (!existsSync(modelFile)) {
    throw new Error(
      best
        ? `${runDir} has no best/model.json: only runs with a ModelCheckpoint callback save one; evaluate the final model without --best`
        : `${runDir} has no model.json: ${missingModelReason(runDir)}`,
    );
  }
  const outDir = createRunFolder(join(runDir, 'evaluations'), timestamp());
  const tensors = readSavedWeights(modelFile, outDir).flatMap((l) => l.tensors);
  const data = dataPresent(run.data) ? run.data : await prepareAgain(run, opts);
  if (!data.test) {
    throw new Error(
      `the run's data has no test split to evaluate on; add test: to the data block of ${run.sourceFile} and train again`,
    );
  }
  return {
    ...run,
    mode: 'evaluate',
    // A run made before data.task existed gets the task its loss and targets make.
    data: { ...data, task: taskOfSpec(run) },
    // Evaluation runs in one process, also for a data-parallel run (and a spec.json from before
    // RunSpec carried devices and nnodes has neither).
    fit: {
      ...run.fit,
      callbacks: [],
      backend: opts.backend ?? run.fit.backend,
      engineReason: undefined,
      devices: 1,
      nnodes: 1,
    },
    runDir: outDir,
    initialWeights: { tensors, source: modelFile },
    // The saved weights cover every layer, an application's weights file's included.
    layerWeights: undefined,
  };
}

/** Whether the run's prepared tensors are still in the cache; if so, locks them (cache-lock.ts;
 *  released when the engine ends) so pruning leaves them alone, and marks them used now. */
function dataPresent(data: PreparedData): boolean {
  const files: TensorFile[] = [data.train, data.validation, data.test].flatMap((s) => (s ? [s.x, s.y] : []));
  lockPrepared(data);
  if (!files.every((f) => existsSync(f.path))) {
    releasePrepared(data);
    return false;
  }
  const now = new Date();
  for (const meta of new Set(files.map((f) => join(dirname(f.path), 'meta.json')))) {
    try {
      utimesSync(meta, now, now);
    } catch {
      // Not a cache entry (or a read-only cache): nothing to mark.
    }
  }
  return true;
}

/** The prepared data left the cache (it is pruned): prepare it again from the .model file. */
async function prepareAgain(run: RunSpec, opts: EvaluateOptions): Promise<PreparedData> {
  if (!existsSync(run.sourceFile)) {
    throw new Error(
      `the run's prepared data is no longer in the cache and its source ${run.sourceFile} is gone; nothing to evaluate on`,
    );
  }
  const analysis = analyze(readFileSync(run.sourceFile, 'utf8'), { baseDir: dirname(run.sourceFile) });
  const data = planData(analysis, dirname(run.sourceFile));
  if (!data) throw new Error(`${run.sourceFile} no longer has a data block to evaluate on`);
  if (!analysis.model)
    throw new Error(
      `${run.sourceFile} no longer has a model block; the run's data cannot be prepared again without it`,
    );
  opts.onProgress?.(`Preparing the data of ${run.sourceFile} again (it left the cache)`);
  const first = run.model.config.layers[0]?.config as { batch_input_shape?: (number | null)[] } | undefined;
  const inputShape = first?.batch_input_shape?.slice(1);
  if (!inputShape || inputShape.some((d) => d === null)) throw new Error(`the run's model has no fixed input shape`);
  return prepareData(dataSettingsOf(data), {
    baseDir: dirname(run.sourceFile),
    cacheDir: opts.cacheDir,
    inputShape: inputShape as number[],
    labelEncoding: run.data.labelEncoding,
    // The labels are checked against the loss and the output again, as for training: the files
    // may have changed since the run.
    labelTarget: labelTargetOf(analysis.model, run.compile.loss),
    onProgress: opts.onProgress,
  });
}
