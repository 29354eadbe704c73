// The task of a RunSpec (binary, multi-class or multi-label classification, regression, image to
// image), which decides what its test evaluation reports. A checked file's plan carries it
// (language/analysis/task.ts) and run-spec.ts writes it into data.task; a spec.json written before
// that field existed gets it here, with the same rule, from the loss and the stored targets.

import { taskOf } from '../language/analysis/task';
import { getLoss } from '../language/catalog';
import type { RunSpec, Task } from './protocol';

/**
 * data.task, or for an old spec.json the rule over the stored targets' shape, which the checker
 * made equal to the output's (class indices stand for one-hot targets, which a one-hot loss makes
 * 'multiclass' whatever their shape).
 */
export function taskOfSpec(spec: Pick<RunSpec, 'compile' | 'data'>): Task {
  return (
    spec.data.task ??
    taskOf({
      labels: getLoss(spec.compile.loss)?.labels,
      output: spec.data.train.y.shape.slice(1),
      classMode: spec.data.classMode,
      imageInputs: spec.data.isImage,
    })
  );
}
