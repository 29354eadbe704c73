// What a run learns (binary, multi-class or multi-label classification, regression, image to
// image), which decides what its test evaluation reports. The TrainingPlan is to carry the task
// (language/analysis/task.ts, the tasks-data branch); until then it is derived here, with the
// same rule, from the loss's label kind (the catalog's losses table) and the model's output shape.

import type { TrainingPlan } from '../language/analysis/plan';
import { getLoss } from '../language/catalog';
import type { Shape } from '../language/catalog/types';
import type { RunSpec, Task } from './protocol';

/** The task a loss and an output shape (without the batch axis) make. */
export function taskOf(lossName: string, output: Shape | undefined): Task {
  const labels = getLoss(lossName)?.labels;
  const shape = output ?? [];
  if (labels === 'one-hot' || labels === 'integer') return 'multiclass';
  if (labels === 'binary') {
    if (shape.length >= 2) return shape.length === 3 ? 'image-to-image' : 'multilabel';
    const units = shape[0];
    return units === 1 || units === undefined || units === null ? 'binary' : 'multilabel';
  }
  return shape.length === 3 ? 'image-to-image' : 'regression';
}

/** The task of a plan: what run-spec.ts writes into data.task (the plan's own `task` once it has one). */
export function taskOfPlan(plan: TrainingPlan): Task {
  return taskOf(plan.compile.loss, plan.model.outputShape);
}

/**
 * The task of a RunSpec: data.task, or for a spec.json written before it existed, the rule over
 * the stored targets' shape, which the checker made equal to the output's (class indices stand
 * for one-hot targets, which a one-hot loss makes 'multiclass' whatever their shape).
 */
export function taskOfSpec(spec: Pick<RunSpec, 'compile' | 'data'>): Task {
  return spec.data.task ?? taskOf(spec.compile.loss, spec.data.train.y.shape.slice(1));
}
