// Keras callbacks with Keras 3's rules: EarlyStopping, ReduceLROnPlateau, ModelCheckpoint and
// CSVLogger. Each sees the epoch's logs (loss, accuracy, val_loss, ...) after every epoch.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { appendLine, writeFileAtomic } from '../../files';
import { isAbsolute, join } from 'node:path';
import type { CallbackSpec } from '../../protocol';
import type { Emit } from './events';
import type { KerasOptimizer } from './optimizers';

export type Logs = Record<string, number>;

export interface TrainingContext {
  model: tfl.LayersModel;
  optimizer: KerasOptimizer;
  runDir: string;
  emit: Emit;
  /** Saves the current model in TF.js layers format into `dir`. */
  save(dir: string): Promise<void>;
  /** Set by a callback to end training after this epoch (it emits a `callback` event saying why). */
  stopTraining: boolean;
}

export interface Callback {
  /** `epoch` is 0-based, as in Keras. */
  onEpochEnd(epoch: number, logs: Logs, ctx: TrainingContext): Promise<void> | void;
}

type Mode = 'min' | 'max';
const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
const numArg = (v: unknown, d: number) => (typeof v === 'number' ? v : d);

/** Keras's mode='auto': maximise accuracies (and AUC), minimise everything else. */
function resolveMode(mode: string, monitor: string): Mode {
  if (mode === 'min' || mode === 'max') return mode;
  return /acc|auc|fmeasure|precision|recall/.test(monitor) ? 'max' : 'min';
}

function missing(monitor: string, logs: Logs, ctx: TrainingContext, who: string): boolean {
  if (logs[monitor] !== undefined) return false;
  ctx.emit({
    type: 'log',
    level: 'warning',
    message: `${who}: '${monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')})`,
  });
  return true;
}

export class EarlyStopping implements Callback {
  readonly monitor: string;
  private readonly mode: Mode;
  private readonly minDelta: number;
  private readonly patience: number;
  private readonly baseline: number | null;
  private readonly restoreBest: boolean;
  private readonly startFromEpoch: number;
  private wait = 0;
  private best: number;
  private bestWeights?: tf.Tensor[];
  bestEpoch = 0;

  constructor(args: Record<string, unknown>) {
    this.monitor = str(args['monitor'], 'val_loss');
    this.mode = resolveMode(str(args['mode'], 'auto'), this.monitor);
    this.minDelta = Math.abs(numArg(args['min_delta'], 0));
    this.patience = numArg(args['patience'], 0);
    this.baseline = typeof args['baseline'] === 'number' ? args['baseline'] : null;
    this.restoreBest = args['restore_best_weights'] === true;
    this.startFromEpoch = numArg(args['start_from_epoch'], 0);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private improves(value: number, reference: number): boolean {
    return this.mode === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  private keepWeights(ctx: TrainingContext): void {
    tf.dispose(this.bestWeights);
    this.bestWeights = ctx.model.getWeights().map((w) => tf.keep(w.clone()));
  }

  onEpochEnd(epoch: number, logs: Logs, ctx: TrainingContext): void {
    const current = logs[this.monitor];
    if (missing(this.monitor, logs, ctx, 'EarlyStopping') || current === undefined || epoch < this.startFromEpoch)
      return;
    if (this.restoreBest && !this.bestWeights) this.keepWeights(ctx);
    this.wait += 1;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBest) this.keepWeights(ctx);
      if (this.baseline === null || this.improves(current, this.baseline)) {
        this.wait = 0;
        return;
      }
    }
    if (this.wait >= this.patience && epoch > 0) {
      ctx.stopTraining = true;
      const restore = this.restoreBest && this.bestWeights !== undefined;
      if (restore) ctx.model.setWeights(this.bestWeights!);
      // Facts only: callback-events.ts words them, the same for both engines.
      ctx.emit({
        type: 'callback',
        callback: 'EarlyStopping',
        action: 'stopTraining',
        epoch: epoch + 1,
        monitor: this.monitor,
        wait: this.wait,
        ...(Number.isFinite(this.best) && { best: this.best, bestEpoch: this.bestEpoch + 1 }),
        ...(restore && { restoredEpoch: this.bestEpoch + 1 }),
      });
    }
  }

  dispose(): void {
    tf.dispose(this.bestWeights);
  }
}

export class ReduceLROnPlateau implements Callback {
  private readonly monitor: string;
  private readonly mode: Mode;
  private readonly factor: number;
  private readonly patience: number;
  private readonly minDelta: number;
  private readonly cooldown: number;
  private readonly minLr: number;
  private best: number;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(args: Record<string, unknown>) {
    this.monitor = str(args['monitor'], 'val_loss');
    this.mode = resolveMode(str(args['mode'], 'auto'), this.monitor);
    this.factor = numArg(args['factor'], 0.1);
    if (this.factor >= 1) throw new Error('ReduceLROnPlateau does not support a factor >= 1.0');
    this.patience = numArg(args['patience'], 10);
    this.minDelta = numArg(args['min_delta'], 1e-4);
    this.cooldown = numArg(args['cooldown'], 0);
    this.minLr = numArg(args['min_lr'], 0);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  private improves(a: number, b: number): boolean {
    return this.mode === 'min' ? a < b - this.minDelta : a > b + this.minDelta;
  }

  onEpochEnd(epoch: number, logs: Logs, ctx: TrainingContext): void {
    logs['learning_rate'] = ctx.optimizer.learningRate;
    const current = logs[this.monitor];
    if (missing(this.monitor, logs, ctx, 'ReduceLROnPlateau') || current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.improves(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const old = ctx.optimizer.learningRate;
        if (old > this.minLr) {
          const next = Math.max(old * this.factor, this.minLr);
          ctx.optimizer.learningRate = next;
          ctx.emit({
            type: 'callback',
            callback: 'ReduceLROnPlateau',
            action: 'reduceLearningRate',
            epoch: epoch + 1,
            monitor: this.monitor,
            wait: this.wait,
            oldLearningRate: old,
            newLearningRate: next,
          });
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

export class ModelCheckpoint implements Callback {
  private readonly monitor: string;
  private readonly mode: Mode;
  private readonly bestOnly: boolean;
  private best: number;

  constructor(args: Record<string, unknown>) {
    this.monitor = str(args['monitor'], 'val_loss');
    this.mode = resolveMode(str(args['mode'], 'auto'), this.monitor);
    this.bestOnly = args['save_best_only'] === true;
    const initial = args['initial_value_threshold'];
    this.best = typeof initial === 'number' ? initial : this.mode === 'min' ? Infinity : -Infinity;
  }

  async onEpochEnd(epoch: number, logs: Logs, ctx: TrainingContext): Promise<void> {
    const dir = join(ctx.runDir, this.bestOnly ? 'best' : 'checkpoint');
    if (!this.bestOnly) {
      await ctx.save(dir);
      ctx.emit({ type: 'checkpoint', epoch: epoch + 1, path: join(dir, 'model.json'), best: false });
      return;
    }
    const current = logs[this.monitor];
    if (missing(this.monitor, logs, ctx, 'ModelCheckpoint') || current === undefined) return;
    if (this.mode === 'min' ? current < this.best : current > this.best) {
      this.best = current;
      await ctx.save(dir);
      ctx.emit({
        type: 'checkpoint',
        epoch: epoch + 1,
        path: join(dir, 'model.json'),
        monitor: this.monitor,
        value: current,
        best: true,
      });
    }
  }
}

export class CSVLogger implements Callback {
  private readonly path: string;
  private readonly separator: string;
  private keys?: string[];

  constructor(args: Record<string, unknown>, runDir: string) {
    const file = str(args['filename'], 'training.log');
    this.path = isAbsolute(file) ? file : join(runDir, file);
    this.separator = str(args['separator'], ',');
    if (args['append'] !== true) writeFileAtomic(this.path, '');
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      appendLine(this.path, ['epoch', ...this.keys].join(this.separator));
    }
    const row = [String(epoch), ...this.keys.map((k) => (logs[k] === undefined ? 'NA' : String(logs[k])))];
    appendLine(this.path, row.join(this.separator));
  }
}

export function createCallbacks(specs: CallbackSpec[], runDir: string): Callback[] {
  return specs.map((s) => {
    switch (s.name) {
      case 'EarlyStopping':
        return new EarlyStopping(s.args);
      case 'ReduceLROnPlateau':
        return new ReduceLROnPlateau(s.args);
      case 'ModelCheckpoint':
        return new ModelCheckpoint(s.args);
      case 'CSVLogger':
        return new CSVLogger(s.args, runDir);
      default:
        throw new Error(`unknown callback '${s.name}'`);
    }
  });
}
