// `modelspec lr-find FILE`: the learning-rate range test (training/lr-find-session.ts) on the
// file's engine. Prints the suggestion (and, with --apply, writes it into the file's optimizer);
// --json streams the engine's events, then one `lr_find` object with the points and suggestion.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyze, type Analysis } from '../language/analysis/analyze';
import { planTraining } from '../language/analysis/plan';
import { printable, printableJson } from '../language/printable';
import { applyLearningRateEdit } from '../language/services/learning-rate-edit';
import { writeFileAtomic } from '../training/files';
import { formatLearningRate, type LrSuggestion } from '../training/lr-find';
import { lrFindJson, startLrFind, type LrFindOutcome } from '../training/lr-find-session';
import type { LrFindSettings } from '../training/protocol';
import { colourFor, style } from './style';

export interface LrFindArgs {
  file: string;
  analysis: Analysis;
  backend?: string;
  out?: string;
  json: boolean;
  apply: boolean;
  settings: Partial<LrFindSettings>;
}

export async function lrFind(args: LrFindArgs): Promise<number> {
  const planned = planTraining(args.analysis, args.file);
  if (!planned.plan) {
    process.stderr.write(
      `modelspec: cannot run a range test on ${printable(args.file)}: ${printable(planned.blocker)}\n`,
    );
    return 1;
  }
  const s = style(colourFor(process.stderr));
  const say = (line: string) => {
    if (!args.json) process.stderr.write(printable(line) + '\n');
  };
  let run;
  try {
    run = await startLrFind(planned.plan, {
      backend: args.backend,
      runsDir: args.out,
      settings: args.settings,
      onProgress: (m) => say(m),
      onEngine: (spec, choice) => {
        const l = spec.lrFind!;
        say(
          `Learning-rate range test of ${spec.modelName} with ${choice.engine} (${choice.reason}): ${l.steps} batches of ${spec.fit.batchSize}, learning rate ${formatLearningRate(l.startLearningRate)} to ${formatLearningRate(l.endLearningRate)}`,
        );
      },
    });
  } catch (e) {
    process.stderr.write(`modelspec: ${printable(e instanceof Error ? e.message : String(e))}\n`);
    return 1;
  }
  const tty = process.stderr.isTTY === true && !args.json;
  run.session.subscribe((event) => {
    if (args.json) process.stdout.write(printableJson(event) + '\n');
    else if (tty && event.type === 'lr_point')
      process.stderr.write(
        `\r  batch ${event.step}: learning rate ${formatLearningRate(event.learningRate)}, smoothed loss ${event.smoothedLoss.toFixed(4)}   `,
      );
  });
  const onSigint = () => run.session.stop('stopped by the user (SIGINT)');
  process.on('SIGINT', onSigint);
  const outcome = await run.outcome;
  process.off('SIGINT', onSigint);
  if (tty) process.stderr.write('\n');
  if (args.json) process.stdout.write(printableJson({ type: 'lr_find', ...lrFindJson(outcome) }) + '\n');
  else report(outcome, s);
  if (outcome.final.type === 'failed') return 1;
  if (!outcome.suggestion) return 1;
  if (args.apply) return applySuggestion(args.file, outcome.suggestion, args.json);
  return 0;
}

function report(o: LrFindOutcome, s: ReturnType<typeof style>): void {
  const out = (line: string) => process.stdout.write(printable(line) + '\n');
  const last = o.points[o.points.length - 1];
  if (o.failure) process.stderr.write(s.red(`Range test ${printable(o.failure)}`) + '\n');
  if (last) out(`${o.points.length} batches, up to learning rate ${formatLearningRate(last.learningRate)}`);
  if (!o.suggestion) {
    process.stderr.write(`modelspec: no suggestion: ${printable(o.problem ?? o.failure ?? 'no points recorded')}\n`);
  } else {
    out(`Suggested learning rate: ${formatLearningRate(o.suggestion.suggested)} (${ruleWords(o.suggestion)})`);
    if (o.suggestion.steepest !== undefined)
      out(`  steepest descent of the smoothed loss: ${formatLearningRate(o.suggestion.steepest)}`);
    out(
      `  lowest smoothed loss at ${formatLearningRate(o.suggestion.minimum)}; minimum/10: ${formatLearningRate(o.suggestion.minimumOver10)}`,
    );
  }
  out(`Folder: ${o.folder}`);
}

/** How the suggested value was chosen, in words. */
export function ruleWords(suggestion: LrSuggestion): string {
  return suggestion.rule === 'steepest'
    ? 'the steepest descent of the smoothed loss'
    : 'the lowest smoothed loss divided by 10; the loss never fell steeply';
}

function applySuggestion(file: string, suggestion: LrSuggestion, json: boolean): number {
  const text = readFileSync(file, 'utf8');
  const analysis = analyze(text, { baseDir: dirname(resolve(file)) });
  const value = formatLearningRate(suggestion.suggested);
  const r = applyLearningRateEdit(analysis, value);
  if ('error' in r) {
    process.stderr.write(`modelspec: cannot write the learning rate into ${printable(file)}: ${printable(r.error)}\n`);
    return 1;
  }
  writeFileAtomic(file, r.text, 'train');
  const line = `Wrote ${r.optimizer}(learning_rate=${value}) into ${file}`;
  (json ? process.stderr : process.stdout).write(printable(line) + '\n');
  return 0;
}
