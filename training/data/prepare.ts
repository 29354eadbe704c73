// prepareData: turns the data block into tensor files both engines read (see protocol.ts).
// Each split is loaded, fitted to the model's input shape, its labels encoded, and written into
// the cache under a key of everything it depends on, so a second run reuses the files. Splits are
// handled one after the other, so at most one split's data is in memory at a time.

import { basename, dirname } from 'node:path';
import { DataError } from '../../language/data/errors';
import type { LabelTarget } from '../../language/data/label-rules';
import { describeSource } from '../../language/data/source-args';
import type { Shape } from '../../language/catalog/types';
import type { PreparedData, PreparedSplit } from '../protocol';
import { cacheDir as defaultCacheDir } from './cache';
import { lockEntries, releaseEntries } from './cache-lock';
import { cacheBudget, dropOtherVersions, prunePrepared } from './cache-prune';
import { fitToInput } from './fit-shape';
import { checkLabels, encodeLabels, type EncodedLabels } from './labels';
import { loaderFor } from './sources';
import { readStored, recipeKey, writeStored, type StoredSplit } from './tensor-store';
import type { DataSettings, PrepareContext, ResolvedSource } from './types';
import type { TextVocabulary } from '../../data/types';

export interface PrepareOptions {
  baseDir: string;
  cacheDir?: string;
  inputShape: Shape;
  labelEncoding: 'onehot' | 'index' | 'raw';
  /** The loss and the model's output: labels they cannot take are rejected here, before any engine starts. */
  labelTarget?: LabelTarget;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
  /** The prepared-data budget of the cache (see cache-prune.ts); default MODELSPEC_CACHE_MAX_MB or 4 GiB; <= 0: no pruning. */
  cacheMaxBytes?: number;
}

type Slot = 'train' | 'test' | 'validation';

export async function prepareData(settings: DataSettings, opts: PrepareOptions): Promise<PreparedData> {
  const ctx: PrepareContext = {
    baseDir: opts.baseDir,
    cacheDir: opts.cacheDir ?? defaultCacheDir(),
    labelEncoding: opts.labelEncoding,
    onProgress: opts.onProgress,
    signal: opts.signal,
  };
  // Each split's entry stays locked for this process until the run ends (cache-lock.ts:
  // run-process.ts releases it), or until now if preparing fails.
  const locked: string[] = [];
  // class_mode 'input': the targets are the inputs, rescaled as the engines rescale x.
  const targets = settings.classMode === 'input' ? { rescale: settings.rescale } : undefined;
  let train: StoredSplit, validation: StoredSplit | undefined, test: StoredSplit | undefined;
  try {
    train = await prepareSplit(
      settings.train,
      'train',
      ctx,
      opts.inputShape,
      opts.labelTarget,
      locked,
      undefined,
      targets,
      {
        validationSplit: settings.validation ? 0 : settings.validationSplit,
      },
    );
    const text = { vocabulary: train.text };
    if (!settings.validation)
      checkValidationSplit(train.count, settings.validationSplit, describeSource(settings.train));
    // Test and validation labels map onto the training classes, so index k means the same class everywhere.
    validation =
      settings.validation &&
      (await prepareSplit(
        settings.validation,
        'validation',
        ctx,
        opts.inputShape,
        opts.labelTarget,
        locked,
        train.classes,
        targets,
        text,
      ));
    test =
      settings.test &&
      (await prepareSplit(
        settings.test,
        'test',
        ctx,
        opts.inputShape,
        opts.labelTarget,
        locked,
        train.classes,
        targets,
        text,
      ));
  } catch (e) {
    releaseEntries(ctx.cacheDir, locked);
    throw e;
  }
  // Evict least recently used prepared entries over the budget, never the ones this run uses.
  const keep = [train, validation, test].flatMap((s) => (s ? [basename(dirname(s.x.path))] : []));
  const maxBytes = cacheBudget(opts.cacheMaxBytes);
  if (maxBytes !== Infinity) await prunePrepared(ctx.cacheDir, { maxBytes, keep });

  return {
    source: describeSource(settings.train),
    train: splitOf(train),
    ...(validation && { validation: splitOf(validation) }),
    ...(test && { test: splitOf(test) }),
    validationSplit: settings.validation ? 0 : settings.validationSplit,
    // uint8 pixels default to [0, 1], as Keras users write rescale=1./255.
    rescale: settings.rescale ?? (train.x.dtype === 'uint8' ? 1 / 255 : 1),
    ...(train.classes && !targets && { classes: train.classes }),
    labelEncoding: targets ? 'raw' : opts.labelEncoding,
    ...(targets && { classMode: 'input' as const }),
    ...(train.text && { vocabulary: train.text.vocabulary }),
    shuffle: settings.shuffle,
    ...(settings.augment && { augment: settings.augment }),
    isImage: train.isImage && train.x.shape.length === 4,
    ...(train.isImage && train.imageShape && { imageShape: train.imageShape }),
  };
}

function splitOf(stored: StoredSplit): PreparedSplit {
  return { x: stored.x, y: stored.y };
}

async function prepareSplit(
  ref: ResolvedSource,
  slot: Slot,
  ctx: PrepareContext,
  inputShape: Shape,
  target: LabelTarget | undefined,
  locked: string[],
  knownClasses?: string[],
  /** class_mode 'input': y is x times the rescale (its default as for x), not the source's labels. */
  inputTargets?: { rescale?: number },
  /** The training split's text vocabulary (validation, test), or the train source's validation_split. */
  text?: { vocabulary?: TextVocabulary; validationSplit?: number },
): Promise<StoredSplit> {
  if (text) ctx = { ...ctx, text: text.vocabulary, validationSplit: text.validationSplit };
  const loader = loaderFor(ref);
  // The plan resolved which part of a built-in set this slot reads (plan.ts, slotSplit).
  const split = ref.split ?? 'train';
  const source = describeSource(ref);
  const files = await loader.files(ref, split, ctx);
  const key = await recipeKey(
    // The label target is part of the recipe: a cached split passed the label checks for it.
    {
      name: ref.name,
      args: ref.args,
      baseDir: ctx.baseDir,
      split,
      inputShape,
      encoding: ctx.labelEncoding,
      knownClasses,
      target,
      ...(inputTargets && { inputTargets: { rescale: inputTargets.rescale ?? null } }),
      ...(typeof ref.args.text === 'string' && { text: ctx.text ?? { validationSplit: ctx.validationSplit ?? 0 } }),
    },
    files,
  );
  // Locked before the lookup, so no other run's pruning can evict it from here on.
  lockEntries(ctx.cacheDir, [key]);
  locked.push(key);
  const cached = await readStored(ctx.cacheDir, key);
  if (cached) {
    await dropOtherVersions(ctx.cacheDir, key);
    return cached;
  }

  ctx.signal?.throwIfAborted();
  ctx.onProgress?.(`Preparing ${source}${slot === 'train' ? '' : ` for ${slot}`}`);
  const loaded = await loader.load(ref, split, ctx);
  const sampleShape = fitToInput(loaded.x.sampleShape, inputShape, source);
  const at = (n: number, part: 'x' | 'y') => loaded.at?.(n, part) ?? `sample ${n} of ${source}`;
  if (loaded.count === 0) {
    throw new DataError(
      'data-format',
      `${source} has no samples, so the ${slot} data would be empty; add samples or point ${slot}: at other data`,
    );
  }
  checkFinite(loaded.x.data, loaded.count, (n) => at(n, 'x'));
  if (target && !inputTargets) checkLabels(loaded.y, loaded.count, target, (n) => at(n, 'y'), source);
  const labels = inputTargets
    ? inputsAsTargets(loaded.x.data, [loaded.count, ...sampleShape], inputTargets.rescale)
    : encodeLabels(loaded.y, loaded.count, ctx.labelEncoding, source, knownClasses);
  ctx.signal?.throwIfAborted();
  const stored = await writeStored(
    ctx.cacheDir,
    key,
    { dtype: loaded.x.dtype, shape: [loaded.count, ...sampleShape], data: loaded.x.data },
    { dtype: labels.dtype, shape: labels.shape, data: labels.data },
    {
      classes: labels.classes ?? loaded.labelNames,
      ...(loaded.text && { text: loaded.text }),
      isImage: loaded.isImage,
      // The images' own shape, kept when x is reshaped for the model, so thumbnails still work.
      ...(loaded.isImage &&
        loaded.x.sampleShape.length >= 2 && {
          imageShape: [loaded.x.sampleShape[0]!, loaded.x.sampleShape[1]!, loaded.x.sampleShape[2] ?? 1],
        }),
      count: loaded.count,
    },
  );
  // This version of the files replaces the older ones' entries (unless a live run holds them).
  await dropOtherVersions(ctx.cacheDir, key);
  return stored;
}

/**
 * class_mode 'input' (Keras's name for autoencoders): the targets are the inputs, scaled as the
 * engines scale x (rescale, else 1/255 for uint8 pixels), so validation and test compare the
 * output with the input the model saw. Training batches take their targets from the (augmented)
 * inputs in the engines.
 */
function inputsAsTargets(x: Uint8Array | Float32Array, shape: number[], rescale: number | undefined): EncodedLabels {
  const scale = rescale ?? (x instanceof Uint8Array ? 1 / 255 : 1);
  const data = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) data[i] = x[i]! * scale;
  return { dtype: 'float32', data, shape };
}

/** NaN or infinite inputs make every weight NaN after one step; refuse them with the sample that has one. */
function checkFinite(data: Uint8Array | Float32Array, count: number, at: (n: number) => string): void {
  if (data instanceof Uint8Array) return;
  const per = data.length / count;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const n = Math.floor(i / per);
      throw new DataError(
        'data-format',
        `${at(n)} has ${data[i]} (value ${i - n * per} of the sample); inputs must be finite numbers: fill in or drop the sample`,
      );
    }
  }
}

/** Keras's split: the last floor-complement of the samples validate; neither part may be empty. */
function checkValidationSplit(count: number, fraction: number, source: string): void {
  if (!(fraction > 0)) return;
  // The engines split the same way (tfjs data.ts, torch data.py): split_at = floor(n * (1 - validation_split)).
  const splitAt = Math.floor(count * (1 - fraction));
  if (splitAt === 0) {
    throw new DataError(
      'data-format',
      `validation_split: ${fraction} of the ${count} samples of ${source} leaves none for training; use a smaller validation_split, more data, or a separate validation: source`,
    );
  }
  if (splitAt === count) {
    throw new DataError(
      'data-format',
      `validation_split: ${fraction} of the ${count} samples of ${source} leaves none for validation; use a larger validation_split or more data`,
    );
  }
}
