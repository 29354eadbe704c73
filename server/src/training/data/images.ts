// `images('dir', size=(h, w), color_mode='rgb')`: a folder with one sub-folder per class, PNG and
// JPEG images decoded, converted to the color mode and resized (bilinear) to size, stored as uint8.
// Samples are shuffled with a fixed seed, as Keras shuffles, so validation_split takes a mix of classes.

import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DataError } from '../../language/data/errors';
import { imageOptions, listImageFolder } from '../../language/data/image-folder';
import { parseImageHeader } from '../../language/data/image-header';
import { pathArg } from '../../language/data/source-args';
import { resizeBilinear } from './resize';
import type { SourceLoader } from './types';

export interface DecodedImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  rgba: Uint8Array;
}

/** Images over this many pixels are refused before decoding (Pillow's decompression-bomb limit): one would take gigabytes. */
export const MAX_IMAGE_PIXELS = 89_478_485;

export function decodeImage(bytes: Buffer, file: string): DecodedImage {
  const format = bytes[0] === 0x89 && bytes[1] === 0x50 ? 'PNG' : bytes[0] === 0xff && bytes[1] === 0xd8 ? 'JPEG' : undefined;
  if (!format) throw new DataError('data-format', `${file} is not a PNG or JPEG image; convert it or remove it from the folder`, 'directory');
  const invalid = (why: string) =>
    new DataError('data-format', `${file} cannot be decoded: it is not a valid ${format} (${why}); re-save it from an image editor, or remove it from the folder`, 'directory');
  let header;
  try {
    header = parseImageHeader(bytes, file);
  } catch {
    throw invalid('its header is damaged');
  }
  if (header.width === 0 || header.height === 0) throw invalid(`its header says ${header.width}×${header.height} pixels`);
  if (header.width * header.height > MAX_IMAGE_PIXELS) {
    throw new DataError(
      'data-format',
      `${file} says it is ${header.width}×${header.height} pixels, over the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} pixels per image; ` +
        `shrink it (the model resizes every image anyway), or remove it from the folder`,
      'directory',
    );
  }
  try {
    if (format === 'PNG') {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, rgba: png.data };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    return { width: img.width, height: img.height, rgba: img.data };
  } catch (e) {
    throw invalid(decodeFailure((e as Error).message));
  }
}

/** The decoders' messages in words: pngjs says "read requests waiting on finished stream" for a cut file. */
function decodeFailure(message: string): string {
  if (/read requests|finished stream|unexpected end|end of (data|file)|premature/i.test(message)) return 'the file ends too early: it is cut short';
  return `the decoder says: ${message}`;
}

/** RGBA to `channels` (1: TensorFlow's grayscale weights, 3: drop alpha, 4: as is). */
export function toChannels(rgba: Uint8Array, channels: number): Uint8Array | Float32Array {
  if (channels === 4) return rgba;
  const pixels = rgba.length / 4;
  if (channels === 3) {
    const rgb = new Uint8Array(pixels * 3);
    for (let p = 0; p < pixels; p++) {
      rgb[p * 3] = rgba[p * 4];
      rgb[p * 3 + 1] = rgba[p * 4 + 1];
      rgb[p * 3 + 2] = rgba[p * 4 + 2];
    }
    return rgb;
  }
  const gray = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) gray[p] = 0.2989 * rgba[p * 4] + 0.587 * rgba[p * 4 + 1] + 0.114 * rgba[p * 4 + 2];
  return gray;
}

/** A fixed permutation (mulberry32 + Fisher-Yates) so the order is the same on every run. */
export function fixedPermutation(n: number, seed = 1337): number[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export const imagesSource: SourceLoader = {
  async files(ref, _split, ctx) {
    const { path, written } = pathArg(ref, 'directory', ctx.baseDir);
    return [path, ...listImageFolder(path, written).files.map((f) => f.path)];
  },
  async load(ref, _split, ctx) {
    const { path: dir, written } = pathArg(ref, 'directory', ctx.baseDir);
    const { height, width, channels } = imageOptions(ref.args);
    const folder = listImageFolder(dir, written);
    const order = fixedPermutation(folder.files.length);
    const sampleSize = height * width * channels;
    const x = new Uint8Array(order.length * sampleSize);
    const indices = new Int32Array(order.length);
    const name = (n: number) => `${written}/${relative(dir, folder.files[order[n]].path)}`;
    for (let n = 0; n < order.length; n++) {
      ctx.signal?.throwIfAborted();
      if (n % 500 === 0 && n > 0) ctx.onProgress?.(`Reading images: ${n} / ${order.length}`);
      const file = folder.files[order[n]];
      const image = decodeImage(await readFile(file.path), name(n));
      resizeBilinear(toChannels(image.rgba, channels), image.height, image.width, channels, height, width, x, n * sampleSize);
      indices[n] = file.classIndex;
    }
    return {
      x: { dtype: 'uint8', data: x, sampleShape: [height, width, channels] },
      count: order.length,
      y: { kind: 'classes', indices, classes: folder.classes },
      isImage: true,
      at: name,
    };
  },
};
