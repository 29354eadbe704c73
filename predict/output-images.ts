// The outputs of an image-to-image model (an autoencoder, a denoiser, a segmenter) as PNG files:
// where each goes (--out DIR, else beside its input with a `.predicted` suffix, never onto an
// input), how output values become pixels, and the atomic write.

import { basename, dirname, extname, join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { makeDirs, writeFileAtomic } from '../training/files';
import type { KerasLayerConfig } from '../language/catalog/types';
import { PredictError, type PredictRun } from './run-model';

/** One sample's output read as an image: [height, width, channels], channels 1, 3 or 4. */
export function outputImageShape(sampleShape: number[], run: PredictRun): [number, number, number] | undefined {
  if (sampleShape.length === 3 && [1, 3, 4].includes(sampleShape[2]!))
    return [sampleShape[0]!, sampleShape[1]!, sampleShape[2]!];
  // (H, W) is an image only when the model reads images: a sequence model's (steps, features) is not.
  if (sampleShape.length === 2 && run.imageShape) return [sampleShape[0]!, sampleShape[1]!, 1];
  return undefined;
}

/** How output values map to 0–255, and why (said in --json and the CLI's header line). */
export interface PixelScale {
  /** pixel = (value − offset) × factor, then clamped and rounded. */
  offset: number;
  factor: number;
  why: string;
}

/**
 * The range of the output follows the last activation when it bounds it (sigmoid: [0, 1],
 * tanh: [−1, 1]); otherwise the model was trained to give values on its input's scale, so the
 * training rescale is undone (rescale 1/255: × 255).
 */
export function pixelScale(run: PredictRun): PixelScale {
  const activation = lastActivation(run.spec.model.config.layers);
  if (activation === 'sigmoid' || activation === 'hard_sigmoid' || activation === 'softmax')
    return { offset: 0, factor: 255, why: `the ${activation} output's [0, 1] as 0–255` };
  if (activation === 'tanh' || activation === 'softsign')
    return { offset: -1, factor: 127.5, why: `the ${activation} output's [−1, 1] as 0–255` };
  const rescale = run.spec.data.rescale ?? 1;
  if (rescale !== 1)
    return {
      offset: 0,
      factor: 1 / rescale,
      why: `values on the training inputs' scale (rescale ${Number(rescale.toPrecision(6))}), × ${Number((1 / rescale).toPrecision(6))}`,
    };
  return { offset: 0, factor: 1, why: 'values as 0–255 pixels (no rescale in training), clamped' };
}

function lastActivation(layers: KerasLayerConfig[]): string | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    const config = layers[i]!.config as { activation?: unknown };
    if (typeof config.activation === 'string' && config.activation !== 'linear') return config.activation;
    // A layer with an activation argument of 'linear' ends the search; layers without one
    // (Reshape, Cropping2D) pass their input's range on.
    if (config.activation !== undefined) return undefined;
  }
  return undefined;
}

/** PNG bytes of one sample's output (height × width × channels values, channels-last). */
export function encodeOutputPng(values: Float32Array, shape: [number, number, number], scale: PixelScale): Buffer {
  const [h, w, c] = shape;
  const png = new PNG({ width: w, height: h, colorType: c === 1 ? 0 : c === 3 ? 2 : 6 });
  const pixel = (v: number) => Math.min(255, Math.max(0, Math.round((v - scale.offset) * scale.factor)));
  for (let i = 0; i < h * w; i++) {
    const at = i * c;
    const r = pixel(values[at]!);
    const rgba =
      c === 1
        ? [r, r, r, 255]
        : [r, pixel(values[at + 1]!), pixel(values[at + 2]!), c === 4 ? pixel(values[at + 3]!) : 255];
    png.data.set(rgba, i * 4);
  }
  return PNG.sync.write(png, { colorType: c === 1 ? 0 : c === 3 ? 2 : 6 });
}

export const OUTPUT_SUFFIX = '.predicted';

/**
 * The output file of each sample: `<input name><suffix>.png` (with `-<n>` for the samples of a
 * .npy or the rows of a CSV), in `outDir` or beside the input. Two samples never share a name,
 * and no output is an input file: a clash gets `-2`, `-3`, …
 */
export function outputPaths(
  samples: { file: string; index?: number }[],
  inputs: readonly string[],
  outDir: string | undefined,
): string[] {
  const taken = new Set(inputs.map((f) => resolve(f)));
  return samples.map(({ file, index }) => {
    const stem = basename(file, extname(file)) + (index === undefined ? '' : `-${index}`) + OUTPUT_SUFFIX;
    const dir = outDir ? resolve(outDir) : dirname(resolve(file));
    for (let n = 1; ; n++) {
      const path = join(dir, `${stem}${n === 1 ? '' : `-${n}`}.png`);
      if (!taken.has(path)) {
        taken.add(path);
        return path;
      }
    }
  });
}

/** Writes each output image (atomically); an unwritable folder is a PredictError naming it. */
export function writeOutputImages(files: { path: string; png: Buffer }[]): void {
  for (const { path, png } of files) {
    try {
      makeDirs(dirname(path));
      writeFileAtomic(path, png, 'predict');
    } catch (e) {
      throw new PredictError(e instanceof Error ? e.message : String(e));
    }
  }
}
