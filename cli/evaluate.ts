// `modelspec evaluate RUN_DIR`: a finished run's saved model on its test data, in an engine
// process like training: test loss and metrics, then what the run's task calls for: the
// confusion matrix and per-class accuracy for classes, a per-label table for multi-label, the
// regression errors, or the reconstruction error with the image triples written as PNGs.

import { join } from 'node:path';
import { printable, printableJson } from '../language/printable';
import { makeDirs, writeFileAtomic } from '../training/files';
import { chooseEngine } from '../training/engines/detect';
import { buildEvaluateSpec } from '../training/evaluate-run';
import type { RunEvent } from '../training/protocol';
import { metricsLine } from '../training/run-folder';
import { startRun } from '../training/run-process';
import { colourFor, style } from './style';

export interface EvaluateArgs {
  runDir: string;
  best: boolean;
  backend?: string;
  json: boolean;
}

type Evaluated = Extract<RunEvent, { type: 'evaluated' }>;

export async function evaluate(args: EvaluateArgs): Promise<number> {
  const s = style(colourFor(process.stderr));
  // Paths, class names and engine messages come from the user's files and data: printed escaped,
  // with the CLI's own styling added after.
  const say = (line: string, styled: (t: string) => string = (t) => t) => {
    if (!args.json) process.stderr.write(styled(printable(line)) + '\n');
  };
  let spec;
  let choice;
  try {
    spec = await buildEvaluateSpec(args.runDir, {
      best: args.best,
      backend: args.backend,
      onProgress: (m) => say(m, s.dim),
    });
    choice = await chooseEngine(spec.fit.backend);
  } catch (e) {
    process.stderr.write(`modelspec: ${printable(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
  say(`Evaluating ${spec.initialWeights!.source} with ${choice.engine} (${choice.reason})`, s.dim);
  let evaluated: Evaluated | undefined;
  const handle = startRun(spec, choice, (event) => {
    if (args.json) process.stdout.write(printableJson(event) + '\n');
    if (event.type === 'evaluated') evaluated = event;
    if (event.type === 'failed') say(`modelspec: evaluation failed: ${event.message}`);
  });
  const final = await handle.done;
  if (final.type !== 'finished' || !evaluated) return 1;
  let imagesDir: string | undefined;
  try {
    imagesDir = writeImageTriples(evaluated, spec.runDir);
  } catch (e) {
    say(`modelspec: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  if (!args.json) process.stdout.write(evaluationText(evaluated, spec.data.test!.y.shape[0] ?? 0, imagesDir) + '\n');
  return 0;
}

/** An image-to-image evaluation's triples as PNGs in <evaluation folder>/images/ (`<row>-input.png`,
 *  `-target.png`, `-output.png`); returns the folder, or undefined when there are none. */
export function writeImageTriples(e: Evaluated, evaluationDir: string): string | undefined {
  const triples = e.images?.triples;
  if (!triples?.length) return undefined;
  const dir = join(evaluationDir, 'images');
  makeDirs(dir);
  for (const t of triples) {
    const parts = { input: t.input, target: t.target, output: t.output };
    for (const [part, png] of Object.entries(parts)) {
      // Row numbers are integers the engine wrote: nothing from the data reaches the file name.
      if (png !== undefined)
        writeFileAtomic(join(dir, `${Math.trunc(t.index)}-${part}.png`), Buffer.from(png, 'base64'));
    }
  }
  return dir;
}

/** 4 decimals; a diverged run's NaN arrives as null (JSON has no NaN). */
const fixed = (v: number | null) => (typeof v === 'number' ? v.toFixed(4) : 'NaN');

/** Test metrics, then the task's report: a confusion matrix small enough to read and per-class
 *  accuracy (classes), a per-label table (multi-label), the regression errors, or the image errors
 *  and where the triples were written (imagesDir). */
export function evaluationText(e: Evaluated, samples: number, imagesDir?: string): string {
  const lines = [`Test (${samples.toLocaleString('en-US')} samples): ${metricsLine(e.loss, e.metrics).join(', ')}`];
  if (e.multiLabel) lines.push('', ...multiLabelLines(e.multiLabel));
  if (e.regression) lines.push('', ...regressionLines(e.regression));
  if (e.images) lines.push('', ...imageLines(e.images, imagesDir));
  const matrix = e.confusionMatrix;
  if (!matrix) return lines.join('\n');
  // Class names are CSV labels or folder names: escaped, so the table stays aligned and inert.
  const names = (e.classes ?? matrix.map((_, i) => String(i))).map(printable);
  const perClass = matrix.map((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return { name: names[i] ?? String(i), total, correct: row[i] ?? 0 };
  });
  if (matrix.length <= 20) {
    const width = Math.max(4, ...names.map((n) => n.length), ...matrix.flat().map((v) => String(v).length));
    const cell = (v: string) => v.padStart(width);
    lines.push('', 'Confusion matrix (rows: true class, columns: predicted):');
    lines.push(`${cell('')} ${names.map(cell).join(' ')}`);
    matrix.forEach((row, i) =>
      lines.push(`${cell(names[i] ?? String(i))} ${row.map((v) => cell(String(v))).join(' ')}`),
    );
  }
  const worst = perClass.filter((c) => c.total > 0).sort((a, b) => a.correct / a.total - b.correct / b.total);
  lines.push('', 'Accuracy per class, lowest first:');
  for (const c of worst.slice(0, Math.min(worst.length, 10))) {
    lines.push(`  ${c.name}: ${((100 * c.correct) / c.total).toFixed(1)}% (${c.correct}/${c.total})`);
  }
  return lines.join('\n');
}

/** A table of each label's precision, recall, F1 and support, then the exact-match ratio. */
function multiLabelLines(r: NonNullable<Evaluated['multiLabel']>): string[] {
  // Label names are CSV column names: escaped, so the table stays aligned and inert.
  const names = r.labels.map((l) => printable(l.name));
  const width = Math.max(5, ...names.map((n) => n.length));
  const head = ['precision', 'recall', 'F1', 'support'];
  const lines = [
    `Per label (predicted when the output is above ${r.threshold}):`,
    `  ${'label'.padEnd(width)}  ${head.map((h) => h.padStart(9)).join(' ')}`,
  ];
  r.labels.forEach((l, i) => {
    const cells = [fixed(l.precision), fixed(l.recall), fixed(l.f1), String(l.support)];
    lines.push(`  ${names[i]!.padEnd(width)}  ${cells.map((c) => c.padStart(9)).join(' ')}`);
  });
  if (r.labelCount > r.labels.length) lines.push(`  (the first ${r.labels.length} of ${r.labelCount} labels)`);
  lines.push(`Exact match (every label right): ${fixed(r.exactMatch)}`);
  return lines;
}

function regressionLines(r: NonNullable<Evaluated['regression']>): string[] {
  const over = r.outputs > 1 ? ` over all ${r.outputs} outputs (R² averaged)` : '';
  const plotted = r.outputs > 1 ? `output ${r.output + 1} of ${r.outputs}` : 'the output';
  return [
    `Regression${over}: MAE ${fixed(r.mae)}, RMSE ${fixed(r.rmse)}, R² ${fixed(r.r2)}`,
    `Predicted vs true: ${r.trueValues.length.toLocaleString('en-US')} of ${r.count.toLocaleString('en-US')} test samples of ${plotted} (--json has them)`,
  ];
}

function imageLines(r: NonNullable<Evaluated['images']>, imagesDir: string | undefined): string[] {
  const psnr =
    typeof r.psnr === 'number'
      ? `PSNR ${r.psnr.toFixed(2)} dB`
      : r.mse === 0
        ? 'PSNR not defined (outputs equal the targets)'
        : 'PSNR not defined';
  const mse = typeof r.mse === 'number' ? r.mse.toPrecision(4) : 'NaN';
  const lines = [`Reconstruction: MSE ${mse}, ${psnr} (peak ${r.peak})`];
  if (imagesDir) lines.push(`Wrote ${r.triples.length} input/target/output image triples to ${printable(imagesDir)}`);
  return lines;
}
