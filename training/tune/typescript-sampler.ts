// The sampler where Optuna is absent: random or grid search with the median rule, in TypeScript.
// Seeded: trial n's random values come from MT19937 seeded with (seed, n), so a resumed search
// draws what it would have drawn uninterrupted. The study is kept in <tune>/study.json (written
// atomically after each tell), so `--resume` continues it with the next trial number.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCapped } from '../../language/data/read-file';
import { MT19937 } from '../data/numpy-random';
import { writeFileAtomic } from '../files';
import { shouldPrune, type MedianRuleTrial } from './median-rule';
import {
  startupTrials,
  type AskedTrial,
  type FinalState,
  type Sampler,
  type SamplerInfo,
  type StudyConfig,
} from './sampler';
import { gridPoint, gridSize, randomPoint } from './space';
import type { Assignment } from './types';

export const STUDY_JSON = 'study.json';
const STUDY_MAX_BYTES = 64 << 20;

interface StoredTrial extends MedianRuleTrial {
  number: number;
  params: Assignment;
  value?: number | null;
}

interface StoredStudy {
  sampler: 'typescript';
  algorithm: 'random' | 'grid';
  /** The seed the trials' draws derive from (drawn once when the tune block gives none). */
  seed: number;
  trials: StoredTrial[];
}

/** Opens (or creates) the TypeScript study in `config.tuneDir`. `why` says why Optuna is not used. */
export function openTypeScriptSampler(config: StudyConfig, why: string): Sampler {
  const file = join(config.tuneDir, STUDY_JSON);
  const algorithm = config.algorithm === 'grid' ? 'grid' : 'random';
  let study: StoredStudy;
  if (existsSync(file)) {
    study = JSON.parse(Buffer.from(readCapped(file, STUDY_MAX_BYTES, 'a tune study')).toString('utf8')) as StoredStudy;
    if (study.sampler !== 'typescript' || !Array.isArray(study.trials))
      throw new Error(`${file} is not a ModelSpec TypeScript study; resume the search with the sampler that began it`);
    // A trial left running by a killed search never finished: it counts as failed.
    for (const t of study.trials) if (t.state === 'running') t.state = 'failed';
  } else {
    study = {
      sampler: 'typescript',
      algorithm,
      seed: config.seed ?? Math.floor(Math.random() * 0x7fffffff),
      trials: [],
    };
  }
  const save = () => writeFileAtomic(file, JSON.stringify(study, null, 1));
  save();
  const startup = startupTrials(config.maxTrials);
  const previousTrials = study.trials.length;
  const changes: string[] = [];
  if (config.algorithm === 'bayesian' || config.algorithm === 'hyperband')
    changes.push(`'${config.algorithm}' needs Optuna, so random search is used`);
  const pruner = config.pruning ? 'median rule' : 'none';
  if (config.algorithm === 'hyperband' && config.pruning) changes.push('Hyperband pruning becomes the median rule');
  const info: SamplerInfo = {
    kind: 'typescript',
    sampler: study.algorithm,
    pruner,
    description: `TypeScript ${study.algorithm} search${config.pruning ? ' with the median rule' : ''} (seed ${study.seed})`,
    reason: [why, ...changes].join('; '),
  };
  const byNumber = (n: number) => {
    const t = study.trials.find((x) => x.number === n);
    if (!t) throw new Error(`trial ${n} is not in the study`);
    return t;
  };

  return {
    info,
    previousTrials,
    async ask(): Promise<AskedTrial | undefined> {
      const number = study.trials.length;
      let params: Assignment | undefined;
      if (study.algorithm === 'grid') {
        // Grid points in order; a failed point is not retried (as Optuna's GridSampler).
        params = gridPoint(config.space, number);
        if (!params) return undefined;
      } else {
        const rng = new MT19937(trialSeed(study.seed, number));
        const uniform = () => (rng.nextUint32() * 2 ** 21 + (rng.nextUint32() >>> 11)) / 2 ** 53;
        params = randomPoint(config.space, uniform);
      }
      study.trials.push({ number, params, state: 'running', intermediate: {} });
      save();
      return { number, hyperparameters: params };
    },
    async report(trial, step, value) {
      const t = byNumber(trial);
      t.intermediate[String(step)] = Number.isFinite(value) ? value : null;
      if (!config.pruning) return false;
      return shouldPrune(t, step, study.trials, config.direction, startup);
    },
    async tell(trial: number, state: FinalState, value?: number) {
      const t = byNumber(trial);
      t.state = state;
      t.value = value === undefined || !Number.isFinite(value) ? null : value;
      save();
    },
    async close() {
      save();
    },
  };
}

/** Trials left in a grid of this space after `done` trials, for capping a search. */
export function gridLeft(config: Pick<StudyConfig, 'space'>, done: number): number {
  return Math.max(0, gridSize(config.space) - done);
}

/** A 32-bit seed for trial `n` of a study seeded `seed` (splitmix-style mixing). */
function trialSeed(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
