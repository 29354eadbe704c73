// What the Preview Data view shows for a checked file: a grid of training samples per class
// (data/samples.ts, the same capped reader as the hover), and, when the data block has
// `augment: ImageDataGenerator(...)`, each sample again as training will see it: the plan's
// arguments handed to the TensorFlow.js engine's own augmentation (training/engines/tfjs/augment.ts,
// through the same dataSettingsOf → parseAugment → augmentBatch path as a run), seeded with
// fit.seed. No `vscode` import: unit-tested in test/client/.

import { dirname } from 'node:path';
import { GRID_LIMITS, readSamples, type SampleImage, type SourceSamples } from '../../../data/samples';
import { GRID_THUMBNAIL, pngDataUri, thumbnailPng } from '../../../data/thumbnail';
import type { Analysis } from '../../../language/analysis/analyze';
import { formatArgValue } from '../../../language/analysis/format-values';
import { planData, planFit, type DataPlan } from '../../../language/analysis/plan';
import { stampOf } from '../../../language/data/probe';
import type { SourceRef } from '../../../language/data/types';
import type { HostToPreviewMessage, PreviewContent } from '../../../media/preview/src/messages';
import { augmentBatch, parseAugment } from '../../../training/engines/tfjs/augment';
import { Random } from '../../../training/engines/tfjs/random';
import type { AugmentArgs } from '../../../training/protocol';
import { dataSettingsOf } from '../../../training/run-spec';

/** The samples last read, kept while the source stays the same (typing in augment's arguments re-draws without reading again). */
export interface SamplesCache {
  key?: string;
  samples?: SourceSamples;
}

export interface PreviewOptions {
  /** Added to the seed: the view's "Draw again". */
  redraws: number;
  cache: SamplesCache;
}

/** The view's message for the file's current text. `file`: the .model file's absolute path. */
export function previewMessage(analysis: Analysis, file: string, options: PreviewOptions): HostToPreviewMessage {
  const name = file.split(/[\\/]/).pop() ?? file;
  const data = planData(analysis, dirname(file));
  if (!data) {
    return {
      type: 'problem',
      file: name,
      message:
        'The file has no training data to preview: add a data block with train: (digits, images(...), csv(...), …)',
    };
  }
  const ref = sourceRefOf(data);
  // The source as written and its files' sizes and times: an edit of the data reads them again.
  const key = JSON.stringify([ref, dirname(file), stampOr(ref, dirname(file))]);
  if (options.cache.key !== key || !options.cache.samples) {
    options.cache.key = key;
    options.cache.samples = readSamples(ref, dirname(file), GRID_LIMITS);
  }
  const samples = options.cache.samples;
  if (!samples.ok) return { type: 'problem', file: name, message: samples.message };

  const augment = dataSettingsOf(data).augment;
  const seed = (planFit(analysis).seed ?? 0) + options.redraws;
  const augmented = augment && samples.images.length ? augmentImages(samples.images, augment, seed) : undefined;
  const content: PreviewContent = {
    file: name,
    source: samples.source,
    ...(samples.total !== undefined && { total: samples.total }),
    sampleShape: samples.sampleShape,
    classes: groupByClass(samples, augmented),
    ...(samples.countedOf !== undefined && { countedOf: samples.countedOf }),
    ...(data.augment && { augment: augmentCall(data), seed }),
    ...(samples.table && { table: samples.table }),
    ...((samples.note || (augment && !samples.images.length)) && {
      note: samples.note ?? 'ImageDataGenerator transforms images only: this source has none to show',
    }),
  };
  return { type: 'preview', content };
}

function stampOr(ref: SourceRef, baseDir: string): string {
  try {
    return stampOf(ref, baseDir);
  } catch {
    return 'unreadable'; // the reader says why
  }
}

/** The training source as the reader takes it: a built-in set's split as its slot reads it. */
function sourceRefOf(data: DataPlan): SourceRef {
  const { name, args, split } = data.train;
  return { name, args: split ? { ...args, split } : args };
}

/** `ImageDataGenerator(rotation_range=90)`: the arguments that differ from Keras's defaults. */
function augmentCall(data: DataPlan): string {
  const a = data.augment!;
  return `${a.className}(${a.changed.map((k) => `${k}=${formatArgValue(a.args[k])}`).join(', ')})`;
}

/**
 * The images after the engine's augmentation, in order. Images of one shape are one batch, as a
 * training batch is (a source's images share the shape training resizes them to). The engine
 * augments rescaled floats; its transforms are affine with bilinear sampling and flips, which
 * commute with the scale, so the bytes are augmented as floats and rounded back.
 */
export function augmentImages(images: SampleImage[], args: AugmentArgs, seed: number): Uint8Array[] {
  const options = parseAugment(args);
  const random = new Random(seed);
  const out: Uint8Array[] = new Array(images.length);
  const byShape = new Map<string, number[]>();
  images.forEach((im, i) => {
    const key = `${im.height}x${im.width}x${im.channels}`;
    byShape.set(key, [...(byShape.get(key) ?? []), i]);
  });
  for (const indices of byShape.values()) {
    const { height, width, channels } = images[indices[0]];
    const per = height * width * channels;
    const batch = new Float32Array(indices.length * per);
    indices.forEach((i, b) => batch.set(images[i].pixels, b * per));
    augmentBatch(batch, indices.length, [height, width, channels], options, random);
    indices.forEach((i, b) => {
      out[i] = Uint8Array.from(batch.subarray(b * per, (b + 1) * per), (v) =>
        Math.min(255, Math.max(0, Math.round(v))),
      );
    });
  }
  return out;
}

function groupByClass(
  samples: Extract<SourceSamples, { ok: true }>,
  augmented: Uint8Array[] | undefined,
): PreviewContent['classes'] {
  const classes: PreviewContent['classes'] = (samples.classes ?? []).map((c) => ({
    name: c.name,
    ...(c.count !== undefined && { count: c.count }),
    samples: [],
  }));
  const unlabelled: PreviewContent['classes'][number] = { name: 'samples', samples: [] };
  samples.images.forEach((image, i) => {
    const target = image.classIndex !== undefined ? classes[image.classIndex] : undefined;
    const sample = {
      original: pngDataUri(thumbnailPng(image, GRID_THUMBNAIL)),
      ...(augmented && { augmented: pngDataUri(thumbnailPng({ ...image, pixels: augmented[i] }, GRID_THUMBNAIL)) }),
    };
    (target ?? unlabelled).samples.push(sample);
  });
  if (unlabelled.samples.length) classes.push(unlabelled);
  return classes;
}
