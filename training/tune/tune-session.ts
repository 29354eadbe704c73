// A hyperparameter search: ask the sampler for a trial's values, plan the file with them, train
// it as an ordinary run (training/run-session.ts) in <tune>/trial-<n>/, report each epoch's
// objective for pruning (a pruned run is stopped with the run's normal stop), tell the sampler
// how it ended, and keep trials.csv, best.json and tune.jsonl up to date after every trial.
// `parallel` trials run at once, sharing the CPU cores (each engine gets cores/parallel threads)
// or one GPU each. Free of output and of `vscode`: the CLI (cli/tune.ts) and the editor render it.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { findTorch, type EngineChoice } from '../engines/detect';
import { startTorchServer, TORCH_SERVER_ENV, type TorchServer } from '../engines/torch-server';
import { createRunFolder } from '../files';
import type { RunEvent, TrialRunEvent, TuneEvent } from '../protocol';
import { timestamp } from '../run-spec';
import { startRunSession, type RunSession } from '../run-session';
import { writeHParamsExperiment } from '../tensorboard';
import { better, loggedNames, objectiveValue } from './objective';
import { openOptunaSampler, STUDY_DB } from './optuna-sampler';
import type { AskedTrial, FinalState, Sampler, StudyConfig } from './sampler';
import { gridSize } from './space';
import { appendTuneEvent, bestTrial, finishedTrials, readTuneEvents, TUNE_EVENTS, writeTrialFiles } from './tune-files';
import { openTypeScriptSampler, STUDY_JSON } from './typescript-sampler';
import type { PlanTrial, SearchParam, TrialRecord, TuneSettings } from './types';

export interface TuneOptions {
  /** The model's name: the tune folder is <runsDir>/<model>/tune-<time>. */
  modelName: string;
  /** Where runs go (`--out`); default: runs/ next to the .model file (`baseDir`). */
  runsDir?: string;
  baseDir: string;
  space: SearchParam[];
  settings: TuneSettings;
  /** A trial's plan from its values. */
  planTrial: PlanTrial;
  /** Epochs of each run (`--epochs`, else the file's): the steps a trial reports. */
  epochs: number;
  /** `--epochs`: overrides the file's epochs in every trial. */
  epochsOverride?: number;
  /** `--trials N`: overrides max_trials. */
  maxTrials?: number;
  /** `--resume DIR`: continue the search in this tune folder. */
  resumeDir?: string;
  backend?: string;
  /** The configured Python interpreter (the editor's setting): for the engine and for Optuna. */
  python?: string;
  cacheDir?: string;
  /** 'typescript': sample in TypeScript even where Optuna is present. */
  sampler?: 'auto' | 'typescript';
  /** Lines of the engines and samplers that are not events. */
  log?: (line: string) => void;
  onProgress?: (message: string) => void;
}

export type TuneListener = (event: TuneEvent | TrialRunEvent) => void;

/** Creates (or reopens, with resumeDir) the tune folder, opens the sampler and starts the trials. */
export async function startTune(opts: TuneOptions): Promise<TuneSession> {
  const tuneDir = opts.resumeDir
    ? resolve(opts.resumeDir)
    : createRunFolder(
        join(opts.runsDir ? resolve(opts.runsDir) : join(opts.baseDir, 'runs'), opts.modelName),
        `tune-${timestamp()}`,
      );
  const began = opts.resumeDir ? readTuneEvents(tuneDir).find((e) => e.type === 'tune_started') : undefined;
  if (began && began.model !== opts.modelName)
    throw new Error(
      `${tuneDir} is a search of the model '${began.model}', not '${opts.modelName}': resume it with the file it searched`,
    );
  if (opts.resumeDir && !existsSync(join(tuneDir, TUNE_EVENTS)))
    throw new Error(
      `${tuneDir} is not a tune folder (it has no ${TUNE_EVENTS}); give the runs/<model>/tune-<time> folder of the search to resume`,
    );
  const { settings } = opts;
  const config: StudyConfig = {
    tuneDir,
    space: opts.space,
    algorithm: settings.algorithm,
    direction: settings.direction,
    pruning: settings.pruning || settings.algorithm === 'hyperband',
    seed: settings.seed,
    steps: opts.epochs * settings.executionsPerTrial,
    maxTrials: opts.maxTrials ?? settings.maxTrials,
  };
  const sampler = await openSampler(config, opts);
  // Parallel trials on several GPUs: one each.
  const gpus = settings.parallel > 1 ? ((await findTorch(opts.python)).probe?.cudaCount ?? 0) : 0;
  return new TuneSession(tuneDir, opts, config, sampler, gpus);
}

/**
 * Optuna where Python has it, else the TypeScript sampler. A resumed search keeps the sampler
 * that began it: its study is study.db (Optuna's) or study.json (TypeScript's), never both.
 */
async function openSampler(config: StudyConfig, opts: TuneOptions): Promise<Sampler> {
  const resumedTypeScript =
    opts.resumeDir !== undefined &&
    existsSync(join(config.tuneDir, STUDY_JSON)) &&
    !existsSync(join(config.tuneDir, STUDY_DB));
  if (opts.sampler === 'typescript') return openTypeScriptSampler(config, 'the TypeScript sampler was asked for');
  if (resumedTypeScript)
    return openTypeScriptSampler(config, 'the search began with the TypeScript sampler (study.json)');
  const optuna = await openOptunaSampler(config, opts.python);
  if (optuna.sampler) return optuna.sampler;
  if (opts.resumeDir !== undefined && existsSync(join(config.tuneDir, STUDY_DB)))
    throw new Error(
      `${config.tuneDir} holds an Optuna study (${STUDY_DB}), and ${optuna.why}: resume it where Optuna is installed (set MODELSPEC_PYTHON to that Python)`,
    );
  return openTypeScriptSampler(config, optuna.why ?? 'Optuna not found');
}

export interface TuneSummary {
  tuneDir: string;
  trials: TrialRecord[];
  best?: TrialRecord;
  stopped: boolean;
  /** The search itself failed (the sampler's process died): why. */
  error?: string;
}

export class TuneSession {
  readonly events: TuneEvent[] = [];
  /** Every trial so far, running ones included, by number. */
  readonly trials = new Map<number, TrialRecord>();
  readonly done: Promise<TuneSummary>;
  private readonly listeners = new Set<TuneListener>();
  private readonly running = new Set<RunSession>();
  /**
   * The PyTorch engine's fork server for the trials after the first torch one (engines/
   * torch-server.ts): each trial is an engine start, and torch is then imported once per
   * search instead of once per trial. Undefined until a trial runs on torch.
   */
  private torchServer: Promise<TorchServer | undefined> | undefined;
  /**
   * The engine of every trial, by the backend asked for: the first trial's choice (for `auto`,
   * measured on its model). Measuring each trial's model again cost seconds a trial (a digits
   * MLP's trial took 3.9 s instead of 0.6 s here), and trials on different engines would
   * compare the engines' numerics along with the hyperparameters.
   */
  private readonly engines = new Map<string, Promise<EngineChoice>>();
  private readonly names: string[];
  private stopRequested = false;
  private killRequested = false;
  private hparamsWritten = false;
  private error: string | undefined;

  constructor(
    readonly tuneDir: string,
    private readonly opts: TuneOptions,
    private readonly config: StudyConfig,
    readonly sampler: Sampler,
    private readonly gpus: number,
  ) {
    this.names = opts.space.map((p) => p.name);
    for (const t of finishedTrials(readTuneEvents(tuneDir))) this.trials.set(t.number, t);
    this.hparamsWritten = sampler.previousTrials > 0;
    this.done = this.run();
  }

  get settings(): TuneSettings {
    return this.opts.settings;
  }

  get stopping(): boolean {
    return this.stopRequested;
  }

  /** The engines' process ids of the running trials (a third Ctrl+C kills them). */
  get pids(): number[] {
    return [...this.running].map((r) => r.pid).filter((p): p is number => p !== undefined);
  }

  /** Starts no new trial; the running ones finish (Ctrl+C). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Also stops the running trials' runs after their batch (a second Ctrl+C); they count as failed. */
  stopNow(): void {
    this.stopRequested = true;
    this.killRequested = true;
    for (const r of this.running) r.stop('the search was stopped');
  }

  subscribe(listener: TuneListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: TuneEvent): void {
    this.events.push(event);
    try {
      appendTuneEvent(this.tuneDir, event);
    } catch (e) {
      this.opts.log?.((e as Error).message);
    }
    for (const l of [...this.listeners]) l(event);
  }

  private emitRun(event: TrialRunEvent): void {
    for (const l of [...this.listeners]) l(event);
  }

  private async run(): Promise<TuneSummary> {
    const t0 = Date.now();
    const { settings } = this.opts;
    const total = this.config.maxTrials;
    let left = Math.max(0, total - this.sampler.previousTrials);
    if (settings.algorithm === 'grid')
      left = Math.min(left, Math.max(0, gridSize(this.opts.space) - this.sampler.previousTrials));
    this.emit({
      type: 'tune_started',
      time: new Date().toISOString(),
      tuneDir: this.tuneDir,
      model: this.opts.modelName,
      sampler: this.sampler.info.kind,
      samplerDetail: this.sampler.info.description,
      samplerReason: this.sampler.info.reason,
      algorithm: settings.algorithm,
      objective: settings.objective,
      direction: settings.direction,
      maxTrials: total,
      parallel: settings.parallel,
      executionsPerTrial: settings.executionsPerTrial,
      hyperparameters: this.names,
      previousTrials: this.sampler.previousTrials,
    });
    this.writeFiles();
    const worker = async (slot: number) => {
      while (!this.stopRequested && left > 0 && this.error === undefined) {
        left--;
        let asked: AskedTrial | undefined;
        try {
          asked = await this.sampler.ask();
        } catch (e) {
          this.error = (e as Error).message;
          return;
        }
        if (!asked) {
          left = 0;
          return;
        }
        await this.runTrial(asked, slot);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, settings.parallel) }, (_, slot) => worker(slot)));
    await (await this.torchServer)?.close();
    try {
      await this.sampler.close();
    } catch (e) {
      this.opts.log?.((e as Error).message);
    }
    const trials = [...this.trials.values()].sort((a, b) => a.number - b.number);
    const best = bestTrial(trials, settings.direction);
    const count = (s: string) => trials.filter((t) => t.state === s).length;
    this.emit({
      type: 'tune_finished',
      time: new Date().toISOString(),
      seconds: (Date.now() - t0) / 1000,
      trials: { complete: count('complete'), pruned: count('pruned'), failed: count('failed') },
      stopped: this.stopRequested,
      ...(best?.objective !== undefined && best.runDir
        ? {
            best: {
              trial: best.number,
              objective: best.objective,
              hyperparameters: best.hyperparameters,
              runDir: best.runDir,
            },
          }
        : {}),
    });
    return { tuneDir: this.tuneDir, trials, best, stopped: this.stopRequested, error: this.error };
  }

  private writeFiles(): void {
    try {
      writeTrialFiles(
        this.tuneDir,
        [...this.trials.values()].filter((t) => t.state !== 'running'),
        this.names,
        this.opts.settings.objective,
        this.opts.settings.direction,
      );
    } catch (e) {
      this.opts.log?.((e as Error).message);
    }
  }

  /** Cores for each of `parallel` trials, and a GPU each where there are several. */
  private slotEnv(slot: number): NodeJS.ProcessEnv {
    const parallel = this.opts.settings.parallel;
    if (parallel <= 1) return {};
    const threads = String(Math.max(1, Math.floor(availableParallelism() / parallel)));
    const env: NodeJS.ProcessEnv = {
      MODELSPEC_TORCH_THREADS: process.env.MODELSPEC_TORCH_THREADS ?? threads,
      MODELSPEC_TFJS_THREADS: process.env.MODELSPEC_TFJS_THREADS ?? threads,
    };
    if (this.gpus > 1) env.CUDA_VISIBLE_DEVICES = String(slot % this.gpus);
    return env;
  }

  private startTorchServer(choice: EngineChoice): void {
    if (this.torchServer || choice.engine !== 'torch' || !choice.python || process.env[TORCH_SERVER_ENV]) return;
    this.torchServer = startTorchServer(choice.python, { why: (m) => this.opts.log?.(m) });
    void this.torchServer.then(
      (server) => server && this.opts.log?.('the next trials start in a PyTorch engine server (torch loaded once)'),
    );
  }

  private readonly chooseEngine = (backend: string, choose: () => Promise<EngineChoice>): Promise<EngineChoice> => {
    const chosen = this.engines.get(backend);
    if (chosen)
      return chosen.then((c) => ({ ...c, reason: `${c.reason} (the search's engine, chosen for its first trial)` }));
    const first = choose();
    this.engines.set(backend, first);
    first.catch(() => this.engines.delete(backend)); // the next trial chooses again
    return first;
  };

  private async runTrial(asked: AskedTrial, slot: number): Promise<void> {
    const { settings } = this.opts;
    const { number, hyperparameters } = asked;
    const t0 = Date.now();
    const record: TrialRecord = { number, state: 'running', hyperparameters, epochs: 0, seconds: 0 };
    this.trials.set(number, record);
    const finish = async (state: FinalState, objective?: number, message?: string) => {
      record.state = state;
      record.objective = objective;
      record.seconds = (Date.now() - t0) / 1000;
      if (message) record.message = message;
      try {
        await this.sampler.tell(number, state, objective);
      } catch (e) {
        this.error ??= (e as Error).message;
      }
      this.writeFiles();
      this.emit({
        type: 'trial_finished',
        time: new Date().toISOString(),
        trial: number,
        state,
        hyperparameters,
        ...(objective !== undefined ? { objective } : {}),
        epochs: record.epochs,
        seconds: record.seconds,
        ...(record.runDir ? { runDir: record.runDir } : {}),
        ...(message ? { message } : {}),
      });
    };

    const planned = this.opts.planTrial(hyperparameters);
    if (!planned.plan) {
      this.emit({ type: 'trial_started', time: new Date().toISOString(), trial: number, hyperparameters, runDir: '' });
      return finish('failed', undefined, `cannot train with these values: ${planned.blocker ?? 'no plan'}`);
    }
    const plan = planned.plan;
    const values: number[] = [];
    let pruned = false;
    let prunedBecause: string | undefined;
    for (let execution = 1; execution <= settings.executionsPerTrial; execution++) {
      if (this.killRequested) return finish('failed', undefined, 'the search was stopped before this trial finished');
      let session: RunSession;
      try {
        session = await startRunSession(plan, {
          epochs: this.opts.epochsOverride,
          backend: this.opts.backend,
          cacheDir: this.opts.cacheDir,
          python: this.opts.python,
          onProgress: this.opts.onProgress,
          runFolder: {
            parent: this.tuneDir,
            name: execution === 1 ? `trial-${number}` : `trial-${number}-run-${execution}`,
          },
          // Later executions start from other initial weights: the mean says more than one run.
          seed: execution > 1 && plan.fit.seed !== undefined ? plan.fit.seed + execution - 1 : undefined,
          trial: { number, execution, tuneDir: this.tuneDir, hyperparameters },
          env: { ...this.slotEnv(slot), ...(await this.torchServer)?.env },
          chooseEngine: this.chooseEngine,
          onEngine: (_spec, choice) => this.startTorchServer(choice),
          log: this.opts.log,
        });
      } catch (e) {
        if (execution === 1)
          this.emit({
            type: 'trial_started',
            time: new Date().toISOString(),
            trial: number,
            hyperparameters,
            runDir: '',
          });
        return finish('failed', undefined, (e as Error).message);
      }
      if (execution === 1) {
        record.runDir = session.runId;
        this.emit({
          type: 'trial_started',
          time: new Date().toISOString(),
          trial: number,
          hyperparameters,
          runDir: session.runId,
        });
      }
      this.running.add(session);
      if (this.killRequested) session.stop('the search was stopped');
      let best: number | undefined;
      let logged: string[] = [];
      let stopAsked = false;
      let reports = Promise.resolve();
      const epochs = session.spec.fit.epochs;
      session.subscribe((event: RunEvent) => {
        this.emitRun({ ...event, trial: number, execution } as TrialRunEvent);
        if (event.type !== 'epoch') return;
        record.epochs++;
        if (!this.hparamsWritten) this.writeHParams(event);
        const value = objectiveValue(settings.objective, event);
        if (value === undefined) {
          logged = loggedNames(event);
          return;
        }
        best = better(best, value, settings.direction);
        const step = (execution - 1) * epochs + event.epoch;
        const more = step < this.config.steps;
        reports = reports
          .then(async () => {
            const prune = await this.sampler.report(number, step, value);
            // Pruning after the last step would save nothing: the run has ended.
            if (prune && more && !stopAsked && session.running) {
              stopAsked = true;
              prunedBecause = `${this.sampler.info.pruner} pruned it after epoch ${event.epoch} (${settings.objective} ${value.toPrecision(4)})`;
              session.stop(`pruned: ${prunedBecause}`);
            }
          })
          .catch((e: unknown) => {
            this.error ??= (e as Error).message;
          });
      });
      const final = await session.done;
      await reports;
      this.running.delete(session);
      const trained = session.events.filter((e) => e.type === 'epoch').length;
      // Pruned when the stop took effect before the last epoch; a run that had already trained
      // every epoch when the pruner answered is complete.
      pruned = final.type === 'stopped' && stopAsked && trained < epochs;
      if (final.type === 'failed') return finish('failed', undefined, final.message);
      if (final.type === 'stopped' && !stopAsked)
        return finish('failed', undefined, `stopped before it finished (${final.reason})`);
      if (best === undefined)
        return finish(
          'failed',
          undefined,
          `the run logs no '${settings.objective}' (it logs ${logged.join(', ') || 'no epoch'}); set the tune block's objective to one of those`,
        );
      values.push(best);
      if (pruned) break;
    }
    const objective = values.reduce((a, b) => a + b, 0) / values.length;
    if (!Number.isFinite(objective))
      return finish('failed', undefined, `${settings.objective} is NaN: the training diverged with these values`);
    return pruned ? finish('pruned', objective, prunedBecause) : finish('complete', objective);
  }

  /** TensorBoard's HParams experiment at the tune folder, once the first epoch names the metrics. */
  private writeHParams(event: Extract<RunEvent, { type: 'epoch' }>): void {
    this.hparamsWritten = true;
    try {
      writeHParamsExperiment(this.tuneDir, this.opts.space, loggedNames(event), Date.now() / 1000);
    } catch (e) {
      this.opts.log?.((e as Error).message);
    }
  }
}
