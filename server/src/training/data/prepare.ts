// prepareData: turns the data block into tensor files both engines read (see protocol.ts).
// Each split is loaded, fitted to the model's input shape, its labels encoded, and written into
// the cache under a key of everything it depends on, so a second run reuses the files. Splits are
// handled one after the other, so at most one split's data is in memory at a time.

import { basename, dirname } from 'node:path';
import { describeSource } from '../../language/data/source-args';
import { isBuiltinSource } from '../../language/data/types';
import type { Shape } from '../../language/catalog/types';
import type { PreparedData, PreparedSplit } from '../protocol';
import { builtinSplit } from './builtin-sources';
import { cacheDir as defaultCacheDir } from './cache';
import { cacheBudget, prunePrepared } from './cache-prune';
import { fitToInput } from './fit-shape';
import { encodeLabels } from './labels';
import { loaderFor } from './sources';
import { readStored, recipeKey, writeStored, type StoredSplit } from './tensor-store';
import type { DataSettings, PrepareContext, SourceRef } from './types';

export interface PrepareOptions {
  baseDir: string;
  cacheDir?: string;
  inputShape: Shape;
  labelEncoding: 'onehot' | 'index' | 'raw';
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
  const train = await prepareSplit(settings.train, 'train', ctx, opts.inputShape);
  // Test and validation labels map onto the training classes, so index k means the same class everywhere.
  const validation = settings.validation && (await prepareSplit(settings.validation, 'validation', ctx, opts.inputShape, train.classes));
  const test = settings.test && (await prepareSplit(settings.test, 'test', ctx, opts.inputShape, train.classes));
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
    ...(train.classes && { classes: train.classes }),
    labelEncoding: opts.labelEncoding,
    shuffle: settings.shuffle,
    ...(settings.augment && { augment: settings.augment }),
    isImage: train.isImage && train.x.shape.length === 4,
  };
}

function splitOf(stored: StoredSplit): PreparedSplit {
  return { x: stored.x, y: stored.y };
}

async function prepareSplit(ref: SourceRef, slot: Slot, ctx: PrepareContext, inputShape: Shape, knownClasses?: string[]): Promise<StoredSplit> {
  const loader = loaderFor(ref);
  const split = isBuiltinSource(ref.name) ? builtinSplit(ref, slot) : 'train';
  const source = describeSource(ref);
  const files = await loader.files(ref, split, ctx);
  const key = await recipeKey(
    { name: ref.name, args: ref.args, baseDir: ctx.baseDir, split, inputShape, encoding: ctx.labelEncoding, knownClasses },
    files,
  );
  const cached = await readStored(ctx.cacheDir, key);
  if (cached) return cached;

  ctx.signal?.throwIfAborted();
  ctx.onProgress?.(`Preparing ${source}${slot === 'train' ? '' : ` for ${slot}`}`);
  const loaded = await loader.load(ref, split, ctx);
  const sampleShape = fitToInput(loaded.x.sampleShape, inputShape, source);
  const labels = encodeLabels(loaded.y, loaded.count, ctx.labelEncoding, source, knownClasses);
  ctx.signal?.throwIfAborted();
  return writeStored(
    ctx.cacheDir,
    key,
    { dtype: loaded.x.dtype, shape: [loaded.count, ...sampleShape], data: loaded.x.data },
    { dtype: labels.dtype, shape: labels.shape, data: labels.data },
    { classes: labels.classes, isImage: loaded.isImage, count: loaded.count },
  );
}
