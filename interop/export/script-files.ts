// The files `modelspec export FILE --to keras|pytorch` and the editor's Export command write:
// the script, and beside it the bundled digits as .npz when the data block reads them (they
// cannot be downloaded, so the script loads the exact arrays ModelSpec trains on).

import { basename, dirname, join } from 'node:path';
import type { Analysis } from '../../language/analysis/analyze';
import { planModel } from '../../language/analysis/plan';
import { unsupportedLayersError } from '../../language/analysis/support';
import { readDigits } from '../../training/data/digits';
import { exportKeras } from './keras';
import { npzBytes } from './npz-writer';
import { digitsFileName } from './python-data';
import { exportPytorch } from './pytorch';

export type ScriptTarget = 'keras' | 'pytorch';

/** `<dir>/<model>_keras.py` or `<dir>/<model>_pytorch.py`, beside the .model file. */
export function defaultScriptPath(modelFile: string, to: ScriptTarget): string {
  return join(dirname(modelFile), `${basename(modelFile).replace(/\.model$/, '')}_${to}.py`);
}

export interface ScriptFiles {
  script: string;
  /** Data files the script loads from its own folder (path beside `scriptPath`, bytes). */
  data: { path: string; bytes: Buffer }[];
}

/** The script for `modelFile` and the data files it needs beside `scriptPath`. Throws with a message on a model it cannot export. */
export async function exportScriptFiles(
  analysis: Analysis,
  modelFile: string,
  to: ScriptTarget,
  scriptPath: string,
): Promise<ScriptFiles> {
  // Refuse before anything is written, with the checker's message for each layer the target lacks.
  const refused = analysis.model && unsupportedLayersError(analysis.model, to);
  if (refused) throw new Error(refused);
  const plan = planModel(analysis, modelFile);
  if (!plan) throw new Error(`${modelFile} has errors; fix them before exporting`);
  const script = to === 'keras' ? exportKeras(plan) : exportPytorch(plan);
  const data: ScriptFiles['data'] = [];
  const sources = [plan.data?.train, plan.data?.test, plan.data?.validation];
  if (sources.some((r) => r?.name === 'digits')) {
    const [train, test] = [await readDigits('train'), await readDigits('test')];
    const arrays = (
      [
        ['train', train],
        ['test', test],
      ] as const
    ).flatMap(([part, d]) => [
      { name: `x_${part}`, dtype: '|u1' as const, shape: [d.count, d.rows, d.cols], data: d.x },
      { name: `y_${part}`, dtype: '|u1' as const, shape: [d.count], data: d.labels },
    ]);
    data.push({ path: join(dirname(scriptPath), digitsFileName(modelFile)), bytes: npzBytes(arrays) });
  }
  return { script, data };
}
