// `modelspec evaluate RUN_DIR`: a finished run's saved model on its test data, in an engine
// process like training: test loss and metrics, the confusion matrix and per-class accuracy
// for classification, and the clearest mistakes.

import { printable, printableJson } from '../language/printable';
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
  if (!args.json) process.stdout.write(evaluationText(evaluated, spec.data.test!.y.shape[0] ?? 0) + '\n');
  return 0;
}

/** Test metrics, then (classification) a confusion matrix small enough to read and per-class accuracy. */
export function evaluationText(e: Evaluated, samples: number): string {
  const lines = [`Test (${samples.toLocaleString('en-US')} samples): ${metricsLine(e.loss, e.metrics).join(', ')}`];
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
