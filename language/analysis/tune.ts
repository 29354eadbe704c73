// The tune block (LANGUAGE.md, "Search spaces and the tune block"): its objective must be a
// quantity training reports (the loss, a compiled metric, their val_ forms with validation data),
// and it needs something to search. `tunePlan` gives the settings explicit, the objective's
// direction inferred from the catalog as KerasTuner infers it.

import { blockSettings, getMetric, withDefaults } from '../catalog';
import type { ArgValue } from '../catalog/types';
import { excerpt } from '../excerpt';
import { diagnostic, type Diagnostic } from './diagnostics';
import type { SpacePlace } from './search-places';
import type { SearchSpace, TuneAlgorithm, TunePlan } from './search-space';
import type { SettingsAnalysis } from './settings';
import { closest } from './values';

/** The quantities a run reports per epoch, as its history names them: loss, each metric as written, and their val_ forms. */
export function reportedQuantities(compile: SettingsAnalysis | undefined, validation: boolean): string[] {
  const metrics = Array.isArray(compile?.values.metrics) ? compile.values.metrics : [];
  const train = ['loss', ...metrics.filter((m): m is string => typeof m === 'string')];
  return validation ? [...train, ...train.map((m) => `val_${m}`)] : train;
}

/** KerasTuner's rule: a loss goes down, a metric the way the catalog says; undefined when unknown. */
export function objectiveDirection(objective: string): 'min' | 'max' | undefined {
  const name = objective.startsWith('val_') ? objective.slice(4) : objective;
  if (name === 'loss') return 'min';
  return getMetric(name)?.direction;
}

export function hasValidation(data: SettingsAnalysis | undefined): boolean {
  const v = data?.values;
  return (
    !!v &&
    ((v.validation !== null && v.validation !== undefined) ||
      (typeof v.validation_split === 'number' && v.validation_split > 0))
  );
}

export function checkTune(
  tune: SettingsAnalysis,
  spaces: readonly SearchSpace[],
  places: readonly SpacePlace[],
  compile: SettingsAnalysis | undefined,
  data: SettingsAnalysis | undefined,
  out: Diagnostic[],
): void {
  const keyword = tune.block.keyword;
  if (!spaces.length)
    out.push(
      diagnostic(
        'tune-without-search-space',
        keyword,
        "This tune block has nothing to search: write a search space where a value goes, e.g. Dense(Choice(32, 64, 128)) or Adam(learning_rate=Float(1e-4, 1e-2, sampling='log'))",
      ),
    );

  const objective = tune.values.objective;
  const written = tune.written.objective;
  const range = written?.value.range ?? keyword;
  if (typeof objective === 'string') {
    const validation = hasValidation(data);
    const reported = reportedQuantities(compile, true);
    const metric = objective.startsWith('val_') ? objective.slice(4) : objective;
    const what = written ? `objective '${excerpt(objective)}'` : `The default objective '${objective}'`;
    if (!reported.includes(objective)) {
      const canonical = getMetric(metric)?.name;
      const guess = closest(objective, reportedQuantities(compile, validation));
      const fix =
        written && guess
          ? [
              {
                kind: 'replace' as const,
                range: written.value.range,
                text: `'${guess}'`,
                title: `Change to '${guess}'`,
              },
            ]
          : [];
      out.push(
        diagnostic(
          'tune-objective',
          range,
          canonical || objectiveDirection(metric)
            ? `Add '${metric}' to the compile block's metrics, or pick what training reports: the ${what} is not among ${reportedQuantities(compile, validation).join(', ')}`
            : `${guess ? `Did you mean '${guess}'? ` : ''}The ${what} is not a quantity training reports; it reports ${reportedQuantities(compile, validation).join(', ')}`,
          { fixes: fix },
        ),
      );
    } else if (objective.startsWith('val_') && !validation) {
      out.push(
        diagnostic(
          'tune-objective',
          range,
          `Add validation_split: 0.2 (or validation: …) to the data block, or use '${metric}': the ${what} is measured on validation data and this file has none`,
        ),
      );
    }
  }

  if (tune.values.algorithm === 'grid')
    for (const s of spaces)
      if (s.kind === 'float' && s.step === undefined) {
        const place = places.find((p) => p.name === s.name);
        out.push(
          diagnostic(
            'tune-grid-continuous',
            place?.call.range ?? s.range,
            `Add step= to '${s.name}' for a grid search (e.g. Float(${s.min}, ${s.max}, step=…)), or use algorithm: 'random' or 'bayesian': a grid needs a finite set of values`,
          ),
        );
      }
}

/** The tune block's settings with the catalog's defaults, and the objective's direction. */
export function tunePlan(values: Record<string, ArgValue>): TunePlan {
  const v = withDefaults({ args: blockSettings('tune') }, values);
  const objective = typeof v.objective === 'string' ? v.objective : 'val_loss';
  return {
    objective,
    direction: objectiveDirection(objective) ?? 'min',
    maxTrials: v.max_trials as number,
    algorithm: v.algorithm as TuneAlgorithm,
    executionsPerTrial: v.executions_per_trial as number,
    pruning: v.pruning === true,
    parallel: v.parallel as number,
    ...(typeof v.seed === 'number' && { seed: v.seed }),
  };
}
