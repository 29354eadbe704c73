// From a .model file's text to what the tune session takes: its search spaces and tune block
// (the language core's plan: plan.search, plan.tune) and the trial planner — the file analyzed
// again with a trial's values in place of its spaces, then planned like any file. Shared by
// `modelspec tune` and the editor's Tune Model command.

import { dirname, resolve } from 'node:path';
import { analyze } from '../../language/analysis/analyze';
import { planTraining, type TrainingPlan } from '../../language/analysis/plan';
import { searchParams, type SpaceLike } from './space';
import type { Assignment, PlanTrial, SearchParam, TuneSettings } from './types';

/** The tune block as the language core plans it (language/analysis/search-space.ts, TunePlan). */
interface TunePlanLike {
  objective: string;
  direction: 'min' | 'max';
  maxTrials: number;
  algorithm: TuneSettings['algorithm'];
  executionsPerTrial: number;
  pruning: boolean;
  parallel: number;
  seed?: number;
}

type SearchPlan = TrainingPlan & { search?: SpaceLike[]; tune?: TunePlanLike };
type AnalyzeWithValues = NonNullable<Parameters<typeof analyze>[1]> & { hyperparameters?: Assignment };

export interface TuneFile {
  modelName: string;
  baseDir: string;
  space: SearchParam[];
  settings: TuneSettings;
  planTrial: PlanTrial;
  /** The file's epochs (each run's, unless --epochs says otherwise). */
  epochs: number;
}

/** The search a file asks for, or why it cannot be searched (the plan's blocker, no search space). */
export function tuneFile(text: string, file: string): { tune?: TuneFile; blocker?: string } {
  const path = resolve(file);
  const baseDir = dirname(path);
  const analyzeWith = (hyperparameters?: Assignment) => {
    const options: AnalyzeWithValues = { baseDir, ...(hyperparameters ? { hyperparameters } : {}) };
    return analyze(text, options);
  };
  const planned = planTraining(analyzeWith(), path);
  if (!planned.plan) return { blocker: planned.blocker };
  const plan = planned.plan as SearchPlan;
  const spaces = plan.search ?? [];
  if (spaces.length === 0)
    return {
      blocker:
        "it has no search space to tune: write one where a value goes, e.g. Dense(Choice(32, 64, 128)) or Adam(learning_rate=Float(1e-4, 1e-1, sampling='log'))",
    };
  const t = plan.tune;
  if (!t) return { blocker: "it has no tune block: add one, e.g. tune { objective: 'val_loss'  max_trials: 20 }" };
  return {
    tune: {
      modelName: plan.modelName,
      baseDir,
      space: searchParams(spaces),
      settings: {
        objective: t.objective,
        direction: t.direction === 'max' ? 'maximize' : 'minimize',
        maxTrials: t.maxTrials,
        algorithm: t.algorithm,
        executionsPerTrial: t.executionsPerTrial,
        pruning: t.pruning,
        parallel: t.parallel,
        seed: t.seed,
      },
      planTrial: (assignment) => planTraining(analyzeWith(assignment), path),
      epochs: plan.fit.epochs,
    },
  };
}
